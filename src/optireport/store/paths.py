"""Where things live: the repository and every result the workflow writes.

The rules (``workflow/rules/*.smk``) and the package build their paths from these names, so a
result has one spelling everywhere.
"""

from __future__ import annotations

from pathlib import Path

# src/optireport/store/paths.py -> the repository (an editable install, as `make` makes).
ROOT = Path(__file__).resolve().parents[3]
REPORT_DIR = ROOT / "report"

RESULTS = "results"
TRAIN_ROOT = f"{RESULTS}/train"
TUNED_ROOT = f"{RESULTS}/tuned"
LR_GRID_ROOT = f"{RESULTS}/lr_grid"
INVITATION_ROOT = f"{RESULTS}/invitation"
MNIST_NPZ = f"{RESULTS}/data/mnist.npz"
MNIST_INFO = f"{RESULTS}/data/mnist.json"
SUMMARY = f"{RESULTS}/summary.json"
EDITION = f"{RESULTS}/edition.json"


def train_dir(optimizer: str, variant: str, seed: int | str) -> str:
    """One main training: ``results/train/Adam/raw/seed1``."""
    return f"{TRAIN_ROOT}/{optimizer}/{variant}/seed{seed}"


def tuned_dir(optimizer: str, variant: str, point: str, seed: int | str) -> str:
    """One training at a tuned rate (``point`` is its grid point's name, ``lr0.01``)."""
    return f"{TUNED_ROOT}/{optimizer}/{variant}/{point}/seed{seed}"
