"""Faults a user meets while experimenting, reproduced on copies of the quick build.

Each test damages or misconfigures a copy of the session's quick build (``helpers.build``),
reruns the workflow as a user would, and checks both the outcome (a Spanish message before
any job, or a correct report that says what happened) and that no previously computed result
was lost: every result file keeps its bytes unless the fault was in that very file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers.build import (
    QUICK_CONFIG,
    BuiltReport,
    describe_failure,
    parse_dry_run,
    run_snakemake,
    snakemake_env,
)

from optireport.analysis import summary
from optireport.report import document
from optireport.store import paths

ROOT = paths.ROOT

pytestmark = pytest.mark.slow

RESULT_DIRS = ("results", "report/figures", "report/_site")


def hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every result file under ``root`` (paths relative to it)."""
    found = {}
    for top in RESULT_DIRS:
        for path in sorted((root / top).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return found


def with_config(root: Path, tmp_path: Path, change: dict, *extra: str):
    """Run the quick build in ``root`` with ``change`` merged over the quick profile."""
    extra_config = tmp_path / "extra.yaml"
    extra_config.write_text(yaml.safe_dump(change), encoding="utf-8")
    return run_snakemake(
        root, "--cores", "2", "--configfile", QUICK_CONFIG, str(extra_config), *extra
    )


@pytest.fixture
def workspace(built_report: BuiltReport, tmp_path: Path) -> Path:
    return built_report.copy_to(tmp_path / "repo")


def sgd_config(root: Path, **settings) -> dict:
    """The optimizers of the default config with SGD's entries replaced by ``settings``."""
    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    sgd = config["optimizers"]["SGD"]
    return {"optimizers": {**config["optimizers"], "SGD": {**sgd, **settings}}}


def test_misspelled_optimizer_argument_is_refused_before_any_job(
    workspace: Path, tmp_path: Path
) -> None:
    before = hashes(workspace)
    misspelled = sgd_config(workspace, args={"learning_rate": 0.01, "momentun": 0.9})
    proc = with_config(workspace, tmp_path, misspelled)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "«optimizers.SGD.args.momentun»" in output
    assert "¿quería decir «momentum»?" in output
    assert "rule train" not in output and "Building DAG" not in output
    assert hashes(workspace) == before


def test_optimizer_diverging_in_every_seed_gives_a_report_that_says_so(
    workspace: Path, tmp_path: Path
) -> None:
    before = hashes(workspace)
    # A rate this large diverges within the quick profile's 3 epochs for every seed (at 50.0,
    # as in the full build, some quick runs only collapse: a state of its own).
    proc = with_config(workspace, tmp_path, sgd_config(workspace, args={"learning_rate": 1.0e6}))
    assert proc.returncode == 0, describe_failure(proc)

    summary = json.loads((workspace / "results" / "summary.json").read_text(encoding="utf-8"))
    sgd = {g["variant"]: g for g in summary["training_groups"] if g["optimizer"] == "SGD"}
    assert sgd["raw"]["diverged_runs"] == len(sgd["raw"]["seeds"])
    assert sgd["raw"]["test_accuracy"] is None
    ranking = summary["findings"]["ranking"]["raw"]
    assert "SGD" not in ranking["order"] and ranking["failed"]["diverged"] == ["SGD"]

    qmd = (workspace / "report" / "informe.qmd").read_text(encoding="utf-8")
    assert "**2 de 2 entrenamientos divergieron**" in qmd
    assert "**SGD** diverge con las dos semillas" in " ".join(qmd.split())
    assert "(diverge)" in qmd
    html = (workspace / "report" / "_site" / "informe.html").read_text(encoding="utf-8")
    assert "divergieron" in html

    # Only SGD's trainings and what depends on them changed; every other result is intact.
    after = hashes(workspace)
    kept = {
        path
        for path in before
        if path.startswith(("results/train/", "results/lr_grid/", "results/gd", "results/data"))
        and not path.startswith("results/train/SGD/")
    }
    assert kept and all(after.get(path) == before[path] for path in kept)


def test_truncated_mnist_is_rebuilt_identical_before_any_job(workspace: Path) -> None:
    """The readers of the MNIST copy take it as ancient(): damaged, it reruns nothing.

    Reading the workflow and a dry-run write nothing, so the damaged copy stays as it is until
    a run has a job to do; then the Snakefile's onstart handler rebuilds it, identical and
    with its recorded time, before that job starts.
    """
    before = hashes(workspace)
    npz = workspace / "results" / "data" / "mnist.npz"
    recorded = json.loads(
        (workspace / "results" / "data" / "mnist.json").read_text(encoding="utf-8")
    )
    npz.write_bytes(npz.read_bytes()[:1000])
    damaged = npz.stat()

    plan = run_snakemake(workspace, "--cores", "2", "--configfile", QUICK_CONFIG, "--dry-run")
    assert plan.returncode == 0, describe_failure(plan)
    assert "Nothing to be done" in plan.stdout + plan.stderr, plan.stdout
    assert "está dañado" not in plan.stdout + plan.stderr
    assert (npz.stat().st_size, npz.stat().st_mtime_ns) == (1000, damaged.st_mtime_ns)

    # A job that reads the copy (the dataset figure, forced): the copy is rebuilt first.
    proc = run_snakemake(
        workspace,
        *("--cores", "2", "--configfile", QUICK_CONFIG),
        *("--forcerun", "digits_figure", "--", "report/figures/digits.svg"),
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, describe_failure(proc)
    assert [job.rule for job in parse_dry_run(output)] == ["digits_figure"]
    # Both go to stderr, in the order they happen: the repair, then the job.
    warning = proc.stderr.index("Aviso: results/data/mnist.npz está dañado")
    assert warning < re.search(r"^(local)?rule digits_figure:$", proc.stderr, re.M).start()
    assert npz.stat().st_mtime_ns == recorded["npz"]["mtime_ns"]
    assert hashes(workspace) == before

    again = run_snakemake(workspace, "--cores", "2", "--configfile", QUICK_CONFIG, "--dry-run")
    assert "Nothing to be done" in again.stdout + again.stderr, again.stdout


def test_garbage_in_a_history_names_the_file_and_its_fix_recomputes_it(
    workspace: Path,
) -> None:
    before = hashes(workspace)
    run_dir = "results/train/Adam/raw/seed1"
    history = workspace / run_dir / "history.csv"
    original = history.read_text(encoding="utf-8")
    history.write_text(original + "garbage\n", encoding="utf-8")
    proc = run_snakemake(workspace, "--cores", "2", "--configfile", QUICK_CONFIG)
    assert proc.returncode != 0
    logs = "".join(path.read_text(encoding="utf-8") for path in (workspace / "logs").rglob("*.log"))
    fix = f"--forcerun {run_dir}/metrics.json"
    assert f"{run_dir}/history.csv está dañado (línea" in logs and fix in logs

    proc = run_snakemake(workspace, "--cores", "2", "--configfile", QUICK_CONFIG, *fix.split())
    assert proc.returncode == 0, describe_failure(proc)
    after = hashes(workspace)

    # The training is recomputed: the same figures epoch by epoch; only the timings differ.
    def values(text: str) -> list[list[str]]:
        return [line.split(",")[:5] for line in text.splitlines()]

    assert values(history.read_text(encoding="utf-8")) == values(original)
    # Its job trains all the seeds of Adam on raw input: theirs are rewritten too.
    untouched = [
        path
        for path in before
        if path.startswith(("results/train/", "results/lr_grid/", "results/gd", "results/data"))
        and not path.startswith(run_dir.rsplit("/", 1)[0])
    ]
    assert all(after[path] == before[path] for path in untouched)


def test_path_with_a_space_is_refused_before_any_job(
    built_report: BuiltReport, tmp_path: Path
) -> None:
    root = built_report.copy_to(tmp_path / "con espacio" / "repo")
    before = hashes(root)
    proc = run_snakemake(root, "--cores", "2", "--configfile", QUICK_CONFIG, "--forceall")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "contiene espacios" in output and "no se ha ejecutado ninguna tarea" in output
    assert hashes(root) == before


def test_killed_build_with_a_damaged_checkpoint_resumes_after_its_stale_lock(
    workspace: Path, tmp_path: Path
) -> None:
    """kill -9 of Snakemake and its training job, then a truncated newest checkpoint."""
    before = hashes(workspace)
    run_dir = workspace / "results" / "train" / "SGD" / "raw" / "seed1"
    target = "results/train/SGD/raw/seed1/metrics.json"
    extra_config = tmp_path / "extra.yaml"
    # Enough epochs for the kill to land mid-training.
    extra_config.write_text(yaml.safe_dump(sgd_config(workspace, epochs=200)), encoding="utf-8")
    command = [sys.executable, "-m", "snakemake", "--cores", "1", "--configfile"]
    command += [QUICK_CONFIG, str(extra_config), "--", target]
    first = subprocess.Popen(
        command,
        cwd=workspace,
        env=snakemake_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    third_commit = run_dir / "backup" / "epoch-0003.state.json"
    deadline = time.monotonic() + 300
    while not third_commit.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert third_commit.exists(), "the training ended before it could be killed"
    assert list((workspace / ".snakemake" / "locks").glob("*.lock")), "no lock was left"
    newest = max((run_dir / "backup").glob("epoch-*.weights.h5"))
    newest.write_bytes(newest.read_bytes()[:100])

    unlock = subprocess.run(
        [sys.executable, "-m", "optireport.devtools.locks"],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unlock.returncode == 0 and "se ha retirado el bloqueo" in unlock.stderr
    proc = run_snakemake(workspace, *command[3:])
    assert proc.returncode == 0, describe_failure(proc)

    log = (workspace / "logs" / "train" / "SGD" / "raw.log").read_text(encoding="utf-8")
    damaged_state = newest.relative_to(workspace).as_posix().replace(".weights.h5", ".state.json")
    assert f"Aviso: la copia de seguridad {damaged_state} no se puede leer" in log
    # The killed attempt's log, which Snakemake removes before rerunning, comes first.
    earlier, marker, resumed = log.partition("==== Nuevo intento (")
    assert marker and earlier.startswith("==== Registro del intento interrumpido ====\n")
    assert "Época 3/200" in earlier and "Reanudando desde la época" not in earlier
    assert "Reanudando desde la época" in resumed and "Entrenamiento terminado" in resumed
    assert not (run_dir / "backup").exists()
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["epochs_completed"] == 200 and metrics["resumed_from_epoch"] >= 2
    assert metrics["interrupted_seconds"] > 0
    after = hashes(workspace)
    others = [
        p for p in before if p.startswith("results/") and not p.startswith("results/train/SGD")
    ]
    assert all(after.get(path) == before[path] for path in others)


def test_every_template_renders_every_state_a_run_can_be_in(
    built_report: BuiltReport, tmp_path: Path
) -> None:
    """SGD diverges everywhere, one Adagrad run collapses, RMSprop's values are all missing."""
    data = json.loads(built_report.summary.read_text(encoding="utf-8"))
    first_seed = data["trainings"][0]["seed"]
    for run in data["trainings"]:
        if run["optimizer"] == "SGD":
            run.update(diverged=True, test_loss=None, best_val_accuracy=None, best_epoch=None)
            run.update(epochs_to_target=None, time_to_target_seconds=None)
        elif run["optimizer"] == "Adagrad" and run["seed"] == first_seed:
            run.update(majority_prediction_share=0.97, diverged=False)
        elif run["optimizer"] == "RMSprop":
            run.update(dict.fromkeys(summary.TRAINING_FIELDS))
    for probe in data["lr_grid"]:
        if probe["optimizer"] == "SGD":
            probe.update(val_accuracy=None, best_val_accuracy=None, diverged=True)
    thresholds = data["config"]["findings"]
    data["training_groups"] = summary.aggregate(data["trainings"], thresholds["collapse_share"])
    rates = {
        name: spec["args"]["learning_rate"] for name, spec in data["config"]["optimizers"].items()
    }
    data["findings"] = summary.findings(data["training_groups"], data["lr_grid"], rates, thresholds)

    out = tmp_path / "informe.qmd"
    document.write_document(data, ROOT / "templates", out)
    text = out.read_text(encoding="utf-8")
    assert "**2 de 2 entrenamientos divergieron**" in text  # diverged
    assert "fuera de la clasificación" in text and "(diverge)" in text
    assert "**Adagrad** colapsa con 1 de sus 2 semillas" in text and "(colapsa)" in text
    assert "no lo alcanza" in text  # never reached the target
    assert "No hay exactitud en prueba registrada para esta configuración." in text  # missing
    assert "| RMSprop | — | — | — | — | — | — |" in text  # the comparison table, all missing
    # The seed table's last columns: no run reached the target, in no epoch, at no time.
    assert re.search(
        r"^\| RMSprop \| sin escalar \|.*\| 0 de 2 \| — \| no lo alcanza \|$", text, re.M
    )
    assert "**SGD** diverge con las dos semillas" in " ".join(text.split())
    assert "**RMSprop** diverge" not in " ".join(text.split())
