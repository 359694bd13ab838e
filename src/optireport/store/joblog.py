"""Send a rule job's whole output to its Snakemake log."""

import os
import re
import sys
from datetime import datetime


def redirect_to_log(path: str, earlier: str = "") -> None:
    """Point stdout and stderr, and file descriptors 1 and 2, at ``path``.

    Redirecting the descriptors too captures what C libraries print, such as
    TensorFlow's start-up messages, which bypass ``sys.stderr``. ``earlier``, the log of an
    interrupted attempt of the same job (see ``checkpoint.redirect_log``), heads the new log
    under a marked heading.
    """
    log = open(path, "w", buffering=1, encoding="utf-8")
    if earlier:
        log.write(f"==== Registro del intento interrumpido ====\n{earlier.rstrip()}\n")
        log.write(f"==== Nuevo intento ({datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}) ====\n")
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
