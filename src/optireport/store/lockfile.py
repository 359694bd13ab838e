"""The lock file (``requirements.lock``): its digest, its pins, and whether they are installed.

``make lock`` writes it (``uv pip compile --generate-hashes``) and ``make`` installs exactly it;
the report's appendix names its SHA-256 and says whether the running environment matches it.
"""

from __future__ import annotations

import hashlib
import re
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCK = "requirements.lock"

# A pin starts a line: ``name==version`` and, for some platforms only, `` ; marker``.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pins(text: str) -> dict[str, str]:
    """The versions the lock pins for this interpreter and platform (markers evaluated)."""
    found = {}
    for line in text.splitlines():
        match = _PIN.match(line)
        if match is None:
            continue
        name, version, marker = match.groups()
        if marker is None or Marker(marker).evaluate():
            found[canonicalize_name(name)] = version
    return found


def differences(locked: dict[str, str]) -> list[str]:
    """Each locked package that is missing or at another version here, in Spanish."""
    found = []
    for name, version in sorted(locked.items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            found.append(f"{name}: no instalado (bloqueado: {version})")
            continue
        if Version(installed) != Version(version):
            found.append(f"{name}: instalado {installed}, bloqueado {version}")
    return found


def facts(path: Path) -> dict:
    """What ``summary.json`` records about the lock (``environment.lock``)."""
    path = Path(path)
    locked = pins(path.read_text(encoding="utf-8"))
    return {
        "file": path.name,
        "sha256": sha256(path),
        "packages": len(locked),
        "differences": differences(locked),
    }
