"""Which package modules a workflow script runs: the ``code`` inputs of its rule.

A rule lists as inputs the files of every package module its script imports, directly or
through other package modules, so that editing any of them reruns the rule's jobs (and nothing
else). The script's own imports are read from its source (``ast``); the package's import graph
is grimp's (the library behind ``lint-imports``), so nothing is imported to find them.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from pathlib import Path

import grimp

PACKAGE = "optireport"


@functools.cache
def _graph(package: str) -> grimp.ImportGraph:
    return grimp.build_graph(package, cache_dir=None)


def _is_plain_module(graph: grimp.ImportGraph, name: str) -> bool:
    """A module of the graph that is a file of its own, not a package (``__init__``)."""
    return name in graph.modules and not graph.find_children(name)


def direct_imports(source: Path, package: str = PACKAGE) -> set[str]:
    """Dotted names of the package modules that ``source`` imports itself (anywhere in it)."""
    graph = _graph(package)
    found = set()
    for node in ast.walk(ast.parse(Path(source).read_text(encoding="utf-8"), str(source))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from optireport.x import a, b`` imports modules x.a and x.b (when they are
            # modules) or names of module x.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if _is_plain_module(graph, name)}
    return found


def package_modules(source: Path, package: str = PACKAGE) -> list[str]:
    """Every package module that running ``source`` imports, directly or not, sorted."""
    graph = _graph(package)
    found = direct_imports(source, package)
    for module in list(found):
        found |= graph.find_upstream_modules(module)
    return sorted(name for name in found if _is_plain_module(graph, name))


def module_file(module: str, root: Path) -> str:
    """The file of a dotted module, relative to ``root`` (the repository)."""
    origin = importlib.util.find_spec(module).origin
    return Path(origin).resolve().relative_to(root.resolve()).as_posix()
