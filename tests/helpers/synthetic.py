"""Result sets a student's configuration could produce, for property-based tests of the report.

``summaries(base)`` is a Hypothesis strategy: from a real ``results/summary.json`` (``base``,
which supplies what no training changes: the 1-D runs, MNIST facts, environment) it draws
1 to 7 optimizers, 1 to 5 seeds, one or both inputs, any mix of healthy, collapsed and diverged
runs, any thresholds and any subset of the invitation's experiments, and rebuilds every part of
the summary that depends on them with the package's own functions (``aggregate``, ``findings``,
``tuning.compare``, ``invitation.summarize``): the same code the workflow runs.
"""

from __future__ import annotations

import copy
import math

from hypothesis import strategies as st

from optireport.analysis import invitation, summary, tuning
from optireport.config import experiments

NAMES = ["Adam", "SGD", "Adagrad", "RMSprop", "Adadelta", "Nadam", "Adamax"]
RATES = {"SGD": 0.01}
EPOCHS = 4
N_FIT = 2100
STATES = ("ok", "ok", "ok", "collapsed", "diverged")


def history(state: str, accuracy: float, rising: bool) -> list[dict]:
    """A history of ``EPOCHS`` rows for a run in ``state`` ending at ``accuracy``."""
    rows = []
    best = math.inf
    for epoch in range(1, EPOCHS + 1):
        if state == "diverged" and epoch == EPOCHS:
            val_loss = math.nan
        elif rising and epoch > 2:
            val_loss = 0.3 * epoch
        else:
            val_loss = 1.0 / epoch
        improved = math.isfinite(val_loss) and val_loss < best
        best = min(best, val_loss) if math.isfinite(val_loss) else best
        rows.append(
            {
                "epoch": epoch,
                "loss": math.nan if state == "diverged" and epoch == EPOCHS else 1.0 / epoch,
                "accuracy": accuracy,
                "val_loss": val_loss,
                "val_accuracy": accuracy * epoch / EPOCHS,
                "test_accuracy": accuracy * epoch / EPOCHS if improved else math.nan,
                "test_loss": val_loss if improved else math.nan,
                "seconds": 1.0,
            }
        )
    return rows


@st.composite
def run(draw, share: float, target: float) -> dict:
    """One training's metrics (``training_entry`` fields) and its history."""
    state = draw(st.sampled_from(STATES))
    accuracy = draw(st.integers(500, 9900)) / 10000
    if state == "collapsed":
        accuracy = draw(st.integers(800, 1300)) / 10000
    rising = draw(st.booleans())
    rows = history(state, accuracy, rising)
    majority = draw(st.integers(0, 9))
    collapsed_share = draw(st.floats(share, 1.0)) if state == "collapsed" else 0.12
    reached = next((r["epoch"] for r in rows if r["val_accuracy"] >= target), None)
    facts = summary.history_facts_from_rows(rows)
    return {
        "state": state,
        "history": rows,
        "metrics": {
            "test_accuracy": math.nan if state == "diverged" else accuracy,
            "test_loss": math.nan if state == "diverged" else 0.2 + (1 - accuracy),
            "best_val_accuracy": max(r["val_accuracy"] for r in rows),
            "best_epoch": max(rows, key=lambda r: r["val_accuracy"])["epoch"],
            "train_seconds": float(EPOCHS),
            "epochs_completed": EPOCHS,
            "time_to_target_seconds": float(reached) if reached else None,
            "epochs_to_target": reached,
            "diverged": state == "diverged",
            "majority_prediction": majority,
            "majority_prediction_share": collapsed_share,
            "majority_prediction_label_share": 0.1135 if majority == 1 else 0.098,
            "class_entropy": 2.3,
            "dead_units": [20, 10, 5] if state == "collapsed" else [0, 1, 0],
            "interrupted_seconds": None,
            "confusion_matrix": [[100 if j == majority else 0 for j in range(10)]] * 10,
        },
        "facts": facts,
    }


@st.composite
def summaries(draw, base: dict) -> dict:
    """A whole summary, consistent with a drawn configuration (see the module docstring)."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7, unique=True))
    seeds = sorted(draw(st.lists(st.integers(0, 20), min_size=1, max_size=5, unique=True)))
    variants = draw(st.sampled_from([["raw"], ["raw", "scaled"]]))
    thresholds = {
        "tie": draw(st.sampled_from([0.0, 0.001, 0.005, 0.02, 0.05])),
        "collapse_share": draw(st.sampled_from([0.5, 0.8, 0.9, 1.0])),
        "overfit_ratio": draw(st.sampled_from([1.0, 1.5, 3.0])),
    }
    config = copy.deepcopy(base["config"])
    config["optimizers"] = {
        name: {"class": name, "args": {"learning_rate": RATES.get(name, 0.001)}} for name in names
    }
    config["training"].update(seeds=seeds, variants=variants, epochs=EPOCHS)
    config["findings"] = thresholds
    target = config["training"]["target_val_accuracy"]
    share = thresholds["collapse_share"]

    trainings, histories, main = [], {}, []
    for name in names:
        for variant in variants:
            for seed in seeds:
                drawn = draw(run(share, target))
                metrics = {
                    **drawn["metrics"],
                    "optimizer_class": name,
                    "optimizer_args": {"learning_rate": RATES.get(name, 0.001)},
                    "epochs": EPOCHS,
                    "batch_size": 50,
                    "seed": seed,
                }
                trainings.append(
                    {**summary.training_entry(metrics, name, variant, seed), **drawn["facts"]}
                )
                histories[(name, variant, seed)] = drawn["history"]
                main.append((name, variant, metrics, drawn["history"]))
    groups = summary.aggregate(trainings, share)

    rates = [0.001, 0.01, 0.1]
    grid = {
        (name, variant): [
            {
                "optimizer": name,
                "learning_rate": rate,
                "epochs": 2,
                "val_accuracy": draw(
                    st.one_of(st.none(), st.integers(80, 990).map(lambda v: v / 1000))
                ),
                "best_val_accuracy": None,
                "diverged": False,
                "majority_prediction_share": draw(st.sampled_from([0.12, 1.0])),
            }
            for rate in rates
        ]
        for name in names
        for variant in variants
    }
    for points in grid.values():
        for point in points:
            point["diverged"] = point["val_accuracy"] is None
    grid_variant = (
        config["lr_grid"]["variant"] if config["lr_grid"]["variant"] in variants else "raw"
    )
    config["lr_grid"]["variant"] = grid_variant
    lr_grid = [
        p for (name, variant), points in grid.items() if variant == grid_variant for p in points
    ]
    for name in names:
        config["optimizers"][name]["lr_grid"] = {"min": 0.001, "max": 0.1, "points": 3}

    choices = {
        name: {variant: tuning.choose_rate(grid[(name, variant)]) for variant in variants}
        for name in names
    }
    tuned = []
    for entry in trainings:
        choice = choices[entry["optimizer"]][entry["variant"]]
        if choice["learning_rate"] is None:
            continue
        same = choice["learning_rate"] == entry["learning_rate"]
        if same:
            tuned.append({**entry, "same_runs": True})
        else:
            shift = draw(st.integers(-300, 300)) / 10000
            value = entry["test_accuracy"]
            tuned.append(
                {
                    **entry,
                    "test_accuracy": None
                    if value is None
                    else min(0.999, max(0.01, value + shift)),
                    "same_runs": False,
                }
            )
    budget = tuning.budget(config, names)
    fair = tuning.compare(
        names,
        variants,
        {name: RATES.get(name, 0.001) for name in names},
        choices,
        trainings,
        tuned,
        budget,
        thresholds,
    )

    # The invitation's experiments: any subset, each only with the optimizers it needs.
    spec = copy.deepcopy(base["config"].get("invitation") or {})
    spec.update(seeds=seeds, epochs=EPOCHS)
    spec["variant"] = variants[-1]
    wanted = {
        "batch_size": draw(st.booleans()),
        "momentum": "SGD" in names and draw(st.booleans()),
        "adadelta": "Adadelta" in names and draw(st.booleans()),
        "early_stopping": draw(st.booleans()),
    }
    for key, on in wanted.items():
        if not on:
            spec[key] = None
    if spec.get("batch_size"):
        spec["batch_size"] = {"optimizers": names[:2], "sizes": [10, 50, 250]}
    config["invitation"] = spec if any(wanted.values()) else None
    layout = experiments.experiments(config)
    run_results = {
        name: [
            invitation.seed_result({**drawn["metrics"], "seed": seed}, drawn["history"], share)
            for seed in seeds
            for drawn in [draw(run(share, target))]
        ]
        for name in layout["configurations"]
    }
    invited = invitation.summarize(config, run_results, main, N_FIT)

    result = copy.deepcopy(base)
    result.update(
        config=config,
        trainings=trainings,
        training_groups=groups,
        collapse_example=summary.collapse_example(groups, trainings),
        findings=summary.findings(
            groups,
            lr_grid,
            {name: RATES.get(name, 0.001) for name in names},
            thresholds,
            grid_variant=grid_variant,
            classes={name: name for name in names},
        ),
        fastest_to_target=summary.fastest_to_target(groups, fair["rows"], invited),
        lr_grid=lr_grid,
        fair_comparison={**fair, "trainings": tuned},
        invitation=invited,
    )
    return result
