"""The import graph between areas (DESIGN.md "Layout"): no cycles, and one seam to the worker.

Every module under app/ and worker/ is parsed with ast, function-local imports and
importlib.import_module("...") calls included (an import moved into a function to dodge a
cycle is still a dependency). An area is a top-level package or module of app/ (app.courses,
app.errors, ...); app/__init__.py, the factory that registers every area, is the area "app";
worker/ is one area.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "worker")
# The one module of app/ that may import the worker (DESIGN.md: "worker → app only").
SEAM = "app.judging.runner"


@dataclass(frozen=True)
class Edge:
    """One import statement: which module imports which, and where."""

    source: str
    target: str
    where: str  # path:line


def module_name(path: Path) -> str:
    """The dotted name of a source file (a package's __init__ is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    """Every Python file of the app and the worker."""
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def is_module(dotted: str) -> bool:
    """Whether a dotted name is a module or package in this tree (not a name inside one)."""
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path) -> list[Edge]:
    """The in-tree modules one file imports, wherever in the file the import is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    where = str(path.relative_to(ROOT))
    return imports_in(path.read_text(encoding="utf-8"), name, package, where)


def imports_in(text: str, name: str, package: str, where: str) -> list[Edge]:
    """The in-tree imports of one module's source (name is the module, package its package)."""
    found: list[Edge] = []

    def add(target: str, node: ast.AST) -> None:
        if target.split(".")[0] in PACKAGES:
            found.append(Edge(name, target, f"{where}:{getattr(node, 'lineno', 0)}"))

    for node in ast.walk(ast.parse(text, filename=where)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from app import courses` imports the module app.courses, not the package.
                full = f"{base}.{alias.name}"
                add(full if is_module(full) else base, node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value, node)
    return found


def area_of(module: str) -> str:
    """app.courses.service -> app.courses; app -> app; worker.sandbox.pool -> worker."""
    parts = module.split(".")
    if parts[0] == "worker":
        return "worker"
    return ".".join(parts[:2])


def all_edges() -> list[Edge]:
    """Every import of an in-tree module, over the app and the worker."""
    return [edge for path in source_files() for edge in imports_of(path)]


def area_graph(edges: list[Edge]) -> dict[str, dict[str, list[Edge]]]:
    """area -> area it imports -> the imports that make the dependency.

    The seam's imports of the worker are left out: they are the one sanctioned way back,
    checked by test_only_the_seam_imports_the_worker.
    """
    graph: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))
    for edge in edges:
        source, target = area_of(edge.source), area_of(edge.target)
        if source == target or (edge.source == SEAM and target == "worker"):
            continue
        graph[source][target].append(edge)
    return graph


def find_cycle(graph: dict[str, dict[str, list[Edge]]]) -> list[str] | None:
    """One cycle of areas (first area repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, list[Edge]]]) -> str:
    """Each step of a cycle with the import statements that make it."""
    lines = [" -> ".join(cycle)]
    for source, target in zip(cycle, cycle[1:], strict=False):
        shown = ", ".join(
            f"{e.where} ({e.source} imports {e.target})" for e in graph[source][target][:3]
        )
        lines.append(f"  {source} -> {target}: {shown}")
    return "\n".join(lines)


HIDDEN = """
import importlib

def reap():
    from worker.sandbox import pool
    importlib.import_module("worker.jobs")
    from ..courses import access

class Page:
    def render(self):
        from app import challenges
"""


def test_the_parser_sees_function_local_relative_and_dynamic_imports() -> None:
    """Imports moved into functions, relative ones and importlib calls all count."""
    edges = imports_in(HIDDEN, "app.judging.queue", "app.judging", "hidden.py")
    assert sorted(e.target for e in edges) == [
        "app.challenges",
        "app.courses.access",
        "worker.jobs",
        "worker.sandbox.pool",
    ]


def test_a_cycle_is_found_and_named_with_its_imports() -> None:
    """Two areas importing each other are reported with the lines that do it."""
    graph = area_graph(
        [
            Edge("app.courses.service", "app.challenges.access", "courses/service.py:1"),
            Edge("app.challenges.access", "app.courses.access", "challenges/access.py:2"),
            Edge("app.judging.runner", "worker.pipeline", "judging/runner.py:3"),
            Edge("worker.jobs", "app.judging.queue", "worker/jobs.py:4"),
        ]
    )
    cycle = find_cycle(graph)
    assert cycle == ["app.challenges", "app.courses", "app.challenges"]
    assert "challenges/access.py:2" in describe(cycle, graph)
    # The seam's way back to the worker is no cycle; any other module's would be.
    del graph["app.challenges"]
    assert find_cycle(graph) is None
    graph = area_graph([Edge("app.judging.queue", "worker.sandbox", "q:5"),
                        Edge("worker.jobs", "app.judging.queue", "j:6")])  # fmt: skip
    assert find_cycle(graph) == ["app.judging", "worker", "app.judging"]


def test_no_import_cycles_between_areas() -> None:
    """DESIGN.md's import direction has no way back: areas form a graph without cycles."""
    graph = area_graph(all_edges())
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between areas:\n" + describe(cycle, graph)


def test_only_the_seam_imports_the_worker() -> None:
    """The app reaches the worker through app/judging/runner.py alone."""
    offenders = sorted(
        edge.where
        for edge in all_edges()
        if edge.source.startswith("app")
        and area_of(edge.target) == "worker"
        and edge.source != SEAM
    )
    assert offenders == [], f"app modules importing the worker besides {SEAM}: {offenders}"
