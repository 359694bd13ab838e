"""The plain values the rules are built from: each job's name, directory and settings.

Every function takes the validated configuration (defaults filled in from the schema) and
returns plain data, so that Snakemake compares a job's params by value.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import numpy as np

from optireport.store import paths


def format_number(value: float) -> str:
    """Short, stable text for a number inside a file name: 0.01 -> '0.01', 1e-4 -> '0.0001'."""
    return np.format_float_positional(float(value), trim="-")


def grid_point_name(learning_rate: float) -> str:
    """Directory of one learning-rate grid point inside its optimizer's, e.g. ``lr0.0001``."""
    return f"lr{format_number(learning_rate)}"


def gd_run_name(run: dict) -> str:
    """File-name slug of one gradient-descent run, e.g. ``x1.5_lr0.01_it10``."""
    return (
        f"x{format_number(run['start'])}_lr{format_number(run['learning_rate'])}"
        f"_it{int(run['iterations'])}"
    )


def log_grid(low: float, high: float, points: int) -> list[float]:
    """``points`` log-spaced values from ``low`` to ``high``, rounded to 3 significant digits."""
    values = np.logspace(np.log10(low), np.log10(high), int(points))
    return [float(f"{v:.3g}") for v in values]


def lr_grid(config: dict, optimizer: str) -> list[float]:
    """The optimizer's learning-rate grid: its own ``lr_grid`` keys over the shared ``lr_grid``."""
    grid = {**config["lr_grid"], **config["optimizers"][optimizer].get("lr_grid", {})}
    return log_grid(grid["min"], grid["max"], grid["points"])


def training_settings(config: dict, optimizer: str) -> dict:
    """Plain settings of one optimizer's training jobs (shared values with overrides)."""
    spec = config["optimizers"][optimizer]
    shared = config["training"]
    return {
        "optimizer_class": str(spec["class"]),
        "optimizer_args": {k: spec.get("args", {})[k] for k in sorted(spec.get("args", {}))},
        "epochs": int(spec.get("epochs", shared["epochs"])),
        "batch_size": int(spec.get("batch_size", shared["batch_size"])),
        "validation_split": float(shared["validation_split"]),
        "threads": int(shared["threads"]),
        "target_val_accuracy": float(shared["target_val_accuracy"]),
    }


def report_config(config: dict) -> dict:
    """The configuration that shapes the report: all of it but where it is published."""
    shown = copy.deepcopy(config)
    shown.get("report", {}).pop("publish", None)
    return shown


def tuned_settings(config: Mapping, optimizer: str, learning_rate: float) -> dict:
    """The optimizer's training settings with its learning rate replaced by ``learning_rate``."""
    settings = training_settings(config, optimizer)
    args = {**settings["optimizer_args"], "learning_rate": float(learning_rate)}
    settings["optimizer_args"] = {key: args[key] for key in sorted(args)}
    return settings


def tuned_run_dir(config: Mapping, optimizer: str, variant: str, seed: int, rate: float) -> str:
    """Directory of the tuned training of ``optimizer`` at ``rate``, on ``variant``, ``seed``.

    A main training with exactly the same settings (the chosen rate is the configured one,
    of this or of another configured optimizer) is the same job: its directory is returned,
    so nothing is trained twice. Otherwise the rate is part of the path, so a tuned training
    depends on the chosen rate only through its value.
    """
    wanted = tuned_settings(config, optimizer, rate)
    training = config["training"]
    if variant in training["variants"] and int(seed) in [int(s) for s in training["seeds"]]:
        for name in config["optimizers"]:
            if training_settings(config, name) == wanted:
                return paths.train_dir(name, variant, seed)
    return paths.tuned_dir(optimizer, variant, grid_point_name(rate), seed)
