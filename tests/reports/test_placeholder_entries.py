"""The editor's placeholder list shortens a value as Django's Truncator does, without its walk
over every character when the value is short enough."""

import pytest
from django.utils.text import Truncator

from reports.templatetags.reports_tags import _shortened


@pytest.mark.parametrize(
    "value",
    [
        "召开支委会12次",
        "学" * 120,
        "学" * 121,
        "学" * 300,
        "e\u0301" * 70,  # 140 code points, 70 characters once composed (NFC)
        "e\u0301" * 130,
        "a\u0300\u0316" * 50,
    ],
)
def test_it_shortens_as_the_truncator_does(value):
    assert _shortened(value) == Truncator(value).chars(120)
    if len(value) > 200:
        assert len(_shortened(value)) <= 120
