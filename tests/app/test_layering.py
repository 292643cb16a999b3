"""The shape of the code, measured: no import circle between modules, imports that run back up the layering kept to
a few named exceptions, and function-local imports of project modules (a hidden circle's usual disguise) counted.

Layers, from the bottom: the pure libraries (matching, quoting); the app's core (settings, database, errors, the
outbox, security, shared value types); accounts and capacity; the features. A module may import its own layer and
the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("matching", "quoting", "capacity", "marketplace")
CORE = ("marketplace", "marketplace.extensions", "marketplace.db_types", "marketplace.config", "marketplace.errors",
        "marketplace.bounded", "marketplace.events", "marketplace.placements", "marketplace.i18n",
        "marketplace.form_fields", "marketplace.forms_util", "marketplace.tenancy", "marketplace.mail",
        "marketplace.outbox", "marketplace.security", "marketplace.web.redirects")
# Reads across the layering that stay, each for a reason:
UPWARD_ALLOWED = {
    # removing a machine or site must see the open work and the history that refer to it
    ("capacity.removal", "marketplace.orders.models"),
    ("capacity.removal", "marketplace.quotes.models"),
}
MAX_UPWARD = 3
MAX_LOCAL_IMPORTS = 15


PAGES_OF_CORE = ("marketplace.outbox.views",)  # the operator's page of the runner reads the features it serves


def layer(module: str) -> int:
    if module.split(".")[0] in ("matching", "quoting"):
        return 0
    if module in PAGES_OF_CORE:
        return 3
    if any(module == c or module.startswith(c + ".") for c in CORE[1:]) or module == "marketplace":
        return 1
    # a firm's saved delivery addresses are firm data like its account (orders and leases both deliver to them)
    if module.startswith(("capacity", "marketplace.accounts", "marketplace.addresses", "marketplace.api_common",
                          "marketplace.wording")):
        return 2
    return 3


def modules():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def _imported(node, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        return [target] + [f"{target}.{a.name}" for a in node.names]
    return []


def project(name: str, known: set[str]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@pytest.fixture(scope="module")
def graph():
    found = dict(modules())
    known = set(found)
    top, local = {}, []
    for module, path in found.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        top.setdefault(module, set())
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            for target in _imported(node, module, is_package):
                hit = project(target, known)
                if hit and hit != module:
                    top[module].add(hit)
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if module == "marketplace":  # the app factory wires every feature together: that is its job
                    continue
                for node in ast.walk(fn):
                    hits = {project(t, known) for t in _imported(node, module, is_package)} - {None}
                    if hits and (module, node.lineno) not in {(m, line) for m, _, line in local}:
                        local.append((module, fn.name, node.lineno))
    return top, local


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or round a circle."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            groups.append(sorted(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_import_circle(graph):
    top, _ = graph
    # A package's __init__ that re-exports its own submodules is not a circle between modules.
    edges = {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in top.items()}
    assert [g for g in strongly_connected(edges) if len(g) > 1] == []


def test_imports_back_up_the_layering_are_the_named_few(graph):
    top, _ = graph
    upward = {(a, b) for a, bs in top.items() for b in bs if layer(b) > layer(a)}
    assert upward <= UPWARD_ALLOWED, sorted(upward - UPWARD_ALLOWED)
    assert len(upward) <= MAX_UPWARD


def test_function_local_imports_are_few(graph):
    _, local = graph
    assert len(local) <= MAX_LOCAL_IMPORTS, local
