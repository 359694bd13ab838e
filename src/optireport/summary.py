"""``results/summary.json``: every number the report states, computed once from rule outputs."""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

TRAINING_FIELDS = (
    "test_accuracy",
    "test_loss",
    "best_val_accuracy",
    "best_epoch",
    "train_seconds",
    "epochs_completed",
    "time_to_target_seconds",
    "epochs_to_target",
    "diverged",
    "majority_prediction",
    "majority_prediction_share",
    "majority_prediction_label_share",
)

# A training "collapsed" when it predicts one digit for at least this share of the test set.
COLLAPSE_SHARE = 0.9

PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "snakemake", "jinja2", "typst")


def read_json(path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def training_entry(metrics: Mapping, optimizer: str, variant: str, seed: int) -> dict:
    """One ``trainings`` record: the job's identity, its settings and its measured results."""
    entry = {"optimizer": optimizer, "variant": variant, "seed": seed}
    entry["optimizer_class"] = metrics["optimizer_class"]
    entry["learning_rate"] = metrics["optimizer_args"].get("learning_rate")
    entry["epochs"] = metrics["epochs"]
    entry["batch_size"] = metrics["batch_size"]
    entry.update({field: metrics.get(field) for field in TRAINING_FIELDS})
    return entry


def _stats(values: Iterable[float | None]) -> dict | None:
    numbers = [v for v in values if v is not None and not math.isnan(v)]
    if not numbers:
        return None
    return {
        "median": statistics.median(numbers),
        "min": min(numbers),
        "max": max(numbers),
        "n": len(numbers),
    }


def collapsed(run: Mapping) -> bool:
    """A run that did not diverge but answers (almost) one digit for every test image."""
    share = run.get("majority_prediction_share")
    return not run.get("diverged") and share is not None and share >= COLLAPSE_SHARE


def aggregate(trainings: list[dict]) -> list[dict]:
    """Median and range over seeds for every (optimizer, variant) pair, in config order.

    A diverged run's test figures come from non-finite weights: they are left out of the
    statistics (a group whose every run diverged has ``None`` there) and counted apart.
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for entry in trainings:
        groups.setdefault((entry["optimizer"], entry["variant"]), []).append(entry)
    rows = []
    for (optimizer, variant), runs in groups.items():
        reached = [r for r in runs if r["epochs_to_target"] is not None]
        finite = [r for r in runs if not r["diverged"]]
        rows.append(
            {
                "optimizer": optimizer,
                "variant": variant,
                "seeds": [r["seed"] for r in runs],
                "diverged_runs": len(runs) - len(finite),
                "collapsed_runs": sum(collapsed(r) for r in runs),
                "collapsed": [
                    {
                        "seed": r["seed"],
                        "digit": r["majority_prediction"],
                        "label_share": r["majority_prediction_label_share"],
                    }
                    for r in runs
                    if collapsed(r)
                ],
                "reached_target_runs": len(reached),
                **{
                    field: _stats(r[field] for r in finite)
                    for field in ("test_accuracy", "test_loss")
                },
                **{
                    field: _stats(r[field] for r in runs)
                    for field in ("best_val_accuracy", "best_epoch", "train_seconds")
                },
                "time_to_target_seconds": _stats(r["time_to_target_seconds"] for r in reached),
                "epochs_to_target": _stats(r["epochs_to_target"] for r in reached),
            }
        )
    return rows


def lr_entry(metrics: Mapping, optimizer: str, history_path) -> dict:
    with open(history_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    final = float(rows[-1]["val_accuracy"]) if rows else math.nan
    return {
        "optimizer": optimizer,
        "learning_rate": metrics["optimizer_args"]["learning_rate"],
        "epochs": metrics["epochs"],
        "val_accuracy": None if math.isnan(final) else final,
        "best_val_accuracy": metrics.get("best_val_accuracy"),
        "diverged": metrics.get("diverged"),
    }


def read_benchmark(path) -> float:
    """Wall-clock seconds recorded by a Snakemake ``benchmark:`` file."""
    with open(path, newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle, delimiter="\t"))
    return float(row["s"])


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "no instalado"
    return versions


def write_json(data: Mapping, path) -> None:
    """Write JSON atomically; NaN is not valid JSON, so callers must pass None instead."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False), "utf-8")
    partial.replace(path)


def findings(
    groups: list[dict], lr_sensitivity: list[dict], configured_rates: Mapping[str, float]
) -> dict:
    """The comparisons the text states: rankings, first to target, best learning rates.

    ``configured_rates`` maps each optimizer to the learning rate of its main trainings.
    """

    def median(row: dict, field: str) -> float:
        stats = row[field]
        return stats["median"] if stats else float("-inf")

    # Ranked: configurations with a test accuracy; unranked: every run diverged.
    rankings, unranked, lead_within_spread = {}, {}, {}
    for variant in dict.fromkeys(row["variant"] for row in groups):
        rows = [row for row in groups if row["variant"] == variant]
        ranked = sorted(
            (row for row in rows if row["test_accuracy"]),
            key=lambda r: median(r, "test_accuracy"),
            reverse=True,
        )
        rankings[variant] = [row["optimizer"] for row in ranked]
        unranked[variant] = [row["optimizer"] for row in rows if not row["test_accuracy"]]
        # The leader's worst seed is no better than the runner-up's best: no clear winner.
        lead_within_spread[variant] = len(ranked) > 1 and (
            ranked[0]["test_accuracy"]["min"] <= ranked[1]["test_accuracy"]["max"]
        )
    # First to target: fewest median epochs among configurations that reach it with every seed.
    # Epochs, unlike seconds, do not depend on how busy the machine was; ties stay ties.
    always_reached = [row for row in groups if row["reached_target_runs"] == len(row["seeds"])]
    fewest = min((row["epochs_to_target"]["median"] for row in always_reached), default=None)
    first = sorted(
        (row for row in always_reached if row["epochs_to_target"]["median"] == fewest),
        key=lambda row: row["time_to_target_seconds"]["median"],
    )
    best_rates = {}
    for optimizer in dict.fromkeys(entry["optimizer"] for entry in lr_sensitivity):
        entries = [entry for entry in lr_sensitivity if entry["optimizer"] == optimizer]
        best = max(entries, key=lambda e: -1.0 if e["val_accuracy"] is None else e["val_accuracy"])
        best_rates[optimizer] = {k: best[k] for k in ("learning_rate", "val_accuracy")}
        best_rates[optimizer]["ratio_to_configured"] = (
            best["learning_rate"] / configured_rates[optimizer]
        )
    medians = {
        (row["optimizer"], row["variant"]): row["test_accuracy"]["median"]
        for row in groups
        if row["test_accuracy"]
    }
    scaling_gain = {
        optimizer: medians[(optimizer, "scaled")] - medians[(optimizer, "raw")]
        for optimizer, variant in medians
        if variant == "raw" and (optimizer, "scaled") in medians
    }
    # Differences in test accuracy below this are treated as no change.
    noise = 0.01
    scaling_effect = {
        "improves": [name for name, gain in scaling_gain.items() if gain >= noise],
        "unchanged": [name for name, gain in scaling_gain.items() if abs(gain) < noise],
        "worsens": [name for name, gain in scaling_gain.items() if gain <= -noise],
        "threshold": noise,
    }
    return {
        "rankings": rankings,
        "unranked": unranked,
        "lead_within_spread": lead_within_spread,
        "scaling_effect": scaling_effect,
        "scaling_gain": scaling_gain,
        "first_to_target": (
            {
                "epochs": fewest,
                "configurations": [
                    {"optimizer": row["optimizer"], "variant": row["variant"]} for row in first
                ],
            }
            if first
            else None
        ),
        "never_reached_target": [
            {"optimizer": row["optimizer"], "variant": row["variant"]}
            for row in groups
            if row["reached_target_runs"] == 0
        ],
        "best_learning_rates": best_rates,
        # Optimizers whose best grid rate is at least ten times their configured rate.
        "configured_rate_too_small": [
            name for name, best in best_rates.items() if best["ratio_to_configured"] > 9.99
        ],
    }


def rule_times(paths: Iterable[str]) -> list[dict]:
    """Total and mean wall time per rule; files are named ``benchmarks/<rule>[/...].tsv``."""
    seconds: dict[str, list[float]] = {}
    for path in paths:
        rule = Path(path).relative_to("benchmarks").parts[0].removesuffix(".tsv")
        seconds.setdefault(rule, []).append(read_benchmark(path))
    return [
        {
            "rule": rule,
            "jobs": len(values),
            "total_seconds": sum(values),
            "mean_seconds": sum(values) / len(values),
        }
        for rule, values in seconds.items()
    ]
