"""Params compare by value: a config overlay reruns what its values change, and only that.

Snakemake records each job's params as their ``repr()`` and reruns the job when it differs.
An overlay ``--configfile`` merges its keys first, so without care a dict param changes its
key order, not its value, and the summary and the report were rebuilt for nothing. The
workflow puts the config in one order (``common.smk``, ``in_canonical_order``) before any
params is built. Every test dry-runs the session's quick build (``helpers/build.py``) with an
overlay written to ``tmp_path``; nothing in the build is edited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:  # imported by pytest itself, as a plugin, so that its asserts are rewritten
    from helpers.build import BuiltReport, Job

pytestmark = pytest.mark.slow

# The rules whose params carry `findings` (sections(...) or the report's config).
READ_FINDINGS = {"fair_comparison", "invitation_summary", "summary"}


def rules_of(jobs: list[Job]) -> set[str]:
    """Rules with at least one planned job, without the ``all`` target itself."""
    return {job.rule for job in jobs} - {"all"}


def effective_config(built: BuiltReport) -> dict:
    """The merged configuration the build used, as recorded in the summary."""
    return json.loads(built.summary.read_text(encoding="utf-8"))["config"]


@pytest.fixture
def overlay(tmp_path: Path) -> Callable[[dict], Path]:
    """``overlay(change)``: a config file holding only ``change``, to merge over the build's."""
    count = 0

    def write(change: dict) -> Path:
        nonlocal count
        count += 1
        path = tmp_path / f"overlay{count}.yaml"
        path.write_text(yaml.safe_dump(change, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="module")
def downstream(built_report: BuiltReport) -> Callable[[str], set[str]]:
    """``downstream(rule)``: the rules a forced rerun of ``rule`` runs (itself included), as
    Snakemake computes them (``--forcerun RULE`` dry-run)."""
    table = {rule: rules_of(built_report.dry_run("--forcerun", rule)) for rule in READ_FINDINGS}
    return table.__getitem__


def test_an_overlay_that_only_moves_the_publishing_folder_plans_nothing(
    built_report: BuiltReport, overlay
) -> None:
    moved = overlay({"report": {"publish": {"folder": "otro"}}})
    assert built_report.dry_run(overlays=[moved]) == []


def test_an_overlay_restating_an_unchanged_value_plans_nothing(
    built_report: BuiltReport, overlay
) -> None:
    assert effective_config(built_report)["findings"]["tie"] == 0.005
    restated = overlay({"findings": {"tie": 0.005}})
    assert built_report.dry_run(overlays=[restated]) == []


def test_the_quick_profile_with_its_keys_reversed_plans_nothing(
    built_report: BuiltReport, tmp_path: Path
) -> None:
    """The quick profile, every mapping's keys in reverse order, in place of the profile: the
    same values, so no job (the profile's keys come first in the merged config)."""
    from helpers.build import describe_failure, parse_dry_run, run_snakemake

    profile = yaml.safe_load(
        (built_report.root / "config" / "quick.yaml").read_text(encoding="utf-8")
    )

    def reversed_keys(value):
        if isinstance(value, dict):
            return {key: reversed_keys(value[key]) for key in reversed(list(value))}
        return value

    reversed_profile = tmp_path / "quick-reversed.yaml"
    reversed_profile.write_text(
        yaml.safe_dump(reversed_keys(profile), sort_keys=False), encoding="utf-8"
    )
    assert list(yaml.safe_load(reversed_profile.read_text(encoding="utf-8"))) != list(profile)
    proc = run_snakemake(
        built_report.root, "--cores", "2", "--configfile", str(reversed_profile), "--dry-run"
    )
    assert proc.returncode == 0, describe_failure(proc)
    assert parse_dry_run(proc.stdout + "\n" + proc.stderr) == []


def test_changing_the_collapse_share_reruns_what_reads_the_findings(
    built_report: BuiltReport, overlay, downstream
) -> None:
    share = effective_config(built_report)["findings"]["collapse_share"]
    jobs = built_report.dry_run(overlays=[overlay({"findings": {"collapse_share": share - 0.1}})])

    assert READ_FINDINGS <= rules_of(jobs)
    assert rules_of(jobs) == set().union(*map(downstream, READ_FINDINGS))
    for job in jobs:
        if job.rule in ("fair_comparison", "invitation_summary"):
            assert "Params have changed" in job.reason, job
    # Nothing trains, no grid runs again, nothing is tuned again.
    assert {"train", "train_tuned", "lr_grid", "tune", "invitation_train"}.isdisjoint(
        rules_of(jobs)
    )


def test_the_optimizers_order_is_the_reports_and_is_kept(
    built_report: BuiltReport, overlay
) -> None:
    """Named entries keep their order (the report lists the optimizers in it): reordering them
    redraws and rewrites the report, and retrains nothing."""
    optimizers = effective_config(built_report)["optimizers"]
    reordered = {name: optimizers[name] for name in reversed(list(optimizers))}
    jobs = built_report.dry_run(overlays=[overlay({"optimizers": reordered})])

    assert {"summary", "document", "render", "curves_figures"} <= rules_of(jobs)
    assert {"train", "lr_grid", "invitation_train", "mnist"}.isdisjoint(rules_of(jobs))
