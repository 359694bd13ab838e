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
BENCHMARKS = "benchmarks"
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


def training_files(directory: str) -> dict[str, str]:
    """What a training (a main or a tuned one) writes in its directory, by role."""
    return {
        "history": f"{directory}/history.csv",
        "summary": f"{directory}/summary.txt",
        "model": f"{directory}/model.keras",
        "metrics": f"{directory}/metrics.json",
    }


def lr_grid_dir(variant: str, optimizer: str) -> str:
    """One optimizer's learning-rate grid on one input: ``results/lr_grid/raw/Adam``."""
    return f"{LR_GRID_ROOT}/{variant}/{optimizer}"


def invitation_dir(configuration: str) -> str:
    """One configuration of the invitation's experiments, all its seeds inside."""
    return f"{INVITATION_ROOT}/{configuration}"


def benchmark_of(directory: str) -> str:
    """The benchmark file of the job that wrote ``directory`` (a main or a tuned training), the
    one job of all its seeds: ``results/tuned/SGD/raw/lr0.1/seed1`` ->
    ``benchmarks/train_tuned/SGD/raw/lr0.1.tsv``.
    """
    group = directory.rsplit("/", 1)[0]
    for root, name in ((TRAIN_ROOT, "train"), (TUNED_ROOT, "train_tuned")):
        if group.startswith(f"{root}/"):
            return f"{BENCHMARKS}/{name}/{group.removeprefix(f'{root}/')}.tsv"
    raise ValueError(f"{directory} is not a training directory")
