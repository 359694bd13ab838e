"""Stale Snakemake locks: removed only when no Snakemake process works in the directory."""

import subprocess
import sys

from optireport.devtools import locks


def make_lock(workdir):
    directory = workdir / ".snakemake" / "locks"
    directory.mkdir(parents=True)
    lock = directory / "0.input.lock"
    lock.write_text("results/summary.json\n")
    return lock


def test_no_lock_nothing_to_say(tmp_path):
    assert locks.release_stale_lock(tmp_path) == (True, "")


def test_stale_lock_is_removed_with_an_explanation(tmp_path):
    lock = make_lock(tmp_path)
    may_start, message = locks.release_stale_lock(tmp_path)
    assert may_start and not lock.exists()
    assert "se ha retirado el bloqueo" in message and "snakemake --unlock" in message


def test_lock_of_a_running_snakemake_is_kept(tmp_path):
    lock = make_lock(tmp_path)
    # A process that names Snakemake on its command line and works in the directory.
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "snakemake"], cwd=tmp_path
    )
    try:
        may_start, message = locks.release_stale_lock(tmp_path)
        assert not may_start and lock.exists()
        assert f"procesos {process.pid}" in message and "Espere" in message
        assert locks.main([str(tmp_path)]) == 1
    finally:
        process.kill()
        process.wait()
    assert locks.main([str(tmp_path)]) == 0 and not lock.exists()
