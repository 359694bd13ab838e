"""``results/summary.json``: every number the report states, computed once from rule outputs."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path

from optireport.analysis import compare
from optireport.analysis.stats import collapsed, finite, learns, spread
from optireport.store import atomic, history

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
    "class_entropy",
    "dead_units",
    "interrupted_seconds",
)

PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "snakemake", "jinja2", "typst")


def training_entry(metrics: Mapping, optimizer: str, variant: str, seed: int) -> dict:
    """One ``trainings`` record: the job's identity, its settings and its measured results."""
    entry = {"optimizer": optimizer, "variant": variant, "seed": seed}
    entry["optimizer_class"] = metrics["optimizer_class"]
    entry["learning_rate"] = metrics["optimizer_args"].get("learning_rate")
    entry["epochs"] = metrics["epochs"]
    entry["batch_size"] = metrics["batch_size"]
    entry.update({field: metrics.get(field) for field in TRAINING_FIELDS})
    matrix = metrics.get("confusion_matrix")
    # How many test images the network assigned to each digit (columns of the matrix).
    entry["prediction_counts"] = (
        [sum(column) for column in zip(*matrix, strict=True)] if matrix else None
    )
    # How many test images show each digit (rows of the matrix).
    entry["label_counts"] = [sum(row) for row in matrix] if matrix else None
    return entry


def history_facts(history_path) -> dict:
    """What a training history shows beyond its final numbers, for one run.

    The first epoch's training loss (where an exploding run shows), and the lowest validation
    loss, its epoch and the final validation loss (a rise after the lowest is overfitting).
    Non-finite losses (a diverged run) are left out; every value is None without data.
    """
    return history_facts_from_rows(history.read(history_path))


def history_facts_from_rows(rows: list[dict]) -> dict:
    """``history_facts`` of a history already read (its rows, epoch by epoch)."""
    losses = [(row["epoch"], row["val_loss"]) for row in rows]
    kept = [(epoch, loss) for epoch, loss in losses if math.isfinite(loss)]
    best = min(kept, key=lambda pair: pair[1], default=(None, None))
    first = rows[0]["loss"] if rows else math.nan
    return {
        "first_epoch_loss": finite(first),
        "final_loss": finite(rows[-1]["loss"]) if rows else None,
        "min_val_loss_epoch": best[0],
        "min_val_loss": best[1],
        "val_accuracy_at_min_val_loss": (
            rows[best[0] - 1]["val_accuracy"] if best[0] is not None else None
        ),
        "final_val_loss": finite(losses[-1][1]) if losses else None,
        "final_val_accuracy": finite(rows[-1]["val_accuracy"]) if rows else None,
    }


def path_extent(xs: Iterable[float | None]) -> dict:
    """Smallest and largest finite x a gradient-descent path visited (None if none)."""
    visited = [x for x in xs if finite(x) is not None]
    return {"x_min": min(visited, default=None), "x_max": max(visited, default=None)}


def aggregate(trainings: list[dict], collapse_share: float) -> list[dict]:
    """Median and range over seeds for every (optimizer, variant) pair, in config order.

    A diverged run's test figures come from non-finite weights: they are left out of the
    statistics (a group whose every run diverged has ``None`` there) and counted apart.
    Statistics that pair two quantities of one run (an epoch and its value) are never taken
    as medians: the ``per_seed`` list keeps them run by run.
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
                "epochs": max(r["epochs"] for r in runs),
                "diverged_runs": len(runs) - len(finite),
                "collapsed_runs": sum(collapsed(r, collapse_share) for r in runs),
                "collapsed": [
                    {
                        "seed": r["seed"],
                        "test_accuracy": r["test_accuracy"],
                        "digit": r["majority_prediction"],
                        "share": r["majority_prediction_share"],
                        "label_share": r["majority_prediction_label_share"],
                        **{
                            key: r.get(key)
                            for key in (
                                "first_epoch_loss",
                                "final_loss",
                                "class_entropy",
                                "dead_units",
                            )
                        },
                    }
                    for r in runs
                    if collapsed(r, collapse_share)
                ],
                "per_seed": [
                    {
                        key: r.get(key)
                        for key in (
                            "seed",
                            "test_accuracy",
                            "min_val_loss_epoch",
                            "min_val_loss",
                            "val_accuracy_at_min_val_loss",
                            "final_val_loss",
                            "final_val_accuracy",
                            "epochs_completed",
                        )
                    }
                    for r in runs
                ],
                "reached_target_runs": len(reached),
                **{
                    field: spread(r[field] for r in finite)
                    for field in ("test_accuracy", "test_loss")
                },
                # Records built without their history (the fair comparison's) lack the
                # validation-loss facts: those statistics are then None, not an error.
                **{
                    field: spread(r.get(field) for r in runs)
                    for field in (
                        "best_val_accuracy",
                        "best_epoch",
                        "train_seconds",
                        "min_val_loss",
                        "final_val_loss",
                    )
                },
                "time_to_target_seconds": spread(r["time_to_target_seconds"] for r in reached),
                "epochs_to_target": spread(r["epochs_to_target"] for r in reached),
            }
        )
    return rows


def read_lr_grid(directory, optimizer: str, points: Iterable[str]) -> list[dict]:
    """One optimizer's grid on one input (``results/lr_grid/<variant>/<optimizer>``): one
    entry per point directory in ``points``, in that order."""
    return [
        lr_grid_entry(
            atomic.read_json(Path(directory) / point / "metrics.json"),
            optimizer,
            Path(directory) / point / history.FILENAME,
        )
        for point in points
    ]


def lr_grid_entry(metrics: Mapping, optimizer: str, history_path) -> dict:
    """One grid point: its rate, final validation accuracy and state."""
    rows = history.read(history_path)
    final = rows[-1]["val_accuracy"] if rows else math.nan
    return {
        "optimizer": optimizer,
        "learning_rate": metrics["optimizer_args"]["learning_rate"],
        "epochs": metrics["epochs"],
        "val_accuracy": None if math.isnan(final) else final,
        "best_val_accuracy": metrics.get("best_val_accuracy"),
        "diverged": metrics.get("diverged"),
        "majority_prediction_share": metrics.get("majority_prediction_share"),
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


def ranking(groups: Sequence[Mapping], tie: float) -> dict:
    """The ranking claim for one input: who leads as far as the rule allows, every pair's
    verdict, and the configurations left out because no seed learned (by why)."""
    learners = [g for g in groups if learns(g)]
    stats = {g["optimizer"]: g["test_accuracy"] for g in learners}
    found = compare.leaders(stats, tie)
    found["pairs"] = compare.pairs(list(stats), stats, tie)
    failed = [g for g in groups if not learns(g)]
    found["failed"] = {
        "collapsed": [g["optimizer"] for g in failed if g["collapsed_runs"]],
        "diverged": [
            g["optimizer"] for g in failed if g["diverged_runs"] and not g["collapsed_runs"]
        ],
        "missing": [
            g["optimizer"] for g in failed if not g["diverged_runs"] and not g["collapsed_runs"]
        ],
    }
    return found


def scaling(raw: Mapping, scaled: Mapping, tie: float) -> dict:
    """What scaling the input does to one optimizer's test accuracy, by the one rule.

    ``both_fail`` when no seed learns with either input (their accuracies compare two
    networks that learned nothing); otherwise the rule's verdict, scaled against raw:
    ``improves``, ``worsens``, ``unclear`` or ``too_few``.
    """
    found = compare.comparison(scaled["test_accuracy"], raw["test_accuracy"], tie)
    if not learns(raw) and not learns(scaled):
        effect = "both_fail"
    else:
        effect = {
            compare.AHEAD: "improves",
            compare.BEHIND: "worsens",
        }.get(found["verdict"], found["verdict"])
    return {
        "effect": effect,
        "gap": found["gap"],
        "raw_learns": learns(raw),
        "scaled_learns": learns(scaled),
    }


def findings(
    groups: list[dict],
    lr_grid: list[dict],
    configured_rates: Mapping[str, float],
    thresholds: Mapping,
    grid_variant: str | None = None,
    classes: Mapping[str, str] | None = None,
) -> dict:
    """Every comparison and cause the text states, decided once: the report's claims.

    ``configured_rates`` maps each optimizer to the learning rate of its main trainings;
    ``thresholds`` is the config's ``findings`` block; ``grid_variant`` is the input of the
    learning-rate grid in ``lr_grid`` and ``classes`` maps optimizers to Keras classes (both
    feed the collapse's cause).
    """
    tie = thresholds["tie"]
    variants = list(dict.fromkeys(row["variant"] for row in groups))
    by_key = {(row["optimizer"], row["variant"]): row for row in groups}
    n_seeds = sorted({g["test_accuracy"]["n"] for g in groups if g["test_accuracy"]})
    # First to target: fewest median epochs among configurations that reach it with every seed.
    # Epochs, unlike seconds, do not depend on how busy the machine was; ties stay ties.
    always_reached = [row for row in groups if row["reached_target_runs"] == len(row["seeds"])]
    fewest = min((row["epochs_to_target"]["median"] for row in always_reached), default=None)
    first = [row for row in always_reached if row["epochs_to_target"]["median"] == fewest]
    best_rates = {}
    for optimizer in dict.fromkeys(entry["optimizer"] for entry in lr_grid):
        entries = [entry for entry in lr_grid if entry["optimizer"] == optimizer]
        best = max(entries, key=lambda e: -1.0 if e["val_accuracy"] is None else e["val_accuracy"])
        best_rates[optimizer] = {k: best[k] for k in ("learning_rate", "val_accuracy")}
        best_rates[optimizer]["ratio_to_configured"] = (
            best["learning_rate"] / configured_rates[optimizer]
        )
    return {
        # The rule's own figures, for the sentence that states it once.
        "rule": {
            "tie": tie,
            "chance": compare.CHANCE,
            "seed_counts": n_seeds,
            "chance_at": {str(n): compare.chance(n, n) for n in n_seeds},
            "can_rank": any(compare.seeds_allow(n, n) for n in n_seeds),
            "seeds_needed": compare.smallest_seed_count(),
        },
        "ranking": {
            variant: ranking([g for g in groups if g["variant"] == variant], tie)
            for variant in variants
        },
        "scaling": {
            optimizer: scaling(by_key[(optimizer, "raw")], by_key[(optimizer, "scaled")], tie)
            for optimizer, variant in by_key
            if variant == "raw" and (optimizer, "scaled") in by_key
        },
        "collapse_cause": collapse_cause(
            groups, lr_grid, thresholds["collapse_share"], grid_variant, classes or {}
        ),
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


def fastest_to_target(
    groups: Sequence[Mapping], fair_rows: Sequence[Mapping], invitation: Mapping
) -> dict | None:
    """The fewest median epochs to the target among every configuration of the report.

    Candidates reach the target with every seed: the main trainings, the trainings at a tuned
    rate (those that differ from the main ones) and the invitation's experiments. Epochs do not
    depend on how busy the machine was; configurations with the same median all count.
    """
    candidates = [
        {
            "source": "main",
            "optimizer": g["optimizer"],
            "variant": g["variant"],
            "epochs": g["epochs_to_target"]["median"],
        }
        for g in groups
        if g["seeds"] and g["reached_target_runs"] == len(g["seeds"])
    ]
    for row in fair_rows:
        tuned = row["tuned"]
        if tuned and not row["same_runs"] and tuned["reached_target_runs"] == tuned["runs"]:
            candidates.append(
                {
                    "source": "tuned",
                    "optimizer": row["optimizer"],
                    "variant": row["variant"],
                    "learning_rate": row["choice"]["learning_rate"],
                    "epochs": tuned["epochs_to_target"]["median"],
                }
            )
    variant = (invitation.get("settings") or {}).get("variant")
    for configuration in (invitation.get("configurations") or {}).values():
        seeds = configuration["seeds"]
        if seeds and configuration["reached_target"] == len(seeds):
            candidates.append(
                {
                    "source": "invitation",
                    "optimizer": configuration["optimizer"],
                    "variant": variant,
                    "batch_size": configuration["batch_size"],
                    "args": configuration["args"],
                    "epochs": configuration["epochs_to_target"]["median"],
                }
            )
    if not candidates:
        return None
    fewest = min(c["epochs"] for c in candidates)
    return {"epochs": fewest, "configurations": [c for c in candidates if c["epochs"] == fewest]}


def grid_split(entries: Sequence[Mapping], collapse_share: float) -> dict:
    """One optimizer's grid, split into the rates at which it learns and those at which it
    collapses or diverges; ``fails_from`` is the smallest failing rate when every failing
    rate lies above every learning one (the failure is a matter of a too-large rate)."""
    learned = [
        e
        for e in entries
        if not e.get("diverged")
        and e["val_accuracy"] is not None
        and (e.get("majority_prediction_share") or 0.0) < collapse_share
    ]
    learns_at = sorted(e["learning_rate"] for e in learned)
    fails_at = sorted(e["learning_rate"] for e in entries if e not in learned)
    above = bool(learns_at and fails_at and min(fails_at) > max(learns_at))
    return {
        "learns": learns_at,
        "fails": fails_at,
        "fails_from": min(fails_at) if above else None,
        "best": max(learned, key=lambda e: e["val_accuracy"], default=None),
    }


def collapse_cause(
    groups: Sequence[Mapping],
    lr_grid: Sequence[Mapping],
    collapse_share: float,
    grid_variant: str | None,
    classes: Mapping[str, str],
) -> dict | None:
    """Why configurations collapse, as far as the learning-rate grid shows it.

    None when nothing collapsed. ``grid`` splits each optimizer's grid (run on the input
    ``grid_variant``); the cause ``rate_for_scale`` (a step too long for the input's scale) is
    supported when the grid shares the collapsed input and at least two methods learn at
    small rates and fail only at large ones, so the failure follows the rate, not the method.
    """
    collapsed_groups = [g for g in groups if g["collapsed_runs"]]
    if not collapsed_groups:
        return None
    names = list(dict.fromkeys(e["optimizer"] for e in lr_grid))
    split = {
        name: grid_split([e for e in lr_grid if e["optimizer"] == name], collapse_share)
        for name in names
    }
    same_input = grid_variant is not None and any(
        g["variant"] == grid_variant for g in collapsed_groups
    )
    thresholded = [name for name in names if split[name]["fails_from"] is not None]
    return {
        "configurations": [
            {"optimizer": g["optimizer"], "variant": g["variant"]} for g in collapsed_groups
        ],
        "grid_variant": grid_variant,
        "grid": split,
        "classes": {name: classes.get(name) for name in names},
        "methods_with_threshold": thresholded,
        "cause": "rate_for_scale" if same_input and len(thresholded) >= 2 else None,
    }


def collapse_example(groups: list[dict], trainings: list[dict]) -> dict | None:
    """The run the report shows to explain a collapse, and a healthy run to set beside it.

    The first collapsed seed of the first configuration with a collapse (config order); beside
    it, the same optimizer and seed with the other input, when that one did not collapse.
    None when nothing collapsed.
    """
    group = next((g for g in groups if g["collapsed"]), None)
    if group is None:
        return None
    seed = group["collapsed"][0]["seed"]
    collapsed_seeds = {
        (g["optimizer"], g["variant"], c["seed"]) for g in groups for c in g["collapsed"]
    }
    runs = {(t["optimizer"], t["variant"], t["seed"]): t for t in trainings}
    healthy = next(
        (
            key
            for key in runs
            if key[0] == group["optimizer"]
            and key[1] != group["variant"]
            and key[2] == seed
            and key not in collapsed_seeds
            and not runs[key]["diverged"]
        ),
        None,
    )
    return {
        "collapsed": runs[(group["optimizer"], group["variant"], seed)],
        "healthy": runs[healthy] if healthy else None,
    }


def rule_times(paths: Iterable[str], earlier: Mapping[str, float] | None = None) -> list[dict]:
    """Total and mean wall time per rule; files are named ``benchmarks/<rule>[/...].tsv``.

    A benchmark file covers only a job's last attempt; ``earlier`` adds, per file, the
    seconds its interrupted attempts had spent (a resumed training records them).
    """
    earlier = earlier or {}
    seconds: dict[str, list[float]] = {}
    for path in paths:
        rule = Path(path).relative_to("benchmarks").parts[0].removesuffix(".tsv")
        seconds.setdefault(rule, []).append(read_benchmark(path) + earlier.get(path, 0.0))
    return [
        {
            "rule": rule,
            "jobs": len(values),
            "total_seconds": sum(values),
            "mean_seconds": sum(values) / len(values),
        }
        for rule, values in seconds.items()
    ]
