"""No function in the product (every app of the project) is over 60 lines unless its docstring
says why, in a sentence that starts ``Long because:`` (say what would be lost by splitting it:
"Long because: one table of the reference report's records, read top to bottom"). Walks every
module of the apps with ``ast``, methods and nested functions included; a function's length runs
from its ``def`` to its last line, docstring and comments included."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The product: every Django app at the top of the project (a new app is walked without a word here).
PRODUCT = tuple(sorted(path.parent.name for path in ROOT.glob("*/apps.py")))
MAX_LINES = 60
REASON = re.compile(r"Long because:\s*\S")

# Modules others are rewriting this round (the report pages, the judgments, the truth rule): a
# long function in one of them waits on this list, not split under their feet. Each entry:
# "path:function" → whose and why it waits. Split it there, then take it off the list.
REWORKED_MODULES = {
    "reports/selectors.py",
    "reports/profile.py",
    "reports/views.py",
    "reports/judgments.py",
    "reports/defaults.py",
    "reports/judgment_claims.py",
    "reports/placeholders.py",
    "reports/claims.py",
}
BEING_REWORKED: dict[str, str] = {}  # none left: truth's 65-line _carried came back split


def long_functions(root: Path = ROOT, limit: int = MAX_LINES) -> dict[str, int]:
    """Every function over ``limit`` lines whose docstring gives no reason, as "path:name" → lines."""
    found = {}
    for package in PRODUCT:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                lines = node.end_lineno - node.lineno + 1
                if lines > limit and not REASON.search(ast.get_docstring(node) or ""):
                    found[f"{path.relative_to(root).as_posix()}:{node.name}"] = lines
    return found


def test_no_function_is_over_60_lines_without_a_reason():
    over = {name: lines for name, lines in long_functions().items() if name not in BEING_REWORKED}
    assert over == {}, "split these, or say in the docstring «Long because: …»"


def test_the_list_names_functions_of_the_modules_being_reworked():
    """No entry for a module nobody is reworking, nor one naming no function (a typo or a
    rename would excuse nothing)."""
    for entry in BEING_REWORKED:
        path, name = entry.split(":")
        assert path in REWORKED_MODULES, entry
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        assert name in {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}, entry


def test_every_app_is_walked():
    assert {"branchwork", "activities", "reports", "notifications", "demo"} <= set(PRODUCT)


def test_the_check_counts_lines_and_reads_the_reason(tmp_path):
    (tmp_path / "activities").mkdir()
    body = "\n".join(f"    x{n} = {n}" for n in range(60))
    (tmp_path / "activities" / "long.py").write_text(
        f'def long():\n    """Adds up."""\n{body}\n\n'
        f'def excused():\n    """Adds up.\n\n    Long because: one table read top to bottom."""\n{body}\n\n'
        "class Thing:\n    def method(self):\n" + body.replace("    ", "        ") + "\n\n"
        "def short():\n    return 1\n",
        encoding="utf-8",
    )
    assert long_functions(tmp_path) == {"activities/long.py:long": 62, "activities/long.py:method": 61}
