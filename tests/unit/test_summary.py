"""Aggregation of training results and the findings the report states."""

import math

import pytest
from helpers.common import FINDINGS

from optireport.analysis import summary
from optireport.analysis.stats import collapsed
from optireport.store import history

SHARE = FINDINGS["collapse_share"]

HISTORY = (
    "epoch,loss,accuracy,val_loss,val_accuracy,seconds,test_loss,test_accuracy\n"
    "1,1.0,0.5,1.0,0.5,1.0,1.0,0.5\n"
)


def entry(
    optimizer,
    variant,
    seed,
    accuracy,
    *,
    reached=True,
    diverged=False,
    share=0.12,
    epochs=3,
    seconds=None,
    budget=10,
):
    return {
        "optimizer": optimizer,
        "variant": variant,
        "seed": seed,
        "epochs": budget,
        "test_accuracy": accuracy,
        "test_loss": 1 - accuracy,
        "best_val_accuracy": accuracy + 0.01,
        "best_epoch": 5,
        "train_seconds": 10.0 * seed,
        "epochs_to_target": epochs if reached else None,
        "time_to_target_seconds": (seconds or 4.0 * seed) if reached else None,
        "diverged": diverged,
        "majority_prediction_share": share,
        "majority_prediction": 1,
        "majority_prediction_label_share": 0.1135,
        "min_val_loss": 0.1,
        "min_val_loss_epoch": 2,
        "final_val_loss": 0.2,
        "val_accuracy_at_min_val_loss": accuracy,
        "final_val_accuracy": accuracy,
        "epochs_completed": 3,
    }


@pytest.fixture
def trainings():
    return [
        entry("Adam", "raw", 1, 0.96),
        entry("Adam", "raw", 2, 0.94),
        entry("Adam", "raw", 3, 0.95),
        entry("SGD", "raw", 1, 0.1135, reached=False, share=1.0),
        entry("SGD", "raw", 2, math.nan, reached=False, diverged=True),
        entry("SGD", "raw", 3, 0.1135, reached=False, share=0.99),
        entry("SGD", "scaled", 1, 0.97, epochs=2, seconds=3.0),
        entry("Adam", "scaled", 1, 0.955, epochs=2, seconds=2.5),
    ]


def test_aggregate_gives_median_range_and_counts(trainings):
    groups = {(g["optimizer"], g["variant"]): g for g in summary.aggregate(trainings, SHARE)}
    adam = groups[("Adam", "raw")]
    assert adam["test_accuracy"] == {"median": 0.95, "min": 0.94, "max": 0.96, "n": 3}
    assert adam["seeds"] == [1, 2, 3]
    assert adam["epochs"] == 10
    assert adam["reached_target_runs"] == 3
    assert adam["time_to_target_seconds"]["median"] == 8.0
    sgd = groups[("SGD", "raw")]
    assert sgd["diverged_runs"] == 1
    assert sgd["collapsed_runs"] == 2
    assert [
        (c["seed"], c["digit"], c["test_accuracy"], c["label_share"]) for c in sgd["collapsed"]
    ] == [
        (1, 1, 0.1135, 0.1135),
        (3, 1, 0.1135, 0.1135),
    ]
    assert sgd["test_accuracy"]["n"] == 2  # NaN of the diverged run is left out
    assert sgd["time_to_target_seconds"] is None


def test_findings_rank_and_compare(trainings):
    groups = summary.aggregate(trainings, SHARE)
    lr = [
        {"optimizer": "Adam", "learning_rate": 0.001, "val_accuracy": 0.9},
        {"optimizer": "Adam", "learning_rate": 0.01, "val_accuracy": 0.93},
        {"optimizer": "SGD", "learning_rate": 0.1, "val_accuracy": None},
        {"optimizer": "SGD", "learning_rate": 0.01, "val_accuracy": 0.2},
    ]
    found = summary.findings(groups, lr, {"Adam": 0.001, "SGD": 0.001}, FINDINGS)
    # Finite test accuracies per configuration: 3 (Adam raw), 2 (SGD raw: one diverged), 1.
    assert found["rule"] == {
        "tie": FINDINGS["tie"],
        "chance": 0.05,
        "seed_counts": [1, 2, 3],
        "chance_at": {"1": 0.5, "2": pytest.approx(1 / 6), "3": pytest.approx(1 / 20)},
        "can_rank": True,
        "seeds_needed": 3,
    }
    raw = found["ranking"]["raw"]
    # SGD learns with no seed (two collapse, one diverges): left out of the ranking, by why.
    assert raw["order"] == ["Adam"] and raw["leaders"] == ["Adam"] and raw["pairs"] == []
    assert raw["can_rank"] is False
    assert raw["failed"] == {"collapsed": ["SGD"], "diverged": [], "missing": []}
    scaled = found["ranking"]["scaled"]
    # One seed each: both lead, since the rule cannot put either ahead.
    assert scaled["order"] == ["SGD", "Adam"] and scaled["leaders"] == ["SGD", "Adam"]
    assert scaled["can_rank"] is False and scaled["behind"] == []
    assert scaled["pairs"] == [
        {"a": "SGD", "b": "Adam", "verdict": "too_few", "gap": 0.015, "chance": 0.5}
    ]
    # One scaled seed against three (or two) raw ones allows no verdict on the scaling.
    assert found["scaling"] == {
        "Adam": {"effect": "too_few", "gap": 0.005, "raw_learns": True, "scaled_learns": True},
        "SGD": {
            "effect": "too_few",
            "gap": pytest.approx(0.8565),
            "raw_learns": False,
            "scaled_learns": True,
        },
    }
    cause = found["collapse_cause"]
    assert cause["configurations"] == [{"optimizer": "SGD", "variant": "raw"}]
    assert cause["grid"]["SGD"]["fails_from"] == 0.1
    assert cause["methods_with_threshold"] == ["SGD"]
    assert cause["cause"] is None  # no grid input given, and a single method
    # A tie in epochs keeps both, in the groups' order (seconds do not break it: they depend
    # on how busy the machine was); Adam raw needs 3 epochs and is left out.
    assert found["first_to_target"] == {
        "epochs": 2,
        "configurations": [
            {"optimizer": "SGD", "variant": "scaled"},
            {"optimizer": "Adam", "variant": "scaled"},
        ],
    }
    first = summary.findings(groups[:1], lr, {"Adam": 0.001, "SGD": 0.001}, FINDINGS)
    assert first["first_to_target"] == {
        "epochs": 3,
        "configurations": [{"optimizer": "Adam", "variant": "raw"}],
    }
    assert found["never_reached_target"] == [{"optimizer": "SGD", "variant": "raw"}]
    assert found["best_learning_rates"]["Adam"] == {
        "learning_rate": 0.01,
        "val_accuracy": 0.93,
        "ratio_to_configured": pytest.approx(10),
    }
    assert found["configured_rate_too_small"] == ["Adam", "SGD"]
    assert found["best_learning_rates"]["SGD"]["learning_rate"] == 0.01


def test_rule_times_group_benchmark_files_by_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    header = "s\th:m:s\tmax_rss\n"
    files = {
        "benchmarks/mnist.tsv": 12.0,
        "benchmarks/train/Adam/raw/seed1.tsv": 40.0,
        "benchmarks/train/SGD/raw/seed1.tsv": 20.0,
    }
    for name, seconds in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + f"{seconds}\t0:00:{int(seconds)}\t100\n")
    times = {row["rule"]: row for row in summary.rule_times(list(files))}
    assert times["train"] == {
        "rule": "train",
        "jobs": 2,
        "total_seconds": 60.0,
        "mean_seconds": 30.0,
    }
    assert times["mnist"]["jobs"] == 1
    # A resumed training: its interrupted attempt's seconds count in the total.
    resumed = {"benchmarks/train/SGD/raw/seed1.tsv": 15.0}
    times = {row["rule"]: row for row in summary.rule_times(list(files), resumed)}
    assert times["train"]["total_seconds"] == 75.0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("garbage\n", "línea 1: se esperaban las columnas"),
        (HISTORY + "2,garbage,0.5,1.0,0.5,1.0,nan,nan\n", "línea 3: could not convert"),
        (HISTORY + "2,1.0\n", "línea 3: número de valores distinto"),
    ],
)
def test_damaged_history_names_the_file_and_the_fix(tmp_path, text, problem):
    path = tmp_path / "results" / "train" / "SGD" / "raw" / "seed1" / "history.csv"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(history.ResultError) as caught:
        history.read(path)
    message = str(caught.value)
    assert f"{path} está dañado ({problem}" in message
    assert f"--forcerun {path.parent}/metrics.json" in message


def test_history_is_read_as_floats(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HISTORY + "2,nan,0.5,,0.5,1.0,nan,nan\n")
    rows = history.read(path)
    assert rows[0] == {
        "epoch": 1,
        "loss": 1.0,
        "accuracy": 0.5,
        "val_loss": 1.0,
        "val_accuracy": 0.5,
        "seconds": 1.0,
        "test_loss": 1.0,
        "test_accuracy": 0.5,
    }
    assert math.isnan(rows[1]["loss"]) and math.isnan(rows[1]["val_loss"])
    assert math.isnan(rows[1]["test_accuracy"])


def test_a_damaged_grid_history_names_its_optimizer_folder():
    path = summary.Path("results/lr_grid/raw/SGD/lr0.01/history.csv")
    assert history.rerun_target(path) == "results/lr_grid/raw/SGD"


def test_history_facts_pair_each_epoch_with_its_own_run(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "epoch,loss,accuracy,val_loss,val_accuracy,seconds,test_loss,test_accuracy\n"
        "1,63.2,0.1,2.31,0.11,1.0,2.3,0.1\n"
        "2,0.4,0.9,0.20,0.94,1.0,0.2,0.93\n"
        "3,0.2,0.95,0.35,0.95,1.0,nan,nan\n"
        "4,0.1,0.97,0.50,0.955,1.0,nan,nan\n"
    )
    assert summary.history_facts(path) == {
        "first_epoch_loss": 63.2,
        "final_loss": 0.1,
        "min_val_loss_epoch": 2,
        "min_val_loss": 0.20,
        "val_accuracy_at_min_val_loss": 0.94,
        "final_val_loss": 0.50,
        "final_val_accuracy": 0.955,
    }
    diverged = tmp_path / "diverged.csv"
    diverged.write_text(
        "epoch,loss,accuracy,val_loss,val_accuracy,seconds,test_loss,test_accuracy\n"
        "1,nan,0.1,nan,0.1,1.0,nan,nan\n"
    )
    facts = summary.history_facts(diverged)
    assert facts["first_epoch_loss"] is None and facts["min_val_loss_epoch"] is None


def test_training_entry_counts_predictions_and_labels():
    matrix = [[0] * 10 for _ in range(10)]
    matrix[3][1] = 5
    matrix[1][1] = 7
    metrics = {
        "optimizer_class": "SGD",
        "optimizer_args": {"learning_rate": 0.01},
        "epochs": 3,
        "batch_size": 50,
        "confusion_matrix": matrix,
        "class_entropy": 2.3,
        "dead_units": [40, 3, 0],
    }
    entry = summary.training_entry(metrics, "SGD", "raw", 1)
    assert entry["prediction_counts"] == [0, 12, 0, 0, 0, 0, 0, 0, 0, 0]
    assert entry["label_counts"] == [0, 7, 0, 5, 0, 0, 0, 0, 0, 0]
    assert entry["dead_units"] == [40, 3, 0] and entry["class_entropy"] == 2.3


def test_collapse_threshold_comes_from_the_caller(trainings):
    strict = {(g["optimizer"], g["variant"]): g for g in summary.aggregate(trainings, 0.995)}
    assert strict[("SGD", "raw")]["collapsed_runs"] == 1


def test_collapse_example_pairs_a_collapsed_run_with_a_healthy_one(trainings):
    groups = summary.aggregate(trainings, SHARE)
    example = summary.collapse_example(groups, trainings)
    assert (example["collapsed"]["optimizer"], example["collapsed"]["seed"]) == ("SGD", 1)
    assert example["healthy"]["variant"] == "scaled" and example["healthy"]["seed"] == 1
    healthy_only = [t for t in trainings if t["optimizer"] == "Adam"]
    assert summary.collapse_example(summary.aggregate(healthy_only, SHARE), healthy_only) is None


def grid_point(optimizer, rate, val, *, diverged=False, share=0.12):
    return {
        "optimizer": optimizer,
        "learning_rate": rate,
        "val_accuracy": val,
        "diverged": diverged,
        "majority_prediction_share": share,
    }


def test_grid_split_separates_learning_and_failing_rates():
    sgd = [
        grid_point("SGD", 0.001, 0.8),
        grid_point("SGD", 0.01, 0.11, share=1.0),
        grid_point("SGD", 0.1, None, diverged=True, share=0.5),
    ]
    split = summary.grid_split(sgd, 0.9)
    assert split["learns"] == [0.001] and split["fails"] == [0.01, 0.1]
    assert split["fails_from"] == 0.01  # every failing rate lies above every learning one
    assert split["best"]["learning_rate"] == 0.001
    # A failure below a learning rate is not a matter of a too-large rate.
    mixed = summary.grid_split([*sgd, grid_point("SGD", 0.0001, None, diverged=True)], 0.9)
    assert mixed["fails"] == [0.0001, 0.01, 0.1] and mixed["fails_from"] is None
    nothing = summary.grid_split([grid_point("SGD", 0.1, None, diverged=True)], 0.9)
    assert nothing == {"learns": [], "fails": [0.1], "fails_from": None, "best": None}


def test_collapse_cause_needs_two_methods_failing_above_a_rate_on_the_collapsed_input(
    trainings,
):
    groups = summary.aggregate(trainings, SHARE)  # SGD collapses with the raw input
    lr = [
        grid_point("SGD", 0.001, 0.8),
        grid_point("SGD", 0.01, 0.11, share=1.0),
        grid_point("Adam", 0.001, 0.9),
        grid_point("Adam", 0.1, None, diverged=True),
        grid_point("Adagrad", 0.001, 0.7),
        grid_point("Adagrad", 0.1, 0.85),
    ]
    classes = {"SGD": "SGD", "Adam": "Adam", "Adagrad": "Adagrad"}
    found = summary.collapse_cause(groups, lr, SHARE, "raw", classes)
    assert found["configurations"] == [{"optimizer": "SGD", "variant": "raw"}]
    assert found["grid_variant"] == "raw" and found["classes"] == classes
    assert found["methods_with_threshold"] == ["SGD", "Adam"]
    assert found["grid"]["SGD"]["fails_from"] == 0.01
    assert (
        found["grid"]["Adagrad"]["fails"] == [] and found["grid"]["Adagrad"]["fails_from"] is None
    )
    assert found["cause"] == "rate_for_scale"
    # The grid ran on another input: it says nothing about this collapse's cause.
    assert summary.collapse_cause(groups, lr, SHARE, "scaled", classes)["cause"] is None
    assert summary.collapse_cause(groups, lr, SHARE, None, classes)["cause"] is None
    # One method alone failing above a rate could be the method, not the rate.
    one = [e for e in lr if e["optimizer"] != "Adam"]
    alone = summary.collapse_cause(groups, one, SHARE, "raw", {})
    assert alone["methods_with_threshold"] == ["SGD"] and alone["cause"] is None
    assert alone["classes"] == {"SGD": None, "Adagrad": None}
    # Nothing collapsed: no cause to look for.
    healthy = [g for g in groups if not g["collapsed_runs"]]
    assert summary.collapse_cause(healthy, lr, SHARE, "raw", classes) is None


def test_findings_pass_the_grid_input_to_the_collapse_cause(trainings):
    groups = summary.aggregate(trainings, SHARE)
    lr = [
        grid_point("SGD", 0.001, 0.8),
        grid_point("SGD", 0.01, 0.11, share=1.0),
        grid_point("Adam", 0.001, 0.9),
        grid_point("Adam", 0.1, None, diverged=True),
    ]
    rates = {"SGD": 0.01, "Adam": 0.001}
    found = summary.findings(groups, lr, rates, FINDINGS, "raw", {"SGD": "SGD"})
    assert found["collapse_cause"]["cause"] == "rate_for_scale"
    assert found["collapse_cause"]["classes"] == {"SGD": "SGD", "Adam": None}
    assert summary.findings(groups, lr, rates, FINDINGS)["collapse_cause"]["cause"] is None


def test_path_extent_ignores_non_finite_values():
    assert summary.path_extent([-2.0, 1.0, 2.586, math.nan, None]) == {
        "x_min": -2.0,
        "x_max": 2.586,
    }
    assert summary.path_extent([math.nan]) == {"x_min": None, "x_max": None}


def test_diverged_runs_are_neither_collapsed_nor_in_the_test_statistics():
    runs = [
        entry("SGD", "raw", 1, 0.098, reached=False, diverged=True, share=1.0),
        entry("SGD", "raw", 2, 0.098, reached=False, diverged=True, share=1.0),
        entry("Adam", "raw", 1, 0.95),
    ]
    for run in runs[:2]:
        run.update(test_loss=None, best_val_accuracy=None, best_epoch=None)
    groups = summary.aggregate(runs, SHARE)
    sgd = groups[0]
    assert sgd["diverged_runs"] == 2 and sgd["collapsed_runs"] == 0
    assert sgd["test_accuracy"] is None and sgd["test_loss"] is None
    assert sgd["best_val_accuracy"] is None and sgd["best_epoch"] is None
    found = summary.findings(
        groups,
        [{"optimizer": "SGD", "learning_rate": 0.01, "val_accuracy": None}],
        {"SGD": 50.0, "Adam": 0.001},
        FINDINGS,
    )
    raw = found["ranking"]["raw"]
    assert raw["order"] == ["Adam"] and raw["leaders"] == ["Adam"]
    assert raw["failed"] == {"collapsed": [], "diverged": ["SGD"], "missing": []}
    assert found["collapse_cause"] is None  # diverging is not collapsing
    assert found["rule"]["seed_counts"] == [1]  # the diverged group has no statistics
    assert found["never_reached_target"] == [{"optimizer": "SGD", "variant": "raw"}]


def test_a_run_without_a_majority_share_is_not_collapsed():
    run = entry("Adam", "raw", 1, 0.9)
    run["majority_prediction_share"] = None
    assert not collapsed(run, SHARE)
    assert summary.aggregate([run], SHARE)[0]["collapsed_runs"] == 0


def test_scaling_effect_follows_the_one_rule():
    """A gain counts only when every seed beats every seed and the medians differ by the tie."""
    accuracies = {
        ("Adam", "raw"): (0.9558, 0.9584, 0.9624),
        ("Adam", "scaled"): (0.9677, 0.9684, 0.9690),  # apart, medians 0.0100 apart
        ("RMSprop", "raw"): (0.950, 0.956, 0.960),
        ("RMSprop", "scaled"): (0.958, 0.966, 0.970),  # overlapping ranges
        ("Adagrad", "raw"): (0.93, 0.94, 0.95),
        ("Adagrad", "scaled"): (0.90, 0.91, 0.92),  # every scaled seed below
        ("Nadam", "raw"): (0.950, 0.951, 0.952),
        ("Nadam", "scaled"): (0.953, 0.954, 0.955),  # apart, but medians only 0.0030 apart
    }
    runs = [
        entry(optimizer, variant, seed, accuracy)
        for (optimizer, variant), values in accuracies.items()
        for seed, accuracy in enumerate(values, start=1)
    ]
    # SGD collapses with both inputs: its accuracies say nothing about the scaling.
    runs += [
        entry("SGD", v, seed, 0.1135, share=1.0) for v in ("raw", "scaled") for seed in (1, 2, 3)
    ]
    # Two seeds per input: no verdict, however far apart.
    runs += [entry("Adamax", "raw", seed, 0.80 + seed / 100) for seed in (1, 2)]
    runs += [entry("Adamax", "scaled", seed, 0.95 + seed / 100) for seed in (1, 2)]
    rates = dict.fromkeys(("Adam", "RMSprop", "Adagrad", "Nadam", "SGD", "Adamax"), 0.001)
    scaling = summary.findings(summary.aggregate(runs, SHARE), [], rates, FINDINGS)["scaling"]
    assert {name: found["effect"] for name, found in scaling.items()} == {
        "Adam": "improves",
        "RMSprop": "unclear",
        "Adagrad": "worsens",
        "Nadam": "unclear",
        "SGD": "both_fail",
        "Adamax": "too_few",
    }
    assert scaling["Adam"]["gap"] == 0.01 and scaling["Adagrad"]["gap"] == -0.03
    assert scaling["Nadam"]["gap"] == 0.003
    assert scaling["SGD"] == {
        "effect": "both_fail",
        "gap": 0.0,
        "raw_learns": False,
        "scaled_learns": False,
    }


def test_fastest_to_target_looks_at_every_chapter():
    def group(optimizer, variant, seeds, reached, epochs):
        return {
            "optimizer": optimizer,
            "variant": variant,
            "seeds": seeds,
            "reached_target_runs": reached,
            "epochs_to_target": {"median": epochs} if reached else None,
        }

    groups = [
        group("Adam", "scaled", [1, 2, 3], 3, 4),
        group("SGD", "scaled", [1, 2, 3], 2, 1),  # not every seed reaches it
    ]

    def fair(optimizer, same_runs, reached, runs, epochs, rate=0.003):
        return {
            "optimizer": optimizer,
            "variant": "scaled",
            "same_runs": same_runs,
            "choice": {"learning_rate": rate},
            "tuned": {
                "reached_target_runs": reached,
                "runs": runs,
                "epochs_to_target": {"median": epochs},
            },
        }

    fair_rows = [
        fair("RMSprop", False, 3, 3, 3),
        fair("Adam", True, 3, 3, 1),  # the main trainings themselves: not a new candidate
        {"optimizer": "Nadam", "variant": "scaled", "same_runs": False, "tuned": None},
    ]
    invitation = {
        "settings": {"variant": "scaled"},
        "configurations": {
            "Adam_batch10": {
                "optimizer": "Adam",
                "batch_size": 10,
                "args": {},
                "seeds": [1, 2],
                "reached_target": 2,
                "epochs_to_target": {"median": 3},
            },
            "SGD": {
                "optimizer": "SGD",
                "batch_size": None,
                "args": {},
                "seeds": [1, 2],
                "reached_target": 0,
                "epochs_to_target": None,
            },
        },
    }
    fastest = summary.fastest_to_target(groups, fair_rows, invitation)
    assert fastest == {
        "epochs": 3,
        "configurations": [
            {
                "source": "tuned",
                "optimizer": "RMSprop",
                "variant": "scaled",
                "learning_rate": 0.003,
                "epochs": 3,
            },
            {
                "source": "invitation",
                "optimizer": "Adam",
                "variant": "scaled",
                "batch_size": 10,
                "args": {},
                "epochs": 3,
            },
        ],
    }
    main_only = summary.fastest_to_target(groups, [], {})
    assert main_only == {
        "epochs": 4,
        "configurations": [
            {"source": "main", "optimizer": "Adam", "variant": "scaled", "epochs": 4}
        ],
    }
    assert summary.fastest_to_target(groups[1:], [], {"configurations": None}) is None


def test_history_facts_from_rows_match_the_file_and_handle_no_rows(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "epoch,loss,accuracy,val_loss,val_accuracy,seconds,test_loss,test_accuracy\n"
        "1,2.0,0.5,0.9,0.7,1.0,0.9,0.7\n"
        "2,0.5,0.9,0.3,0.92,1.0,0.3,0.91\n"
        "3,0.4,0.92,0.4,0.93,1.0,nan,nan\n"
    )
    facts = summary.history_facts_from_rows(history.read(path))
    assert facts == summary.history_facts(path)
    assert facts["min_val_loss_epoch"] == 2 and facts["val_accuracy_at_min_val_loss"] == 0.92
    assert facts["final_val_loss"] == 0.4 and facts["final_val_accuracy"] == 0.93
    assert summary.history_facts_from_rows([]) == {
        "first_epoch_loss": None,
        "final_loss": None,
        "min_val_loss_epoch": None,
        "min_val_loss": None,
        "val_accuracy_at_min_val_loss": None,
        "final_val_loss": None,
        "final_val_accuracy": None,
    }
