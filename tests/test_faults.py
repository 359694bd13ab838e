"""Faults a user meets while experimenting, reproduced on copies of the quick build.

Each test damages or misconfigures a copy of the session's quick build (``fixtures_build``),
reruns the workflow as a user would, and checks both the outcome (a Spanish message before
any job, or a correct report that says what happened) and that no previously computed result
was lost: every result file keeps its bytes unless the fault was in that very file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from fixtures_build import QUICK_CONFIG, BuiltReport, describe_failure, run_snakemake

pytest_plugins = ["fixtures_build"]

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


def sgd_config(root: Path, **args) -> dict:
    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    sgd = config["optimizers"]["SGD"]
    return {"optimizers": {**config["optimizers"], "SGD": {**sgd, "args": args}}}


def test_misspelled_optimizer_argument_is_refused_before_any_job(
    workspace: Path, tmp_path: Path
) -> None:
    before = hashes(workspace)
    proc = with_config(workspace, tmp_path, sgd_config(workspace, learning_rate=0.01, momentun=0.9))
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
    proc = with_config(workspace, tmp_path, sgd_config(workspace, learning_rate=50.0))
    assert proc.returncode == 0, describe_failure(proc)

    summary = json.loads((workspace / "results" / "summary.json").read_text(encoding="utf-8"))
    sgd = {g["variant"]: g for g in summary["training_groups"] if g["optimizer"] == "SGD"}
    assert sgd["raw"]["diverged_runs"] == len(sgd["raw"]["seeds"])
    assert sgd["raw"]["test_accuracy"] is None
    assert summary["findings"]["unranked"]["raw"] == ["SGD"]

    qmd = (workspace / "report" / "informe.qmd").read_text(encoding="utf-8")
    assert "**2 de 2 entrenamientos divergieron**" in qmd
    assert "SGD divergió con\ntodas las semillas" in qmd
    assert "(diverge)" in qmd
    html = (workspace / "report" / "_site" / "informe.html").read_text(encoding="utf-8")
    assert "divergieron" in html

    # Only SGD's trainings and what depends on them changed; every other result is intact.
    after = hashes(workspace)
    kept = {
        path
        for path in before
        if path.startswith(("results/train/", "results/lr/", "results/gd", "results/data"))
        and not path.startswith("results/train/SGD/")
    }
    assert kept and all(after.get(path) == before[path] for path in kept)
