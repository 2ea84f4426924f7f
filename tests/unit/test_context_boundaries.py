"""Bounded contexts never import each other, in any layer, and the shared kernel imports
none of them. The contexts are the folders of domain/ (a new one is covered as soon as it
exists); a module belongs to a context when its dotted path names it (`adapters.memory.
shop.payments`, `entrypoints.http.todos.routes`). Only the composition root, which wires
every context together, may import them all."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "application", "adapters", "entrypoints")
CONTEXTS = frozenset(
    p.name
    for p in (ROOT / "domain").iterdir()
    if (p / "__init__.py").exists() and p.name != "shared"
)
# The modules that wire every context together. Nothing else may import more than one.
COMPOSITION_ROOT = frozenset(
    {
        "entrypoints.container",
        "entrypoints.resources",
        "entrypoints.http.app",
        "entrypoints.cli",
    }
)


def context_of(module: str) -> str | None:
    names = set(module.split(".")) & CONTEXTS
    assert len(names) <= 1, f"{module} names two contexts"
    return next(iter(names), None)


def crossings(graph: grimp.ImportGraph) -> list[str]:
    """Every direct import that leaves a context for another one, or that reaches a
    context from shared code outside the composition root."""
    found = []
    for importer in sorted(graph.modules):
        if importer in COMPOSITION_ROOT or not importer.startswith(PACKAGES):
            continue
        home = context_of(importer)
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target = context_of(imported)
            if target is not None and target != home:
                where = f"context {home}" if home else "the shared kernel"
                found.append(f"{importer} ({where}) imports {imported} ({target})")
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_the_contexts_come_from_the_domain_folders() -> None:
    assert {"accounts", "todos", "shop"} <= CONTEXTS


def test_no_module_imports_another_context(graph: grimp.ImportGraph) -> None:
    assert crossings(graph) == []


def test_every_context_is_seen_in_every_layer(graph: grimp.ImportGraph) -> None:
    """The rule above would pass vacuously if module names stopped naming their context."""
    for context in CONTEXTS:
        for layer in PACKAGES:
            assert any(
                m.startswith(f"{layer}.") and context_of(m) == context for m in graph.modules
            ), f"no module of {context} in {layer}"


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # The two leaks the per-context contracts once missed (issue 11).
        ("adapters.memory.accounts.throttle", "domain.shop.orders"),
        ("entrypoints.http.routing", "application.todos.ports"),
        ("entrypoints.http.shop.orders", "application.accounts.ports"),
    ],
)
def test_a_planted_cross_context_import_is_caught(
    graph: grimp.ImportGraph, importer: str, imported: str
) -> None:
    graph.add_import(importer=importer, imported=imported)
    try:
        assert any(line.startswith(f"{importer} ") for line in crossings(graph))
    finally:
        graph.remove_import(importer=importer, imported=imported)
