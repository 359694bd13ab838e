"""`make lint`'s Snakemake check: only the expected no-conda lint passes, every other one fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from optireport.devtools import snakelint
from optireport.store import paths

ROOT = paths.ROOT


def run_lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optireport.devtools.snakelint"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_split_keeps_every_lint_but_the_missing_software_definition():
    report = {
        "snakefiles": [{"for": {"snakefile": "Snakefile"}, "lints": [{"title": "Absolute path"}]}],
        "rules": [
            {
                "for": {"rule": "train", "line": 3, "snakefile": "workflow/rules/training.smk"},
                "lints": [{"title": snakelint.NO_SOFTWARE_DEFINITION}],
            },
            {
                "for": {"rule": "mnist", "line": 9, "snakefile": "workflow/rules/data.smk"},
                "lints": [
                    {"title": snakelint.NO_SOFTWARE_DEFINITION},
                    {"title": "Specify a log file for every rule."},
                ],
            },
        ],
    }
    expected, other = snakelint.split_lints(report)
    assert expected == ["train", "mnist"]
    assert other == [
        "Snakefile: Absolute path",
        "regla mnist (workflow/rules/data.smk:9): Specify a log file for every rule.",
    ]


def test_the_workflow_has_no_lint_but_the_expected_one():
    proc = run_lint(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "como se espera" in proc.stdout and "Ningún otro aviso." in proc.stdout


def test_any_other_lint_fails_the_check(tmp_path):
    # A rule without a log: Snakemake lints it, and the check must fail naming it.
    (tmp_path / "Snakefile").write_text(
        'rule hello:\n    output:\n        "hello.txt"\n    shell:\n        "touch {output}"\n',
        encoding="utf-8",
    )
    proc = run_lint(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "regla hello" in proc.stderr and "log" in proc.stderr
    assert "1 regla sin entorno conda" in proc.stdout
