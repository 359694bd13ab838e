"""Which package modules a workflow script runs: the ``code`` inputs of its rule.

A rule lists as inputs the files of every ``optireport`` module its script imports, directly
or through other package modules, so that editing any of them reruns the rule's jobs (and
nothing else). The imports are read from the source (``ast``), without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "optireport"
PACKAGE_DIR = Path(__file__).resolve().parent


def direct_imports(source: Path, package_dir: Path = PACKAGE_DIR) -> set[str]:
    """Names of the package modules that ``source`` imports itself (anywhere in the file)."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), str(source))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from optireport import a, b`` imports modules a and b (when they are modules).
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            head, _, rest = name.partition(".")
            module = rest.partition(".")[0]
            if head == PACKAGE and module and (package_dir / f"{module}.py").is_file():
                found.add(module)
    return found


def package_modules(source: Path, package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Every package module that running ``source`` imports, directly or not, sorted."""
    seen: set[str] = set()
    pending = direct_imports(Path(source), package_dir)
    while pending:
        module = pending.pop()
        if module not in seen:
            seen.add(module)
            pending |= direct_imports(package_dir / f"{module}.py", package_dir) - seen
    return sorted(seen)
