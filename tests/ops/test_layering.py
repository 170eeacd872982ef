"""The apps depend on each other one way: branchwork ← activities ← reports ← notifications, and no
product app imports the demo. Read off every module's imports, so a new import the wrong way fails
here rather than in a review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["branchwork", "activities", "reports", "notifications"]
# What each app may not import: anything above it, and the demo.
FORBIDDEN = {app: {*ORDER[index + 1 :], "demo"} for index, app in enumerate(ORDER)}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_nothing_above_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & FORBIDDEN[app])
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {module: apps for module, apps in wrong.items() if apps} == {}
