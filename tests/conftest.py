"""Shared fixtures: the repository root and its configuration files."""

import copy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def schema() -> dict:
    return load_yaml(ROOT / "workflow" / "schemas" / "config.schema.yaml")


@pytest.fixture
def config() -> dict:
    """A fresh copy of the default configuration, safe to mutate."""
    return copy.deepcopy(load_yaml(ROOT / "config" / "config.yaml"))
