"""Atomic, durable file writes: a reader sees the old complete file or the new one, never half.

Every output is written to a uniquely named temporary file in the same directory, flushed to
disk (fsync), renamed over the final name, and the directory entry is flushed too. A process
killed half-way leaves at most a hidden ``.NAME.*.tmp`` file, never a truncated output.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_path(path: Path) -> None:
    """Flush a file's (or a directory's) contents and metadata to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask (reading it means setting it: it is put straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it durably replaces ``path``.

    The temporary name keeps ``path``'s suffixes (``model.keras`` → ``.model.keras.x1y2.tmp.keras``)
    for writers that choose the format from the extension, and is unique, so two writers never
    share it. On an exception the temporary file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp" + "".join(path.suffixes[-2:]), dir=path.parent
    )
    os.close(fd)
    temporary = Path(name)
    # mkstemp creates the file readable by its owner only; give it the mode a plain open()
    # would (0o666 less the umask), so a published report stays readable by a web server.
    os.chmod(temporary, 0o666 & ~_umask())
    try:
        yield temporary
        fsync_path(temporary)
        os.replace(temporary, path)
        fsync_path(path.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes(path, data: bytes) -> None:
    with replacing(path) as temporary:
        temporary.write_bytes(data)


def copy_file(source, target) -> None:
    """Copy ``source`` to ``target`` (data and times), replacing ``target`` whole or not at all."""
    with replacing(target) as temporary:
        shutil.copy2(source, temporary)


def write_text(path, text: str) -> None:
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json(path, data, **options) -> None:
    """JSON, indented and readable (UTF-8 as is); NaN, not valid JSON, is refused."""
    options = {"indent": 2, "ensure_ascii": False, "allow_nan": False, **options}
    write_text(path, json.dumps(data, **options))


def without_non_finite(data, where: str = "") -> tuple[object, list[str]]:
    """``data`` with every NaN or infinite number replaced by None (JSON's null), and where.

    The one check that keeps a JSON document valid whatever a stage computed: the second
    value lists the replaced places as key paths (``gd_runs[1].final_x``).
    """
    if isinstance(data, float) and not math.isfinite(data):
        return None, [where or "(raíz)"]
    if isinstance(data, dict):
        items = [(key, f"{where}.{key}" if where else str(key)) for key in data]
    elif isinstance(data, list | tuple):
        items = [(index, f"{where}[{index}]") for index in range(len(data))]
    else:
        return data, []
    cleaned, replaced = {}, []
    for key, path in items:
        cleaned[key], found = without_non_finite(data[key], path)
        replaced += found
    return (cleaned if isinstance(data, dict) else list(cleaned.values())), replaced


def read_json(path):
    """The JSON value stored in ``path`` (UTF-8)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
