# Shared by the workflow's files (the config, checked; the job lists, paths and params built
# from it; the inputs every job names). Reading the workflow checks the config and writes
# nothing; a damaged MNIST copy is rebuilt by the Snakefile's onstart handler, before any job.
# Each file under workflow/rules uses only its own names, the names defined here, and the
# `rules.<name>.output` of those included before it.
import re
import sys
from pathlib import Path

import yaml
from snakemake.utils import validate

from optireport.config import check, experiments, jobs
from optireport.devtools import imports
from optireport.report import render as renderers
from optireport.store import atomic, paths
from optireport.text import labels
from optireport.training import data

SCHEMA = Path(workflow.current_basedir).parent / "schemas" / "config.schema.yaml"

# Software: every rule runs in the environment Snakemake runs in, the project's own, installed
# from requirements.lock by `make`. No rule names a conda environment (docs/instalacion.md).

# Before anything else: a path with a space breaks every script rule (snakemake#2645).
PATH_PROBLEMS = check.path_problems(Path.cwd(), sys.executable)
if PATH_PROBLEMS:
    sys.exit("\n".join(PATH_PROBLEMS))

CONFIG_SCHEMA = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
try:
    check.check_config(config, CONFIG_SCHEMA)
except check.ConfigError as error:
    sys.exit(str(error))
check.drop_switched_off(config)
validate(config, str(SCHEMA), set_default=True)

# renderer: quarto without Quarto on PATH stops here, before any job, saying how to get it.
try:
    renderers.choose_renderer(config["report"]["renderer"])
except renderers.RenderError as error:
    sys.exit(str(error))


# From here on every params built from the config compares by value, whatever key order the
# config files gave (in place: Snakemake holds this very dict).
CANONICAL_CONFIG = check.in_schema_order(config, CONFIG_SCHEMA)
config.clear()
config.update(CANONICAL_CONFIG)

OPTIMIZERS = list(config["optimizers"])
VARIANTS = list(config["training"]["variants"])
SEEDS = [int(seed) for seed in config["training"]["seeds"]]
GD_RUNS = {jobs.gd_run_name(run): run for run in config["gradient_descent"]["runs"]}
INVITATION_CONFIGURATIONS = list(experiments.experiments(config)["configurations"])
# The invitation chapter's figures and their label in Snakemake's report; an experiment
# switched off (its key absent or null) has no figure.
INVITATION_FIGURES = {
    "batch_size": "tamaño de lote",
    "momentum": "momento",
    "adadelta": "Adadelta",
    "early_stopping": "parada temprana",
}

# The directory of one main training, and of one training at a tuned rate, as rule patterns.
TRAIN_DIR = paths.train_dir("{optimizer}", "{variant}", "{seed}")
TUNED_DIR = paths.tuned_dir("{optimizer}", "{variant}", "lr{rate}", "{seed}")


wildcard_constraints:
    optimizer="|".join(map(re.escape, OPTIMIZERS)),
    variant="raw|scaled",
    seed=r"\d+",
    run="|".join(map(re.escape, GD_RUNS)),
    configuration="|".join(map(re.escape, INVITATION_CONFIGURATIONS)),


def code(script):
    """The package modules ``workflow/scripts/<script>.py`` imports, directly or not, as
    inputs of its rule: editing one of them reruns the rule's jobs, and only those."""
    source = Path("workflow/scripts") / f"{script}.py"
    return [
        imports.module_file(module, paths.ROOT)
        for module in imports.package_modules(source)
    ]


def gd_run_params(wildcards):
    run = GD_RUNS[wildcards.run]
    return {
        "start": float(run["start"]),
        "learning_rate": float(run["learning_rate"]),
        "iterations": int(run["iterations"]),
    }


def data_subset():
    spec = config["data"]
    return {"train": spec["train_subset"], "test": spec["test_subset"]}


def train_params(wildcards):
    return {
        **jobs.training_settings(config, wildcards.optimizer),
        "variant": wildcards.variant,
        "seeds": SEEDS,
        "subset": data_subset(),
    }


def group_files(directory):
    """What every seed's training in ``directory`` (a pattern with ``{seed}``) writes, by
    role: the outputs of the job that trains all the seeds as one group."""
    return {
        role: expand(pattern, seed=SEEDS, allow_missing=True)
        for role, pattern in paths.training_files(directory).items()
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


def invitation_params(wildcards):
    return {
        **experiments.configuration_settings(config, wildcards.configuration),
        "subset": data_subset(),
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
    return [paths.train_dir(o, v, s) for o, v, s in training_jobs()]


def training_files(role, variant=None):
    """One file (``history``, ``metrics``, ...) of every main training, in config order;
    with ``variant``, of that input's trainings only."""
    return [
        paths.training_files(paths.train_dir(o, v, s))[role]
        for o, v, s in training_jobs()
        if variant in (None, v)
    ]


def tuning_grids():
    """(variant, optimizer) of every learning-rate grid: one per training variant."""
    return [(variant, optimizer) for variant in VARIANTS for optimizer in OPTIMIZERS]


def tuning_grid_dirs():
    return [paths.lr_grid_dir(v, o) for v, o in tuning_grids()]


def report_grid_dirs():
    """The grids the learning-rate section shows: those of its input (lr_grid.variant)."""
    return [paths.lr_grid_dir(config["lr_grid"]["variant"], o) for o in OPTIMIZERS]


def invitation_dirs():
    return [paths.invitation_dir(name) for name in INVITATION_CONFIGURATIONS]


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
    """The named top-level sections of the config: the params of a rule that reads only those
    (a section left out, such as a switched-off ``invitation``, is None)."""
    return {name: config.get(name) for name in names}


def tuning_choices():
    """The tune checkpoint's choice per optimizer and variant (read after it has run)."""
    return atomic.read_json(checkpoints.tune.get().output[0])["choices"]


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
    return [paths.training_files(d)["metrics"] for *_, d in tuned_runs()]


def tuned_benchmarks(wildcards):
    """The benchmarks of the tuned trainings that are not main ones."""
    return list(
        dict.fromkeys(
            paths.benchmark_of(directory)
            for *_, directory in tuned_runs()
            if directory.startswith(f"{paths.TUNED_ROOT}/")
        )
    )


def tuned_train_params(wildcards):
    return {
        **jobs.tuned_settings(config, wildcards.optimizer, float(wildcards.rate)),
        "variant": wildcards.variant,
        "seeds": SEEDS,
        "subset": data_subset(),
    }


def train_mem_mb(wildcards, attempt):
    # Peak RSS on full MNIST: 1.21 GB for a group of 1, 3 or 9 models alike (the data, not
    # the models; bench/group_speed.py). Ask for 2 GB (SLURM kills a job that exceeds it),
    # more on each retry.
    return 2000 * attempt


def runtime_min(epochs, attempt):
    # Minutes for ``epochs`` model-epochs: one takes about 0.35 s on one core alone, less in a
    # group (Muon, the slowest optimizer, twice that, and never grouped); allow 2 s per
    # model-epoch plus 5 minutes of start-up, more on each retry.
    return attempt * (5 + int(epochs * 2 / 60))


def train_runtime_min(wildcards, attempt):
    epochs = jobs.training_settings(config, wildcards.optimizer)["epochs"]
    return runtime_min(epochs * len(SEEDS), attempt)


def lr_grid_runtime_min(wildcards, attempt):
    points = len(jobs.lr_grid(config, wildcards.optimizer))
    return runtime_min(points * int(config["lr_grid"]["epochs"]), attempt)


def with_print(**figures):
    """A figure rule's outputs: each figure for the HTML (and Snakemake's report) as given,
    and beside it ``<name>_print``, its print layout for the PDF in report/figures/print/
    (report/print-figures.lua; optireport.figures.style.layouts gives the script both).
    """
    printed = {
        f"{name}_print": str(Path(path).parent / "print" / Path(path).name)
        for name, path in figures.items()
    }
    return {**figures, **printed}


def invitation_figures():
    """The invitation chapter's figures (name: label), one per experiment switched on."""
    spec = config.get("invitation") or {}
    return {name: label for name, label in INVITATION_FIGURES.items() if spec.get(name)}


def invitation_runtime_min(wildcards, attempt):
    spec = config["invitation"]
    return runtime_min(spec["epochs"] * len(spec["seeds"]), attempt)


def repair_damaged_mnist():
    """The Snakefile's onstart handler: after the DAG is built, before any job, never in a
    dry-run. A damaged MNIST copy is rebuilt identical, with its recorded time; its readers
    take it as ancient(), so nothing reruns."""
    mnist_file = config["data"]["mnist_file"]
    try:
        data.repair_if_damaged(
            Path(paths.MNIST_NPZ),
            Path(paths.MNIST_INFO),
            Path(mnist_file) if mnist_file else None,
            Path("resources"),
            lambda line: print(line, file=sys.stderr),
        )
    except data.DataError as error:
        sys.exit(str(error))


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

# The renderers' settings and house style (optireport.report.render holds the list).
RENDER_SETTINGS = [f"report/{name}" for name in renderers.SETTINGS_FILES]
