"""Shared fixtures: the repository root and its configuration files."""

import copy
import os
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# Trainings checkpoint after every epoch in the tests (and in the Snakemake runs they start),
# so an interruption test knows which commits exist; the default is one every 10 s.
os.environ.setdefault("OPTIREPORT_CHECKPOINT_SECONDS", "0")


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def schema() -> dict:
    return load_yaml(ROOT / "workflow" / "schemas" / "config.schema.yaml")


@pytest.fixture
def config() -> dict:
    """A fresh copy of the default configuration, safe to mutate."""
    return copy.deepcopy(load_yaml(ROOT / "config" / "config.yaml"))


@pytest.fixture(scope="session")
def quarto() -> str:
    """The Quarto CLI on PATH. Without it the test is skipped with how to install it, except in
    CI (the CI variable is set), where a Quarto test that cannot run is a failure."""
    from optireport.render import QUARTO_INSTALL_HINT

    found = shutil.which("quarto")
    if found is None:
        reason = f"Quarto CLI not on PATH. {QUARTO_INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} In CI the Quarto tests must run, not skip.", pytrace=False)
        pytest.skip(reason)
    return found
