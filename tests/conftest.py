"""Fixtures for every test: the configuration, its schema, and the Quarto CLI."""

import copy
import os
import shutil

import pytest
from helpers.common import ROOT, SCHEMA, load_yaml  # noqa: F401  (ROOT: for the tests)

# Trainings checkpoint after every epoch in the tests (and in the Snakemake runs they start),
# so an interruption test knows which commits exist; the default is one every 10 s.
os.environ.setdefault("OPTIREPORT_CHECKPOINT_SECONDS", "0")


@pytest.fixture(scope="session")
def schema() -> dict:
    return load_yaml(SCHEMA)


@pytest.fixture
def config() -> dict:
    """A fresh copy of the default configuration, safe to mutate."""
    return copy.deepcopy(load_yaml(ROOT / "config" / "config.yaml"))


@pytest.fixture(scope="session")
def quarto() -> str:
    """The Quarto CLI on PATH. Without it the test is skipped with how to install it, except in
    CI (the CI variable is set), where a Quarto test that cannot run is a failure."""
    from optireport.report.render import QUARTO_INSTALL_HINT

    found = shutil.which("quarto")
    if found is None:
        reason = f"Quarto CLI not on PATH. {QUARTO_INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} In CI the Quarto tests must run, not skip.", pytrace=False)
        pytest.skip(reason)
    return found
