"""The package's layers (pyproject.toml, [tool.importlinter]) hold, and lint-imports catches a
back-import: an import from a lower layer up, between siblings of a row, or of a dev tool."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.common import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package under ``root`` (its pyproject.toml, its src/)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    return tmp_path


def test_the_package_keeps_its_contracts(package_copy: Path) -> None:
    proc = lint_imports(package_copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        # A lower layer reaching up: results statistics importing the report's prose.
        ("analysis/stats.py", "from optireport.report import wording", "Layers"),
        # Two siblings of one row: figures reading the analysis.
        ("figures/style.py", "from optireport.analysis import summary", "Layers"),
        # Storage importing the configuration above it.
        ("store/paths.py", "from optireport.config import jobs", "Layers"),
        # A cycle inside one subpackage.
        ("config/jobs.py", "from optireport.config import check", "cycle"),
    ],
)
def test_a_planted_back_import_fails_lint(
    package_copy: Path, module: str, planted: str, contract: str
) -> None:
    path = package_copy / "src" / "optireport" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{planted}  # noqa\n", encoding="utf-8")
    proc = lint_imports(package_copy)
    assert proc.returncode != 0, proc.stdout
    broken = [line for line in proc.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), proc.stdout
