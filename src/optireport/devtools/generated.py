"""The one list of paths a clone does not have: the marked blocks of ``.gitignore``.

``.gitignore`` keeps two blocks: ``build`` (what the workflow makes; ``make clean`` removes it)
and ``local`` (the virtual environment, caches, published copies; ``make clean`` keeps it).
The tests' copy of the repository leaves out both (``tests/helpers/build.py``). Only the plain
gitignore forms are accepted (``/anchored``, ``name``, ``dir/``, ``*`` and ``?`` inside a name),
so this reading and git's agree; anything else is an error, not a silent mismatch.

Standard library only: ``make clean`` runs it with ``PYTHONPATH=src`` and no virtual environment.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from optireport.store import paths

ROOT = paths.ROOT
BLOCKS = ("build", "local")

_BEGIN = re.compile(r"^# >>> (\w+)")
_END = re.compile(r"^# <<< (\w+)")
_UNSUPPORTED = re.compile(r"[!\\\[\]]|\*\*")


class GitignoreError(ValueError):
    """``.gitignore`` has a line or a block this module cannot read as git would."""


@dataclass(frozen=True)
class Pattern:
    """One gitignore line: the path parts, whether it is anchored, whether only a directory."""

    parts: tuple[str, ...]
    anchored: bool
    directory_only: bool

    @classmethod
    def parse(cls, line: str) -> Pattern:
        if _UNSUPPORTED.search(line):
            raise GitignoreError(f"Patrón de .gitignore no admitido: {line!r}")
        directory_only = line.endswith("/")
        body = line.strip("/")
        parts = tuple(body.split("/"))
        # git anchors a pattern with a slash at its start or in its middle.
        return cls(parts, line.startswith("/") or len(parts) > 1, directory_only)

    def matches(self, relative: str, is_dir: bool) -> bool:
        """Whether the path itself (``a/b``, relative to the root) is what this line names."""
        parts = tuple(relative.strip("/").split("/"))
        if self.directory_only and not is_dir:
            return False
        if not self.anchored:
            return fnmatchcase(parts[-1], self.parts[0])
        return len(parts) == len(self.parts) and all(
            fnmatchcase(part, pattern) for part, pattern in zip(parts, self.parts, strict=True)
        )

    @property
    def literal_path(self) -> str:
        """The path an anchored line without wildcards names (all the ``build`` block has)."""
        if not self.anchored or any(c in part for part in self.parts for c in "*?"):
            raise GitignoreError(
                f"El bloque «build» de .gitignore solo admite rutas fijas desde la raíz "
                f"(«/results/»), no {'/'.join(self.parts)!r}."
            )
        return "/".join(self.parts)


def read_blocks(text: str) -> dict[str, list[Pattern]]:
    """The patterns of each marked block (``# >>> name`` … ``# <<< name``)."""
    blocks: dict[str, list[Pattern]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if current is not None:
                raise GitignoreError(f".gitignore:{number}: el bloque «{current}» no se cerró.")
            current = begin.group(1)
            blocks[current] = []
        elif end:
            if end.group(1) != current:
                raise GitignoreError(f".gitignore:{number}: cierre sin apertura: {line!r}.")
            current = None
        elif line and not line.startswith("#"):
            if current is None:
                raise GitignoreError(f".gitignore:{number}: {line!r} está fuera de un bloque.")
            blocks[current].append(Pattern.parse(line))
    if current is not None:
        raise GitignoreError(f".gitignore: el bloque «{current}» no se cerró.")
    missing = [name for name in BLOCKS if name not in blocks]
    if missing:
        raise GitignoreError(f".gitignore: faltan los bloques {missing}.")
    return blocks


def patterns(root: Path = ROOT, *names: str) -> list[Pattern]:
    """The patterns of the named blocks of ``root/.gitignore`` (all blocks when none is named)."""
    blocks = read_blocks((root / ".gitignore").read_text(encoding="utf-8"))
    return [pattern for name in names or BLOCKS for pattern in blocks[name]]


def is_ignored(relative: str, is_dir: bool, patterns: list[Pattern]) -> bool:
    """Whether git ignores the path: it, or one of the directories above it, matches a line."""
    parts = relative.strip("/").split("/")
    return any(
        pattern.matches("/".join(parts[:depth]), is_dir or depth < len(parts))
        for depth in range(1, len(parts) + 1)
        for pattern in patterns
    )


def clean(root: Path = ROOT) -> list[str]:
    """Remove every path of the ``build`` block under ``root``; return those that existed."""
    removed = []
    for pattern in patterns(root, "build"):
        path = root / pattern.literal_path
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue
        removed.append(pattern.literal_path)
    return removed


def main(argv: list[str]) -> int:
    if argv != ["clean"]:
        print("Uso: python -m optireport.devtools.generated clean", file=sys.stderr)
        return 2
    removed = clean(Path.cwd())
    print("Borrado: " + ", ".join(removed) if removed else "Nada que borrar.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
