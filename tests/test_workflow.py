"""What Snakemake would rerun after a build, and what it refuses to start.

Every test dry-runs the workflow against the quick build of ``fixtures_build`` (built once per
session, with real training, so params, code and mtimes are recorded in ``.snakemake/`` exactly
as after ``make report``). Tests that edit a file work on their own copy of that build.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from fixtures_build import SNAKEMAKE_ARGS, BuiltReport, Job, run_snakemake

from optireport.config import gd_run_name

pytest_plugins = ["fixtures_build"]

pytestmark = pytest.mark.slow

GENERATED_DIRS = ("results", "report", "logs", "benchmarks", ".snakemake/metadata")


def rules_of(jobs: list[Job]) -> set[str]:
    """Rules with at least one planned job, without the ``all`` target itself."""
    return {job.rule for job in jobs} - {"all"}


def jobs_of(jobs: list[Job], rule: str) -> list[Job]:
    return [job for job in jobs if job.rule == rule]


def edit_yaml(path: Path, change) -> dict:
    """Load ``path``, let ``change`` mutate it, write it back; return the new content."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def effective_config(built: BuiltReport) -> dict:
    """The merged configuration the build used, as recorded in the summary."""
    import json

    return json.loads(built.summary.read_text(encoding="utf-8"))["config"]


def mtimes(root: Path) -> dict[str, int]:
    """Modification time of every generated file, keyed by its path inside ``root``."""
    found = {}
    for name in GENERATED_DIRS:
        for path in sorted((root / name).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path.stat().st_mtime_ns
    return found


@pytest.fixture
def workspace(built_report: BuiltReport, tmp_path: Path) -> Path:
    """A private copy of the built repository, free to edit."""
    return built_report.copy_to(tmp_path / "repo")


@pytest.fixture(scope="session")
def downstream(built_report: BuiltReport):
    """``downstream(rule)``: the rules a forced rerun of ``rule`` would run (itself included).

    Computed by Snakemake itself (``--forcerun RULE`` dry-run on the untouched build), so the
    expectations below follow the workflow's real dependencies instead of a hand-kept list.
    """
    cache: dict[str, set[str]] = {}

    def rules(rule: str) -> set[str]:
        if rule not in cache:
            cache[rule] = rules_of(built_report.dry_run("--forcerun", rule))
        return cache[rule]

    return rules


def test_nothing_to_do_after_a_build(built_report: BuiltReport) -> None:
    jobs = built_report.dry_run()
    assert jobs == [], f"a fresh build should be up to date, but would run: {jobs}"


def test_copied_build_is_still_up_to_date(workspace: Path, built_report: BuiltReport) -> None:
    # The other tests edit copies; a copy must not look out of date by itself.
    assert built_report.dry_run(root=workspace) == []


def test_changing_one_gd_run_reruns_only_that_run(
    workspace: Path, built_report: BuiltReport, downstream
) -> None:
    runs = effective_config(built_report)["gradient_descent"]["runs"]
    old_name = gd_run_name(runs[3])
    changed = {**runs[3], "iterations": int(runs[3]["iterations"]) * 2}
    new_name = gd_run_name(changed)

    def change(config: dict) -> None:
        config["gradient_descent"]["runs"][3]["iterations"] = changed["iterations"]

    edit_yaml(workspace / "config" / "config.yaml", change)
    jobs = built_report.dry_run(root=workspace)

    assert [job.wildcards["run"] for job in jobs_of(jobs, "gd_run")] == [new_name]
    assert [job.wildcards["run"] for job in jobs_of(jobs, "gd_run_figure")] == [new_name]
    assert not any(old_name in output for job in jobs for output in job.outputs)
    # Only the new run, its figure and what reads the summary; no training, no other GD work.
    assert rules_of(jobs) == {"gd_run", "gd_run_figure"} | downstream("summary")
    assert {"summary", "document", "render"} <= rules_of(jobs)
    assert not jobs_of(jobs, "train") and not jobs_of(jobs, "lr_probe")


def expected_training(config: dict, optimizer: str) -> set[tuple[str, str, str]]:
    return {
        (optimizer, str(variant), str(seed))
        for variant in config["training"]["variants"]
        for seed in config["training"]["seeds"]
    }


def train_keys(jobs: list[Job]) -> set[tuple[str, str, str]]:
    return {
        (job.wildcards["optimizer"], job.wildcards["variant"], job.wildcards["seed"])
        for job in jobs_of(jobs, "train")
    }


def test_changing_sgd_learning_rate_retrains_only_sgd(
    workspace: Path, built_report: BuiltReport, downstream
) -> None:
    config = effective_config(built_report)
    old_rate = float(config["optimizers"]["SGD"]["args"]["learning_rate"])

    def change(data: dict) -> None:
        data["optimizers"]["SGD"]["args"]["learning_rate"] = old_rate * 2

    edit_yaml(workspace / "config" / "config.yaml", change)
    jobs = built_report.dry_run(root=workspace)

    assert train_keys(jobs) == expected_training(config, "SGD")
    assert len(jobs_of(jobs, "train")) == len(expected_training(config, "SGD"))
    for job in jobs_of(jobs, "train"):
        assert "params" in job.reason.lower(), job
    # The learning-rate probes replace the learning rate with their grid value, so their
    # parameters, and therefore their results, do not depend on the configured rate.
    assert jobs_of(jobs, "lr_probe") == []
    assert rules_of(jobs) == downstream("train")


def test_changing_another_sgd_argument_also_reruns_its_probes(
    workspace: Path, built_report: BuiltReport, downstream
) -> None:
    config = effective_config(built_report)

    def change(data: dict) -> None:
        data["optimizers"]["SGD"]["args"]["momentum"] = 0.5

    edit_yaml(workspace / "config" / "config.yaml", change)
    jobs = built_report.dry_run(root=workspace)

    assert train_keys(jobs) == expected_training(config, "SGD")
    probes = jobs_of(jobs, "lr_probe")
    assert {job.wildcards["optimizer"] for job in probes} == {"SGD"}
    assert len(probes) == int(config["lr_sensitivity"]["points"])
    assert len({job.wildcards["lr"] for job in probes}) == len(probes)
    assert rules_of(jobs) == downstream("train") | downstream("lr_probe")


def test_changing_a_template_rerenders_only_the_document(workspace: Path) -> None:
    template = workspace / "templates" / "sections" / "conclusiones.md.j2"
    assert template.is_file()
    with template.open("a", encoding="utf-8") as handle:
        handle.write("\n{# edited by test_workflow.py #}\n")

    jobs = BuiltReport(workspace).dry_run()

    assert Counter(job.rule for job in jobs if job.rule != "all") == {"document": 1, "render": 1}


def test_invalid_config_fails_before_any_job(workspace: Path) -> None:
    before = mtimes(workspace)
    assert any(path.startswith("results/train/") for path in before)

    def change(config: dict) -> None:
        config.setdefault("training", {})["epochs"] = 0

    edit_yaml(workspace / "config" / "quick.yaml", change)
    proc = run_snakemake(workspace, *SNAKEMAKE_ARGS)
    output = proc.stdout + proc.stderr

    assert proc.returncode != 0
    assert "La configuración no es válida" in output
    assert "«training.epochs»" in output
    assert "debe ser mayor" in output
    # Rejected while reading the Snakefile: no DAG, no job, no file written or touched.
    assert "Job stats" not in output
    assert "rule train" not in output
    assert mtimes(workspace) == before
