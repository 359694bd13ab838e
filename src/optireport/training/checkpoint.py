"""A training's checkpoint folder: one committed epoch at a time, so a killed run resumes.

Each epoch is committed as its weights and a state file (history so far, the settings'
fingerprint, elapsed seconds), both written atomically; the commit before is kept too. The
job's log is linked into the folder as well (``KEPT_LOG``, see ``joblog.redirect_to_log``),
so an interrupted attempt's log outlives Snakemake's removal of it.
"""

import json
import math
import os
import shutil
from pathlib import Path

from optireport.store import atomic, history, joblog

# The folder inside a training's output directory, removed once the training has finished.
DIRNAME = "backup"
# The name, inside the checkpoint folder, of a second link to the job's log.
KEPT_LOG = "job.log"
# Seconds of training between two checkpoints: a killed job loses at most about this much
# work. Each checkpoint (weights and state, written durably) costs about 0.1 s, a fifth of an
# epoch, so one per epoch would slow every training down by that much. The environment
# variable sets another interval (0: after every epoch, as the interruption tests need).
SECONDS_VARIABLE = "OPTIREPORT_CHECKPOINT_SECONDS"
SECONDS = 10.0


def interval(seconds: float | None = None) -> float:
    """Seconds between checkpoints: ``seconds`` if given, else the environment's or 10 s."""
    return float(seconds if seconds is not None else os.environ.get(SECONDS_VARIABLE, SECONDS))


def redirect_log(path: str, checkpoint_dir: str | Path) -> None:
    """``joblog.redirect_to_log`` for a job that resumes from ``checkpoint_dir``.

    The log is also linked into that folder, where it outlives Snakemake's removal of the log
    of an interrupted job; the next attempt starts its log with that earlier one.
    """
    kept = Path(checkpoint_dir) / KEPT_LOG
    earlier = ""
    if kept.is_file():
        earlier = kept.read_text(encoding="utf-8", errors="replace")
        kept.unlink()
    joblog.redirect_to_log(path, earlier)
    kept.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, kept)
    except OSError as error:  # another file system: the earlier log is not kept
        print(f"Aviso: no se pudo enlazar el registro en {kept}: {error}", flush=True)


def save(model, backup_dir, rows, fingerprint, elapsed_seconds, epoch):
    """Commit ``epoch``: its weights first, then the state file that points at them.

    Both are written atomically and durably, so a kill or a power cut leaves the previous
    commit intact. The previous commit is kept as well: if the newest one cannot be read,
    training resumes from the one before. ``rows`` end at ``epoch``, or earlier at the epoch
    where the model diverged (its group trained on).
    """
    weights_name = f"epoch-{epoch:04d}.weights.h5"
    with atomic.replacing(backup_dir / weights_name) as temporary:
        model.save_weights(temporary)
    state = {
        "epoch": epoch,
        "weights": weights_name,
        "config": fingerprint,
        "history": rows,
        "elapsed_seconds": elapsed_seconds,
    }
    # A finite training loss may come with an infinite validation loss: JSON's NaN/Infinity.
    atomic.write_json(backup_dir / f"epoch-{epoch:04d}.state.json", state, allow_nan=True)
    # Keep this commit and the one before it (checkpoints may be several epochs apart).
    committed = sorted({int(path.name[6:10]) for path in backup_dir.glob("epoch-*")})
    for old in backup_dir.glob("epoch-*"):
        if int(old.name[6:10]) not in committed[-2:]:
            old.unlink()


def restore(model, backup_dir, fingerprint, at_most=None):
    """Load the newest readable commit of ``backup_dir`` (of an epoch ≤ ``at_most`` if given).

    Returns (history rows, elapsed seconds, epoch). A commit that cannot be read (truncated or
    garbled weights or state) is discarded with a warning in the log, and the one before is
    tried; with none, training starts from scratch. A backup made with other settings is
    discarded as a whole.
    """
    if not backup_dir.is_dir():
        return [], 0.0, 0
    expected = json.loads(json.dumps(fingerprint))
    for state_path in sorted(backup_dir.glob("epoch-*.state.json"), reverse=True):
        if at_most is not None and int(state_path.name[6:10]) > at_most:
            continue
        try:
            state = atomic.read_json(state_path)
            if state["config"] != expected:
                print(
                    "La copia de seguridad corresponde a otra configuración: se descarta",
                    flush=True,
                )
                break
            rows = [
                {**{key: float(row[key]) for key in history.COLUMNS}, "epoch": int(row["epoch"])}
                for row in state["history"]
            ]
            epochs = [row["epoch"] for row in rows]
            # Shorter than the commit only when the model diverged at its last row.
            diverged = bool(rows) and not math.isfinite(rows[-1]["loss"])
            if epochs != list(range(1, len(rows) + 1)) or not (
                len(rows) == state["epoch"] or (diverged and len(rows) < state["epoch"])
            ):
                raise ValueError("historial incompleto")
            model.load_weights(backup_dir / state["weights"])
        except Exception as error:  # any damage: this commit is unusable, try the previous one
            print(
                f"Aviso: la copia de seguridad {state_path} no se puede leer ({error}); "
                "se descarta y se prueba la anterior.",
                flush=True,
            )
            continue
        return rows, float(state.get("elapsed_seconds", 0.0)), int(state["epoch"])
    # The job's own log may be linked in here (KEPT_LOG): it stays.
    leftovers = [path for path in backup_dir.iterdir() if path.name != KEPT_LOG]
    if leftovers:
        print(
            f"Aviso: ninguna copia de seguridad utilizable en {backup_dir}; "
            "el entrenamiento empieza de cero.",
            flush=True,
        )
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return [], 0.0, 0
