"""The shape of the code (ARCHITECTURE.md): no import cycle between the project's modules, the
stages never import Prefect or the flows, and the chain of stages is written once."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("newsdesk", "flows", "models", "migrations")
# The command line is the edge that starts flows; every other newsdesk module is a stage, a
# loader or a helper, and knows nothing of Prefect.
EDGES = {"newsdesk.cli"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _project_module(name: str) -> str | None:
    """The project module an import names (a name inside a module names the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path) -> set[str]:
    """Every module imported anywhere in the file, top level or inside functions: for
    `from package import submodule`, the submodule (its package is only its namespace)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in MODULES else node.module)
    return names


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {_project_module(n) for n in _imports(path)}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as a path of module names, or None (depth-first, by hand)."""
    done: set[str] = set()
    for start in sorted(graph):
        path = [start]
        todo = [iter(sorted(graph[start]))]
        while todo:
            target = next(todo[-1], None)
            if target is None:
                done.add(path.pop())
                todo.pop()
            elif target in path:
                return [*path[path.index(target) :], target]
            elif target not in done:
                path.append(target)
                todo.append(iter(sorted(graph[target])))
    return None


def test_no_import_cycle_between_the_projects_modules() -> None:
    graph = _graph()
    assert len(graph) > 40  # the walk found the project
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_no_stage_imports_prefect_or_the_flows() -> None:
    offenders = {
        name: sorted(n for n in _imports(path) if n.split(".")[0] in {"prefect", "flows"})
        for name, path in MODULES.items()
        if name.startswith("newsdesk") and name not in EDGES
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_flows_hold_prefect_code_only() -> None:
    """Every module of flows/ is Prefect code: it imports Prefect, or starts Prefect's server."""
    for name, path in MODULES.items():
        if name.startswith("flows.") and not name.endswith("__init__"):
            text = path.read_text(encoding="utf-8")
            assert "prefect" in text, name


def test_the_chain_of_stages_is_written_once() -> None:
    """clean() and normalise() are called by the chain (newsdesk.pipeline) and nowhere else in
    the entry points: the flow, inspect, reprocess and the golden files go through it."""
    callers = []
    for name, path in MODULES.items():
        if name in {"newsdesk.pipeline", "newsdesk.clean", "newsdesk.normalise"}:
            continue
        if name.startswith(("newsdesk.clean.", "newsdesk.normalise.")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {
                "clean",
                "normalise",
            }:
                callers.append(name)
    golden = (REPO / "tests" / "golden" / "regenerate.py").read_text(encoding="utf-8")
    assert callers == []
    assert "prepare_one" in golden and "sources.read" in golden
