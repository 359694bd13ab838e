"""A stage that fails never leaves a mixed or stuck report (issue 22), on copies of the quick build.

Each sequence is the one a student meets: change the configuration, a stage fails, run the
same command again, fix the cause, run it again. After every failure the previous complete
report is still in place and the build says, in Spanish, which stage failed and where its log
is; a rerun redoes what failed (never only the render); and the report that comes out at the
end is made from the current summary and the current figures.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
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

from optireport.report import publish

pytestmark = pytest.mark.slow

REPORT = tuple(f"report/_site/{name}" for name in publish.FILES)
GD_RUNS_FIGURE = "report/figures/gd_runs.svg"
# The overflowing run, after a plain one: x reaches 1.9e242 at step 7, then J(x) is NaN.
RUNS = [
    {"start": 1.5, "learning_rate": 0.01, "iterations": 10},
    {"start": 1.5, "learning_rate": 5.0, "iterations": 60},
]


@pytest.fixture
def workspace(built_report: BuiltReport, tmp_path: Path) -> Path:
    return built_report.copy_to(tmp_path / "repo")


def build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The user's command: the quick profile plus the overlay with the overflowing run."""
    overlay = root / "overlay.yaml"
    overlay.write_text(yaml.safe_dump({"gradient_descent": {"runs": RUNS}}), encoding="utf-8")
    return run_snakemake(root, "--cores", "2", "--configfile", QUICK_CONFIG, str(overlay), *extra)


def report_bytes(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in REPORT}


def planned(root: Path) -> set[str]:
    proc = build(root, "--dry-run")
    assert proc.returncode == 0, describe_failure(proc)
    return {job.rule for job in parse_dry_run(proc.stdout + proc.stderr)}


def assert_stopped_saying_why(proc, rule: str, log: str) -> None:
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert f"Falló la etapa «{rule}»: su registro está en {log}." in output, output[-3000:]
    assert f"El informe anterior ({', '.join(REPORT)}) sigue" in output


def fails_keeping_the_report(root: Path, rule: str, log: str, before: dict[str, bytes]) -> None:
    """The build stops at ``rule``, says why, and leaves the previous report as it was."""
    assert_stopped_saying_why(build(root), rule, log)
    assert report_bytes(root) == before


def finishes_the_report(root: Path) -> None:
    """Once repaired, the same command builds a report that matches the current state."""
    fixed = build(root)
    assert fixed.returncode == 0, describe_failure(fixed)
    assert_report_matches_the_current_state(root)


def break_script(root: Path, name: str, message: str):
    """Make workflow/scripts/``name`` raise at its end; returns what puts it back."""
    script = root / "workflow" / "scripts" / name
    working = script.read_text(encoding="utf-8")
    script.write_text(working + f'\nraise RuntimeError("{message}")\n', encoding="utf-8")
    return lambda: script.write_text(working, encoding="utf-8")


def strict_json(path: Path):
    """JSON that holds no NaN or Infinity (Python's reader would accept them silently)."""

    def refuse(constant: str):
        raise AssertionError(f"{path} holds {constant}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def assert_report_matches_the_current_state(root: Path) -> None:
    """Table and figure agree: the document lists the configured runs, the overflowing one as
    diverged, and the HTML shows the very figure drawn from those runs."""
    summary = strict_json(root / "results" / "summary.json")
    runs = summary["gd_runs"]
    assert [(r["start"], r["learning_rate"], r["iterations"]) for r in runs] == [
        tuple(run.values()) for run in RUNS
    ]
    assert [r["diverged_at"] for r in runs] == [None, 8]
    assert runs[1]["final_x"] is None and runs[1]["reached_global_min"] is False
    qmd = (root / "report" / "informe.qmd").read_text(encoding="utf-8")
    table = qmd.split("::: {#tbl-gd}")[1].split(":::")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 2 and "no: diverge en el paso 8" in rows[1]
    assert "La ejecución 2" in qmd and "diverge: en el paso 8" in qmd
    figure = base64.b64encode((root / GD_RUNS_FIGURE).read_bytes()).decode()
    assert figure in (root / REPORT[0]).read_text(encoding="utf-8")
    assert planned(root) == set(), "the build left something to do"


def test_a_failed_summary_is_redone_and_the_report_never_mixes_states(workspace: Path) -> None:
    """The issue's sequence: new runs, summary fails, same command again, fixed, again."""
    before = report_bytes(workspace)
    # An input only the summary reads, which no rule makes: bytes that are not UTF-8 in the
    # environment's lock make the summary fail, and nothing else.
    damaged = workspace / "requirements.lock"
    original = workspace.parent / "requirements.lock"
    shutil.copy2(damaged, original)
    damaged.write_bytes(original.read_bytes() + b"\xff\xfe")

    fails_keeping_the_report(workspace, "summary", "logs/summary.log", before)
    assert not (workspace / "results" / "summary.json").exists()

    # The same command again: the summary is redone (not only the render), and fails again.
    assert {"summary", "document", "render", "edition"} <= planned(workspace)
    fails_keeping_the_report(workspace, "summary", "logs/summary.log", before)

    shutil.copy2(original, damaged)
    finishes_the_report(workspace)


def test_a_failed_figure_is_redone_before_any_report_uses_it(workspace: Path) -> None:
    """The same sequence when the figure rule fails: the new text never meets an old figure."""
    before = report_bytes(workspace)
    repair = break_script(workspace, "gd_runs_figure.py", "figura rota")

    fails_keeping_the_report(workspace, "gd_runs_figure", "logs/gd/runs_figure.log", before)
    assert not (workspace / GD_RUNS_FIGURE).exists()

    assert "gd_runs_figure" in planned(workspace)
    fails_keeping_the_report(workspace, "gd_runs_figure", "logs/gd/runs_figure.log", before)

    repair()
    finishes_the_report(workspace)


def test_a_failed_render_keeps_the_previous_report(workspace: Path) -> None:
    """The render job fails after Snakemake has cleared its outputs: the previous HTML and PDF
    stay whole in report/_site/, the build says so, and once fixed the same command finishes
    the report."""
    before = report_bytes(workspace)
    repair = break_script(workspace, "render.py", "render roto")

    fails_keeping_the_report(workspace, "render", "logs/report/render.log", before)

    repair()
    finishes_the_report(workspace)


def test_make_report_regenerates_a_summary_deleted_by_hand(workspace: Path) -> None:
    """Whatever «make publish» refuses for, «make report» repairs: here, a missing summary."""
    summary = workspace / "results" / "summary.json"
    qmd = workspace / "report" / "informe.qmd"
    document_before = qmd.stat().st_mtime_ns
    summary.unlink()

    with pytest.raises(publish.PublishError, match="Falta results/summary.json"):
        publish.check_publishable(workspace, force=True)

    venv = Path(sys.prefix)
    make = subprocess.run(
        [
            "make",
            "report",
            f"VENV={venv}",
            # The environment is the tests' own, already installed: make must not touch it.
            "-o",
            f"{venv}/.installed",
            f"SNAKEMAKE_ARGS=--cores 2 --configfile {QUICK_CONFIG}",
        ],
        cwd=workspace,
        env=snakemake_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert make.returncode == 0, make.stdout[-3000:] + make.stderr[-3000:]
    assert strict_json(summary)["gd_runs"]
    assert qmd.stat().st_mtime_ns > document_before
    publish.check_publishable(workspace, force=True)
