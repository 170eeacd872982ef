"""The demo's 党委 standard (考核细则): the shipped example, for the year of kl's records."""

from branchwork.models import Organisation
from inspection.standards import standard_from_example

STANDARDS = [("center", 2022)]


def seed_inspection() -> None:
    for code, year in STANDARDS:
        standard_from_example(organisation=Organisation.objects.get(code=code), year=year, by=None)
