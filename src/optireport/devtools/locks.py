"""Stale Snakemake locks: ``make report`` removes them when provably safe, or explains.

Snakemake locks the working directory while it runs and unlocks it when it ends. A run killed
with ``kill -9`` or by a power cut leaves the lock behind, and every later run stops with a
``LockException`` until ``snakemake --unlock``. The lock is stale exactly when no process of
this machine still works in the directory with Snakemake (the workflow itself or one of its
jobs); then removing it is what ``--unlock`` does. Run before Snakemake by ``make report``:

    python -m optireport.devtools.locks [DIRECTORY]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROC = Path("/proc")


def lock_files(workdir: Path) -> list[Path]:
    locks = workdir / ".snakemake" / "locks"
    return sorted(locks.glob("*.lock")) if locks.is_dir() else []


def snakemake_processes(workdir: Path) -> list[int]:
    """Processes (other than this one) working in ``workdir`` with Snakemake.

    Snakemake itself and the jobs it starts (``.snakemake/scripts/...``) both name it on
    their command line and run with the working directory as their current directory.
    """
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:  # gone meanwhile, or not ours to inspect
            continue
        if b"snakemake" in command and cwd == workdir:
            found.append(int(entry.name))
    return found


def release_stale_lock(workdir: Path) -> tuple[bool, str]:
    """(may Snakemake start, Spanish explanation or "" when there was no lock)."""
    locks = lock_files(workdir)
    if not locks:
        return True, ""
    if not PROC.is_dir():
        return False, (
            f"La carpeta {workdir} está bloqueada por una ejecución de Snakemake, y en este "
            "sistema no se puede comprobar si sigue en marcha. Si está seguro de que no hay "
            "ninguna (por ejemplo, tras un corte de luz), retire el bloqueo con "
            "«snakemake --unlock» y vuelva a ejecutar «make report»."
        )
    running = snakemake_processes(workdir)
    if running:
        pids = ", ".join(map(str, running))
        return False, (
            f"Otra ejecución de Snakemake trabaja ahora en {workdir} (procesos {pids}). Espere "
            "a que termine, o deténgala, antes de ejecutar «make report» otra vez: dos "
            "ejecuciones a la vez escribirían los mismos resultados."
        )
    for lock in locks:
        lock.unlink(missing_ok=True)
    return True, (
        "Aviso: la ejecución anterior de Snakemake se interrumpió sin terminar (kill -9, corte "
        "de luz...) y dejó la carpeta bloqueada. Ningún proceso de Snakemake trabaja ya en "
        "ella, así que se ha retirado el bloqueo (lo mismo que «snakemake --unlock»). Las "
        "tareas interrumpidas se repiten; los entrenamientos siguen desde su última época "
        "guardada."
    )


def main(argv: list[str]) -> int:
    workdir = Path(argv[0] if argv else ".").resolve()
    may_start, message = release_stale_lock(workdir)
    if message:
        print(message, file=sys.stderr)
    return 0 if may_start else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
