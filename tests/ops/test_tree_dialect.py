""" "Below an organisation" is said one way: ``Organisation.contains(other)``, ``.below(scope)`` on
the querysets of what hangs off the tree and ``below_q`` for combined conditions, all spelled in
``branchwork/models.py``. A raw prefix match on ``path`` anywhere else fails here, naming the line."""

import re
from pathlib import Path

from branchwork.models import Member, Organisation, Role
from reports.models import Report

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("branchwork", "activities", "reports", "notifications", "demo", "benchmarks")
DEFINED_IN = ROOT / "branchwork" / "models.py"
# path__startswith in a lookup (branch__path__startswith too), or path.startswith(...) on a value.
RAW = re.compile(r"path__startswith|path\.startswith\(")


def raw_spellings(root: Path = ROOT) -> list[str]:
    found = []
    for package in PRODUCT:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts or path == DEFINED_IN:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if RAW.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_module_but_the_models_spells_out_the_tree_path():
    assert raw_spellings() == []


def test_the_check_sees_both_spellings(tmp_path):
    (tmp_path / "activities").mkdir()
    (tmp_path / "activities" / "views.py").write_text(
        "a = Report.objects.filter(branch__path__startswith=org.path)\nb = branch.path.startswith(org.path)\n"
        "c = Report.objects.below(org)\n",
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in raw_spellings(tmp_path)] == ["1", "2"]


def test_the_one_dialect_reads_the_tree(world):
    assert world.general.contains(world.branch) and world.general.contains(world.general)
    assert not world.branch.contains(world.general) and not world.other_general.contains(world.branch)
    assert set(Organisation.objects.branches().below(world.general)) == {world.branch, world.sibling}
    assert set(Organisation.objects.below(world.branch, world.far)) == {world.branch, world.far}
    assert Organisation.objects.below().count() == 0
    assert set(Role.objects.below(world.other_general).values_list("user__username", flat=True)) == {
        "outsider",
        "far",
    }
    assert not Member.objects.below(world.other_general).filter(branch=world.branch).exists()
    assert Report.objects.below(world.other_general).filter(branch=world.branch).count() == 0
