# Config validation and the helpers that turn the config into job lists and params.
import json
import sys
from pathlib import Path

import yaml
from snakemake.utils import validate

from optireport.config import check, jobs
from optireport.devtools import imports
from optireport.store import paths
from optireport.text import labels
from optireport.training import data

SCHEMA = Path(workflow.current_basedir).parent / "schemas" / "config.schema.yaml"

# Software: every rule runs in the environment Snakemake runs in, the project's own, installed
# from requirements.lock by `make`. No rule names a conda environment (README, «Instalación»).

# Before anything else: a path with a space breaks every script rule (snakemake#2645).
PATH_PROBLEMS = check.path_problems(Path.cwd(), sys.executable)
if PATH_PROBLEMS:
    sys.exit("\n".join(PATH_PROBLEMS))

try:
    check.check_config(config, yaml.safe_load(SCHEMA.read_text(encoding="utf-8")))
except check.ConfigError as error:
    sys.exit(str(error))
validate(config, str(SCHEMA), set_default=True)

# A damaged MNIST copy would fail every training: rebuild it (identical) before any job.
MNIST_NPZ, MNIST_INFO = Path("results/data/mnist.npz"), Path("results/data/mnist.json")
MNIST_DAMAGE = data.npz_damage(MNIST_NPZ, MNIST_INFO)
if MNIST_DAMAGE:
    print(
        f"Aviso: {MNIST_NPZ} está dañado ({MNIST_DAMAGE}); se reconstruye desde las "
        "fuentes de MNIST, idéntico al original, sin repetir ningún entrenamiento.",
        file=sys.stderr,
    )
    mnist_file = config["data"]["mnist_file"]
    try:
        data.repair_npz(
            MNIST_NPZ,
            MNIST_INFO,
            Path(mnist_file) if mnist_file else None,
            Path("resources"),
            lambda line: print(line, file=sys.stderr),
        )
    except data.DataError as error:
        sys.exit(
            f"{error}\nNo se pudo reconstruir {MNIST_NPZ}. Bórrelo junto con {MNIST_INFO} "
            "(rm results/data/mnist.*) y vuelva a ejecutar: la regla mnist lo creará de "
            "nuevo y se repetirán los entrenamientos."
        )

OPTIMIZERS = list(config["optimizers"])
VARIANTS = list(config["training"]["variants"])
SEEDS = [int(seed) for seed in config["training"]["seeds"]]
GD_RUNS = {jobs.gd_run_name(run): run for run in config["gradient_descent"]["runs"]}


wildcard_constraints:
    optimizer="|".join(OPTIMIZERS),
    variant="raw|scaled",
    seed=r"\d+",
    run="|".join(GD_RUNS),


def code(script):
    """The package modules ``workflow/scripts/<script>.py`` imports, directly or not, as
    inputs of its rule: editing one of them reruns the rule's jobs, and only those."""
    source = Path("workflow/scripts") / f"{script}.py"
    return [imports.module_file(module, Path.cwd()) for module in imports.package_modules(source)]


def gd_run_params(wildcards):
    run = GD_RUNS[wildcards.run]
    return {
        "start": float(run["start"]),
        "learning_rate": float(run["learning_rate"]),
        "iterations": int(run["iterations"]),
    }


def data_subset():
    data = config["data"]
    return {"train": data["train_subset"], "test": data["test_subset"]}


def train_params(wildcards):
    return {
        **jobs.training_settings(config, wildcards.optimizer),
        "variant": wildcards.variant,
        "seed": int(wildcards.seed),
        "subset": data_subset(),
    }


def lr_grid_params(wildcards):
    """The optimizer's settings, the grid's epochs and seed, the variant, and its rates."""
    grid = config["lr_grid"]
    settings = jobs.training_settings(config, wildcards.optimizer)
    # The grid replaces the configured rate, and grid points report no time to target:
    # changing either must not rerun them.
    del settings["optimizer_args"]["learning_rate"]
    del settings["target_val_accuracy"]
    return {
        **settings,
        "epochs": int(grid["epochs"]),
        "variant": wildcards.variant,
        "seed": int(grid["seed"]),
        "subset": data_subset(),
        "learning_rates": {
            jobs.grid_point_name(lr): float(lr)
            for lr in jobs.lr_grid(config, wildcards.optimizer)
        },
    }


def training_jobs():
    """(optimizer, variant, seed) of every training job, in config order."""
    return [
        (optimizer, variant, seed)
        for optimizer in OPTIMIZERS
        for variant in VARIANTS
        for seed in SEEDS
    ]


def training_dirs():
    return [f"results/train/{o}/{v}/seed{s}" for o, v, s in training_jobs()]


def tuning_grids():
    """(variant, optimizer) of every learning-rate grid: one per training variant."""
    return [(variant, optimizer) for variant in VARIANTS for optimizer in OPTIMIZERS]


def grid_point_names(optimizer):
    return [jobs.grid_point_name(lr) for lr in jobs.lr_grid(config, optimizer)]


def lr_grid_points():
    """[optimizer, its grid point directories] of every optimizer, in config order."""
    return [[optimizer, grid_point_names(optimizer)] for optimizer in OPTIMIZERS]


def configured_rates():
    """The learning rate of each optimizer's main trainings, as configured."""
    return {
        name: spec["args"]["learning_rate"]
        for name, spec in config["optimizers"].items()
    }


def sections(*names):
    """The named top-level sections of the config: the params of a rule that reads only those."""
    return {name: config[name] for name in names}


def tuning_choices():
    """The tune checkpoint's choice per optimizer and variant (read after it has run)."""
    with open(checkpoints.tune.get().output[0], encoding="utf-8") as handle:
        return json.load(handle)["choices"]


def tuned_runs():
    """(optimizer, variant, seed, directory) of every tuned training, in config order.

    A tuned training at a rate that a main training already uses is that training's directory.
    """
    choices = tuning_choices()
    return [
        (o, v, s, jobs.tuned_run_dir(config, o, v, s, rate))
        for o, v, s in training_jobs()
        if (rate := choices[o][v]["learning_rate"]) is not None
    ]


def tuned_metrics(wildcards):
    return [f"{directory}/metrics.json" for *_, directory in tuned_runs()]


def tuned_benchmarks(wildcards):
    return [
        directory.replace("results/tuned/", "benchmarks/train_tuned/", 1) + ".tsv"
        for *_, directory in tuned_runs()
        if directory.startswith("results/tuned/")
    ]


def tuned_train_params(wildcards):
    return {
        **jobs.tuned_settings(config, wildcards.optimizer, float(wildcards.rate)),
        "variant": wildcards.variant,
        "seed": int(wildcards.seed),
        "subset": data_subset(),
    }


def benchmark_files():
    return (
        ["benchmarks/mnist.tsv"]
        + [f"benchmarks/train/{o}/{v}/seed{s}.tsv" for o, v, s in training_jobs()]
        + [f"benchmarks/lr_grid/{v}/{o}.tsv" for v, o in tuning_grids()]
    )


def training_outputs(prefix):
    return {
        "history": f"{prefix}/history.csv",
        "summary": f"{prefix}/summary.txt",
        "model": f"{prefix}/model.keras",
        "metrics": f"{prefix}/metrics.json",
    }


def train_mem_mb(wildcards, attempt):
    # Peak RSS on full MNIST (VmHWM): 1.24 GB for a training, 1.33 GB for a learning-rate
    # grid job. Ask for 2 GB (SLURM kills a job that exceeds it), more on each retry.
    return 2000 * attempt


def runtime_min(epochs, attempt):
    # Minutes: an epoch takes about 0.35 s on one core (Muon, the slowest optimizer, twice
    # that); allow 2 s per epoch plus 5 minutes of start-up, more on each retry.
    return attempt * (5 + int(epochs * 2 / 60))


def train_runtime_min(wildcards, attempt):
    return runtime_min(
        jobs.training_settings(config, wildcards.optimizer)["epochs"], attempt
    )


def lr_grid_runtime_min(wildcards, attempt):
    points = len(jobs.lr_grid(config, wildcards.optimizer))
    return runtime_min(points * int(config["lr_grid"]["epochs"]), attempt)


RULE_FILES = sorted(str(path) for path in Path("workflow/rules").glob("*.smk"))

# Jinja templates plus the files they inline verbatim (the explorer's script and style).
TEMPLATES = sorted(str(path) for path in Path("templates").rglob("*") if path.is_file())

# Figure captions: the lead of each caption in the report, and the caption in
# `snakemake --report` (workflow.rst is that report's description, not a caption).
CAPTIONS = sorted(
    str(path)
    for path in Path("workflow/report").glob("*.rst")
    if path.name != "workflow.rst"
)

FIGURES = [
    "report/figures/digits.svg",
    "report/figures/gd_curve.svg",
    "report/figures/gd_runs.svg",
    "report/figures/gd_methods.svg",
    "report/figures/gd_methods.gif",
    "report/figures/accuracy.svg",
    "report/figures/loss.svg",
    "report/figures/variants.svg",
    "report/figures/lr_grid.svg",
    "report/figures/predictions.svg",
    "report/figures/fair_comparison.svg",
    "report/figures/rulegraph.svg",
]
