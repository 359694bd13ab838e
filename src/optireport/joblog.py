"""Send a rule job's whole output to its Snakemake log."""

import os
import re
import sys
from datetime import datetime
from pathlib import Path

# The name, inside a resumable job's checkpoint folder, of a second link to its log.
KEPT_LOG = "job.log"


def redirect_to_log(path: str, checkpoint_dir: str | Path | None = None) -> None:
    """Point stdout and stderr, and file descriptors 1 and 2, at ``path``.

    Redirecting the descriptors too captures what C libraries print, such as
    TensorFlow's start-up messages, which bypass ``sys.stderr``.

    With ``checkpoint_dir`` (a job that resumes from there), the log is also linked into that
    folder, where it outlives Snakemake's removal of the log of an interrupted job; the next
    attempt starts its log with that earlier one, under a marked heading.
    """
    kept = Path(checkpoint_dir) / KEPT_LOG if checkpoint_dir else None
    earlier = ""
    if kept is not None and kept.is_file():
        earlier = kept.read_text(encoding="utf-8", errors="replace")
        kept.unlink()
    log = open(path, "w", buffering=1, encoding="utf-8")
    if earlier:
        log.write(f"==== Registro del intento interrumpido ====\n{earlier.rstrip()}\n")
        log.write(f"==== Nuevo intento ({datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}) ====\n")
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, kept)
        except OSError as error:  # another file system: the earlier log is not kept
            log.write(f"Aviso: no se pudo enlazar el registro en {kept}: {error}\n")
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log


class _EchoWarnings:
    """A text stream that writes to ``log``, and lines naming a warning or error to ``terminal``."""

    PATTERN = re.compile(r"warn|aviso|error", re.IGNORECASE)

    def __init__(self, log, terminal) -> None:
        self.log, self.terminal = log, terminal

    def write(self, text: str) -> int:
        for line in text.splitlines(keepends=True):
            if self.PATTERN.search(line):
                self.terminal.write(line)
        return self.log.write(text)

    def flush(self) -> None:
        self.log.flush()
        self.terminal.flush()


def redirect_to_log_echoing_warnings(path: str) -> None:
    """``redirect_to_log``, and whatever is written to ``sys.stderr`` that names a warning or an
    error also reaches the terminal (the job's original standard error)."""
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8")
    redirect_to_log(path)
    sys.stderr = _EchoWarnings(sys.stderr, terminal)
