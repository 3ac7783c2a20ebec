"""Links between apps point one way: down the layers, never round in a cycle.

The import graph is read from the source with ``ast`` (every ``import`` and
``from … import`` in every module, including the ones inside functions, so a
lazy import counts as much as one at the top). Tests are left out: they may
drive any app through its public interface. The project modules beside the apps
(``iphub/api.py``, ``urls.py``, ``settings.py``) stand above every app.

The layers, lowest first (README, "Architecture"):

    core  <  patents  <  filings, navigation, protection  <  transfer, finance
          <  supervision  <  portal

An app may import apps in lower layers only. Apps in one layer do not import
each other; when one must follow another, the lower one announces an event
(``patents/events.py``) or a registry in core takes the contributions
(``core/indicators.py``).
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]  # src/iphub

LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("patents",),
    ("filings", "navigation", "protection"),
    ("transfer", "finance", "training"),
    ("programmes", "brokerage", "network", "policies", "brands", "overseas"),
    ("enterprises",),
    ("supervision",),
    ("portal",),
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}


def _apps() -> set[str]:
    return {p.name for p in SRC.iterdir() if (p / "__init__.py").exists() and p.name != "locale"}


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports, absolute (relative imports resolved), with its line."""
    rel = path.relative_to(SRC.parent).with_suffix("").parts  # ("iphub", app, ..., module)
    package = rel[:-1]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
            # ``from iphub import patents`` names the app in the alias.
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


@functools.cache
def import_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> ["file:line", ...], for imports between different apps.
    Parsed once per run: each app's test reads the same graph (parsing every file
    again per app was 35 s of the suite)."""
    apps = _apps()
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app in sorted(apps):
        for path in sorted((SRC / app).rglob("*.py")):
            if "tests" in path.relative_to(SRC).parts:
                continue
            for module, line in _imported_modules(path):
                parts = module.split(".")
                if len(parts) > 1 and parts[0] == "iphub" and parts[1] != app:
                    target = parts[1] if parts[1] in apps else "project"
                    where = f"{path.relative_to(SRC)}:{line}"
                    if where not in graph[app][target]:
                        graph[app][target].append(where)
    return graph


def _cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The groups of apps that reach each other (strongly connected, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, {}):
            if nxt == "project":
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_every_app_has_a_layer() -> None:
    # Apps other branches bring may be listed before they arrive here.
    assert _apps() - set(LAYER_OF) == set(), "add the new app to LAYERS (and to the README)"


def test_no_import_cycle_between_apps() -> None:
    graph = import_graph()
    cycles = _cycles(graph)
    detail = [
        f"{a} -> {b} ({graph[a][b][0]})"
        for group in cycles
        for a in group
        for b in group
        if b in graph.get(a, {})
    ]
    assert not cycles, f"apps importing each other: {cycles}; links: {detail}"


@pytest.mark.parametrize("app", [a for layer in LAYERS for a in layer])
def test_app_imports_only_lower_layers(app: str) -> None:
    upward = {
        target: where
        for target, where in import_graph().get(app, {}).items()
        if target == "project" or LAYER_OF[target] >= LAYER_OF[app]
    }
    assert not upward, f"{app} imports apps not below it: {dict(upward)}"


def test_the_checker_sees_lazy_and_relative_imports() -> None:
    """An import inside a function counts, and a relative one resolves to its app."""
    here = Path(__file__)
    found = {m for m, _ in _imported_modules(here)}
    assert "iphub.core.tests" not in found  # (this module imports no iphub app)
    sample = SRC / "core" / "tests" / "_import_graph_sample.py"
    sample.write_text(
        "def f():\n    from iphub.portal import views\nfrom .. import audit\n", "utf-8"
    )
    try:
        found = {m for m, _ in _imported_modules(sample)}
    finally:
        sample.unlink()
    assert {"iphub.portal", "iphub.portal.views", "iphub.core", "iphub.core.audit"} <= found
    graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert _cycles(graph) == [["a", "b", "c"]]
