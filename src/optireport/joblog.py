"""Send a rule job's whole output to its Snakemake log."""

import os
import sys


def redirect_to_log(path: str) -> None:
    """Point stdout and stderr, and file descriptors 1 and 2, at ``path``.

    Redirecting the descriptors too captures what C libraries print, such as
    TensorFlow's start-up messages, which bypass ``sys.stderr``.
    """
    log = open(path, "w", buffering=1, encoding="utf-8")
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
