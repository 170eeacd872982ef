"""The apps depend on each other one way: branchwork ← activities ← reports ← inspection ←
notifications (inspection sits on reports; nothing below it imports it), and no
product app imports the demo; and no module imports itself round a circle (grimp's import graph of
the product packages, imports inside functions included). Read off every module's imports, so a new
import the wrong way fails here rather than in a review."""

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["branchwork", "activities", "reports", "inspection", "notifications"]
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


# Circles: two modules that import each other, however far round, imports inside functions included
# (grimp reads every import statement, wherever it stands). A circle is broken by moving what both
# need below both (``branchwork.names``, ``reports.minutes_document``), never by hiding an import
# in a function.
PRODUCT = ("branchwork", "activities", "reports", "inspection", "notifications", "demo")


def import_circles(graph) -> list[list[str]]:
    """The graph's strongly connected groups of two or more modules (or a module importing
    itself), each as one shortest circle through its first module: ``[a, b, c, a]``."""
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm, iterative so a deep import chain cannot exhaust the recursion limit.
        work = [(start, iter(sorted(imports[start])))]
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports[child]))))
                elif child in on_stack:
                    low[module] = min(low[module], order[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == order[module]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == module:
                        break
                if len(group) > 1 or module in imports[module]:
                    groups.append(group)

    for module in sorted(imports):
        if module not in order:
            visit(module)
    circles = []
    for group in groups:
        first = min(group)
        # The shortest way back to ``first`` from what it imports inside the group.
        paths = [
            graph.find_shortest_chain(importer=child, imported=first) for child in imports[first] & group
        ]
        back = min((path for path in paths if path), key=len)
        circles.append([first, *back])
    return sorted(circles)


def test_no_module_imports_itself_round_a_circle():
    graph = grimp.build_graph(*PRODUCT, cache_dir=None)
    circles = [" → ".join(circle) for circle in import_circles(graph)]
    assert circles == []


def test_the_checker_finds_a_circle_and_names_it():
    graph = grimp.ImportGraph()
    for module in ("app.models", "app.names", "app.accounts", "app.views"):
        graph.add_module(module)
    graph.add_import(importer="app.accounts", imported="app.models")
    graph.add_import(importer="app.models", imported="app.names")
    graph.add_import(importer="app.views", imported="app.accounts")
    assert import_circles(graph) == []
    graph.add_import(importer="app.names", imported="app.accounts")  # a name taken from above
    assert import_circles(graph) == [["app.accounts", "app.models", "app.names", "app.accounts"]]
