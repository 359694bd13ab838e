"""Job logs: an interrupted job's log survives Snakemake's removal and heads the next one."""

import re
import subprocess
import sys
from pathlib import Path

from optireport.training.checkpoint import KEPT_LOG


def attempt(log: Path, checkpoint: Path, text: str) -> None:
    """One job attempt in its own process: redirect, print ``text``, exit."""
    code = (
        "import sys\n"
        "from optireport.training.checkpoint import redirect_log\n"
        f"redirect_log({str(log)!r}, {str(checkpoint)!r})\n"
        f"print({text!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_resumed_job_log_starts_with_the_interrupted_attempt(tmp_path: Path) -> None:
    log, checkpoint = tmp_path / "logs" / "job.log", tmp_path / "run" / "backup"
    log.parent.mkdir()
    attempt(log, checkpoint, "primer intento, época 3")
    log.unlink()  # what Snakemake does before it reruns the job
    attempt(log, checkpoint, "segundo intento")

    text = log.read_text(encoding="utf-8")
    earlier, marker, later = text.partition("==== Nuevo intento (")
    assert earlier == "==== Registro del intento interrumpido ====\nprimer intento, época 3\n"
    assert marker and re.fullmatch(r"[\d-]{10} [\d:]{8} \S+\) ====\nsegundo intento\n", later)
    # The checkpoint folder holds the current attempt's log, not a growing copy of all of them.
    assert (checkpoint / KEPT_LOG).read_text(encoding="utf-8") == text


def test_a_first_attempt_has_no_heading_and_no_checkpoint_means_no_copy(tmp_path: Path) -> None:
    log, checkpoint = tmp_path / "job.log", tmp_path / "backup"
    attempt(log, checkpoint, "única salida")
    assert log.read_text(encoding="utf-8") == "única salida\n"

    other = tmp_path / "other.log"
    code = f"from optireport.store.joblog import redirect_to_log\nredirect_to_log({str(other)!r})\n"
    subprocess.run([sys.executable, "-c", code + "print('x')\n"], check=True)
    assert other.read_text(encoding="utf-8") == "x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "job.log", "other.log"]
