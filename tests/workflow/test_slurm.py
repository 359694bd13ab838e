"""The workflow on a real SLURM cluster, through ``snakemake --profile profiles/slurm``.

Needs the single-node test cluster of ``tests/cluster/slurm-up.sh`` (on Debian as root;
``.ci/run`` starts it before ``make test`` and stops it afterwards). Without it every test
here skips with the reason; with ``OPTIREPORT_REQUIRE_SLURM=1`` (set by ``.ci/run``) it fails.

Starting from two copies of the session's quick build, the same small target set is rerun
locally and through SLURM: one real training (the quick subset, a few epochs), one gradient
descent run, and everything downstream of them up to the rendered report. Every job that is
not a ``localrule`` must have run as a SLURM job, and the results must equal the local ones
bit for bit (training is deterministic; only wall-clock seconds may differ).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from optireport.config.jobs import gd_run_name

if TYPE_CHECKING:  # imported by pytest itself, as a plugin, so that its asserts are rewritten
    from helpers.build import BuiltReport

pytestmark = [pytest.mark.slurm, pytest.mark.slow]


def local_rules() -> set[str]:
    """The rules that run on the submitting machine: the Snakefile's ``localrules``."""
    from helpers.common import ROOT

    block = re.search(r"^localrules:\n((?:    \w+,\n)+)", (ROOT / "Snakefile").read_text(), re.M)
    assert block, "the Snakefile declares no localrules"
    return set(re.findall(r"\w+", block.group(1)))


LOCAL_RULES = local_rules()
SLURM_PROFILES = ("--profile", "profiles/slurm", "--profile", "profiles/slurm-ci")
TRAINING = "results/train/Adam/raw/seed1"
TEST_CLUSTER = "optireport"  # ClusterName in the slurm.conf of tests/cluster/slurm-up.sh
# A Snakemake run that hangs (e.g. a status query that never succeeds) is killed after this.
RUN_TIMEOUT_SECONDS = 900

_RULE_HEADER = re.compile(r"^(local)?rule (\w+):$")
_JOBID = re.compile(r"^\s+jobid: (\d+)$")
_SUBMITTED = re.compile(r"Job (\d+) has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.")


def cluster_problem() -> str | None:
    """Why no SLURM cluster can run jobs here, or None when one can."""
    hint = (
        "start the single-node test cluster as root on Debian with tests/cluster/slurm-up.sh "
        "(.ci/run does)"
    )
    tools = ("sbatch", "squeue", "sinfo", "scontrol")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        return f"SLURM client tools not found ({', '.join(missing)}): {hint}"
    try:
        proc = subprocess.run(
            ["sinfo", "--noheader", "--format=%t"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return f"sinfo did not answer in 30 s: {hint}"
    if proc.returncode != 0:
        return f"no SLURM controller answers ({proc.stderr.strip()}): {hint}"
    if not any(state.startswith(("idle", "mix", "alloc")) for state in proc.stdout.split()):
        return f"no SLURM node accepts jobs (node states: {proc.stdout.split()}): {hint}"
    # The CI overlay (squeue status queries) relies on that cluster's MinJobAge; a real
    # cluster is not a place to submit test jobs.
    config = subprocess.run(
        ["scontrol", "show", "config"], capture_output=True, text=True, timeout=30
    ).stdout
    name = re.search(r"^ClusterName\s*=\s*(\S+)", config, re.MULTILINE)
    if name is None or name.group(1) != TEST_CLUSTER:
        found = name.group(1) if name else "unknown"
        return f"the SLURM cluster here is {found!r}, not the test cluster: {hint}"
    return None


@pytest.fixture(scope="module")
def cluster() -> None:
    problem = cluster_problem()
    if problem is None:
        return
    if os.environ.get("OPTIREPORT_REQUIRE_SLURM") == "1":
        pytest.fail(f"OPTIREPORT_REQUIRE_SLURM=1, but {problem}", pytrace=False)
    pytest.skip(problem)


@dataclass(frozen=True)
class Run:
    """One Snakemake run: its output, and what it ran."""

    proc: subprocess.CompletedProcess[str]
    seconds: float

    @property
    def output(self) -> str:
        return self.proc.stdout + "\n" + self.proc.stderr

    def jobs(self) -> dict[int, tuple[str, bool]]:
        """Snakemake job id -> (rule, whether it ran as a local rule)."""
        found = {}
        lines = self.output.splitlines()
        for index, line in enumerate(lines):
            header = _RULE_HEADER.match(line)
            if header is None:
                continue
            for following in lines[index + 1 : index + 30]:
                jobid = _JOBID.match(following)
                if jobid:
                    found[int(jobid.group(1))] = (header.group(2), bool(header.group(1)))
                    break
        return found

    def submissions(self) -> dict[int, tuple[str, Path]]:
        """Snakemake job id -> (SLURM job id, SLURM log file) of every submitted job."""
        return {
            int(job): (slurm_id, Path(log))
            for job, slurm_id, log in _SUBMITTED.findall(self.output)
        }

    def describe(self, lines: int = 80) -> str:
        tail = "\n".join(self.output.strip().splitlines()[-lines:])
        return (
            f"snakemake exited with code {self.proc.returncode} after {self.seconds:.0f} s:\n{tail}"
        )


def snakemake(root: Path, *args: str) -> Run:
    """``python -m snakemake ARGS`` in ``root``, killed by ``timeout -k`` if it hangs."""
    from helpers.build import snakemake_env

    command = [
        "timeout",
        "-k",
        "30",
        str(RUN_TIMEOUT_SECONDS),
        sys.executable,
        "-m",
        "snakemake",
        *args,
    ]
    start = time.monotonic()
    proc = subprocess.run(
        command,
        cwd=root,
        env=snakemake_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS + 60,
    )
    return Run(proc, time.monotonic() - start)


def slurm_job_states() -> dict[str, str]:
    """SLURM job id -> state, for every job the controller still remembers."""
    proc = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%i|%T"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(line.split("|", 1) for line in proc.stdout.split())


def metrics_without_timings(path: Path) -> dict:
    """A training's metrics, minus the wall-clock fields (the only ones that may differ)."""
    metrics = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in metrics.items() if "seconds" not in key}


def history_without_timings(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Comparison:
    """The same forced reruns, once through SLURM and once locally."""

    slurm_root: Path
    local_root: Path
    slurm: Run
    local: Run
    forced: tuple[str, ...]


@pytest.fixture(scope="module")
def comparison(
    cluster: None, built_report: BuiltReport, tmp_path_factory: pytest.TempPathFactory
) -> Comparison:
    from helpers.build import QUICK_CONFIG, SNAKEMAKE_ARGS

    base = tmp_path_factory.mktemp("slurm")
    slurm_root = built_report.copy_to(base / "slurm")
    local_root = built_report.copy_to(base / "local")
    config = json.loads(built_report.summary.read_text(encoding="utf-8"))["config"]
    gd_run = gd_run_name(config["gradient_descent"]["runs"][0])
    forced = (f"{TRAINING}/metrics.json", f"results/gd/runs/{gd_run}.json")

    slurm = snakemake(
        slurm_root, "--configfile", QUICK_CONFIG, *SLURM_PROFILES, "--forcerun", *forced
    )
    assert slurm.proc.returncode == 0, slurm.describe()
    local = snakemake(local_root, *SNAKEMAKE_ARGS, "--forcerun", *forced)
    assert local.proc.returncode == 0, local.describe()
    print(
        f"\nSame targets ({len(slurm.jobs())} jobs): SLURM {slurm.seconds:.1f} s, "
        f"local (--cores 2) {local.seconds:.1f} s"
    )
    return Comparison(slurm_root, local_root, slurm, local, forced)


def test_every_job_that_is_not_local_ran_as_a_slurm_job(comparison: Comparison) -> None:
    jobs = comparison.slurm.jobs()
    submitted = comparison.slurm.submissions()
    rules = {rule for rule, _ in jobs.values()}
    # The target set covers a training, a GD run and the render, as the issue asks.
    assert {"train", "gd_run", "render"} <= rules, rules
    for jobid, (rule, local) in jobs.items():
        assert local == (rule in LOCAL_RULES), f"job {jobid} ({rule}): local={local}"
        if local:
            assert jobid not in submitted, f"local job {jobid} ({rule}) was submitted to SLURM"
        else:
            assert jobid in submitted, f"job {jobid} ({rule}) ran without a SLURM job"

    states = slurm_job_states()
    logs = comparison.slurm_root / ".snakemake" / "slurm_logs"
    for jobid, (slurm_id, log) in submitted.items():
        rule = jobs[jobid][0]
        assert states.get(slurm_id) == "COMPLETED", (
            f"SLURM job {slurm_id} ({rule}) is {states.get(slurm_id)!r} in squeue --states=all"
        )
        assert log.is_relative_to(logs / f"rule_{rule}"), log
        assert log.is_file(), f"no SLURM log for job {slurm_id} ({rule}): {log}"
        assert log.stat().st_size > 0, log


def test_slurm_and_local_runs_did_the_same_jobs(comparison: Comparison) -> None:
    def rule_counts(run: Run) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rule, _ in run.jobs().values():
            counts[rule] = counts.get(rule, 0) + 1
        return counts

    assert rule_counts(comparison.slurm) == rule_counts(comparison.local)


def test_slurm_results_equal_the_local_ones(comparison: Comparison) -> None:
    slurm, local = comparison.slurm_root, comparison.local_root
    metrics = f"{TRAINING}/metrics.json"
    assert metrics_without_timings(slurm / metrics) == metrics_without_timings(local / metrics)
    history = f"{TRAINING}/history.csv"
    assert history_without_timings(slurm / history) == history_without_timings(local / history)
    for path in (f"{TRAINING}/summary.txt", comparison.forced[1]):
        assert (slurm / path).read_bytes() == (local / path).read_bytes(), path
    # The rerun really happened: both copies wrote the training again after the build.
    for root in (slurm, local):
        assert (root / metrics).stat().st_mtime > (root / "results/data/mnist.npz").stat().st_mtime
    for report in ("report/_site/informe.html", "report/_site/informe.pdf"):
        assert (slurm / report).stat().st_size > 0, report


def test_second_slurm_run_submits_nothing(comparison: Comparison) -> None:
    from helpers.build import QUICK_CONFIG

    before = slurm_job_states()
    again = snakemake(comparison.slurm_root, "--configfile", QUICK_CONFIG, *SLURM_PROFILES)
    assert again.proc.returncode == 0, again.describe()
    assert "Nothing to be done" in again.output, again.describe()
    assert again.submissions() == {}, again.describe()
    assert set(slurm_job_states()) == set(before)


def test_failing_slurm_job_is_reported_with_its_log(comparison: Comparison) -> None:
    """Keras rejects clipnorm together with clipvalue: the job fails on the compute node."""
    from helpers.build import QUICK_CONFIG

    root = comparison.slurm_root
    broken = {
        "optimizers": {
            "Adam": {
                "class": "Adam",
                "args": {"learning_rate": 0.001, "clipnorm": 1.0, "clipvalue": 0.5},
            }
        },
        "training": {"seeds": [7]},
    }
    (root / "config" / "broken.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    # A seed the build never ran, so nothing of it exists before the failing job.
    target = "results/train/Adam/raw/seed7"
    run = snakemake(
        root,
        "--configfile",
        QUICK_CONFIG,
        "config/broken.yaml",
        *SLURM_PROFILES,
        "--",
        f"{target}/metrics.json",
    )
    assert run.proc.returncode != 0, run.describe()
    (jobid,) = run.submissions()
    slurm_id, slurm_log = run.submissions()[jobid]
    assert slurm_job_states()[slurm_id] == "FAILED"
    assert "Error in rule train:" in run.output, run.describe()
    error = run.output[run.output.index("Error in rule train:") :]
    assert f"SLURM-job '{slurm_id}' failed" in error, run.describe()
    assert str(slurm_log) in error, run.describe()
    assert slurm_log.is_file(), slurm_log
    rule_log = root / "logs/train/Adam/raw.log"
    assert "clipnorm" in rule_log.read_text(encoding="utf-8")
    left = sorted(p.name for p in (root / target).iterdir()) if (root / target).exists() else []
    for name in ("metrics.json", "history.csv", "summary.txt", "model.keras"):
        assert name not in left, f"the failed job left {target}/{name}"
