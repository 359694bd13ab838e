"""``config/extended.yaml``: the larger study plans exactly the jobs it promises.

A dry run in a fresh copy of the repository (no results yet), so every job is planned. The
core-hour estimate of docs/cluster.md multiplies these counts by measured job times: a rule
whose job count grows with the study belongs in ``SCALED`` below, with its formula.
"""

from collections import Counter
from pathlib import Path

from helpers.common import ROOT, load_yaml

EXTENDED = "config/extended.yaml"
SEEDS = 10
VARIANTS = 2
GD_RUNS = 5  # the notebook's five runs, unchanged
LR_POINTS = 11
# The invitation's trainings (config.yaml, unchanged by the study): batch sizes 10 and 250 for
# Adam and SGD, Adam and SGD themselves, momentum and Nesterov, Adadelta at both rates.
INVITATION_CONFIGURATIONS = 10


def catalogue(schema: dict) -> set[str]:
    optimizers = schema["properties"]["optimizers"]["additionalProperties"]
    return set(optimizers["properties"]["class"]["enum"])


def test_extended_study_trains_every_optimizer_of_the_catalogue(schema: dict) -> None:
    default = load_yaml(ROOT / "config" / "config.yaml")
    extended = load_yaml(ROOT / EXTENDED)
    optimizers = {**default["optimizers"], **extended["optimizers"]}
    assert {spec["class"] for spec in optimizers.values()} == catalogue(schema)
    assert extended["training"]["seeds"] == list(range(1, SEEDS + 1))
    assert extended["lr_grid"]["points"] == LR_POINTS


def test_extended_dry_run_plans_the_expected_jobs(schema: dict, tmp_path: Path) -> None:
    from helpers.build import copy_sources, describe_failure, parse_dry_run, run_snakemake

    root = copy_sources(tmp_path / "repo")
    proc = run_snakemake(root, "--configfile", EXTENDED, "--cores", "2", "--dry-run")
    assert proc.returncode == 0, describe_failure(proc)
    counts = Counter(job.rule for job in parse_dry_run(proc.stdout + "\n" + proc.stderr))

    optimizers = len(catalogue(schema))
    scaled = {
        "train": optimizers * VARIANTS,  # one job trains all the seeds, per input variant
        "lr_grid": optimizers * VARIANTS,  # one job runs a whole grid, per input variant
        "gd_run": GD_RUNS,
        "invitation_train": INVITATION_CONFIGURATIONS,
    }
    assert {rule: counts[rule] for rule in scaled} == scaled
    # The tuned trainings (at most one per main training) are only known once the tune
    # checkpoint has chosen the rates: a dry run plans none of them.
    assert counts.pop("train_tuned", 0) == 0
    # Everything else (data, figures, summary, document, render, all) is one job per study.
    others = {rule: n for rule, n in counts.items() if rule not in scaled}
    assert others and set(others.values()) == {1}, others
    assert sum(counts.values()) == sum(scaled.values()) + len(others)
