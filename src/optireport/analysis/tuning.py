"""A fair comparison: every optimizer at the learning rate that its own grid chose.

Optimizer benchmarks (DeepOBS, AlgoPerf) tune each optimizer on validation data with the same
budget, then report test results over several seeds. Here the budget is the learning-rate grid
of the ``lr_grid`` rule (the same number of points, epochs and seed for every optimizer and input
variant); the chosen rate is the grid point with the highest final validation accuracy (the
test set is never looked at); the tuned trainings repeat the main ones at that rate.

The rules that decide the report's wording live here, each in one small function:
``choose_rate`` (which point, by what margin, and whether it sits on the grid's edge),
``tuning_effect`` (the one comparison rule, tuned against configured), ``still_improving`` and
``gap_changes`` (which gaps to the leaders vanish, remain or appear once every optimizer is
tuned); who leads is ``optireport.analysis.compare.leaders``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from optireport.analysis import compare as rules
from optireport.analysis.summary import aggregate
from optireport.config import jobs

# A run whose best validation epoch falls in the last fifth of its epochs is still improving.
STILL_IMPROVING_SHARE = 0.2


def choose_rate(points: Sequence[Mapping]) -> dict:
    """The grid point with the highest final validation accuracy, and where it sits.

    ``points`` are one optimizer's grid on one input variant: ``learning_rate``,
    ``val_accuracy`` (final epoch; None when the run diverged or is missing) and ``diverged``.
    Ties go to the smaller rate. ``edge`` is ``"low"``/``"high"`` when the chosen rate is the
    grid's smallest/largest point (a better rate may lie outside the grid), else None.
    ``learning_rate`` is None when no point is usable.
    """
    grid = sorted(float(p["learning_rate"]) for p in points)
    usable = [
        p
        for p in points
        if not p.get("diverged")
        and p.get("val_accuracy") is not None
        and math.isfinite(p["val_accuracy"])
    ]
    result = {
        "grid": grid,
        "usable_points": len(usable),
        "learning_rate": None,
        "val_accuracy": None,
        "edge": None,
        "runner_up_rate": None,
        "margin": None,
    }
    if not usable:
        return result
    ranked = sorted(usable, key=lambda p: (p["val_accuracy"], -float(p["learning_rate"])))
    best = ranked[-1]
    rate = float(best["learning_rate"])
    result["learning_rate"] = rate
    result["val_accuracy"] = best["val_accuracy"]
    # The selection margin: how far the chosen point is above the next best one.
    if len(ranked) > 1:
        result["runner_up_rate"] = float(ranked[-2]["learning_rate"])
        result["margin"] = best["val_accuracy"] - ranked[-2]["val_accuracy"]
    if len(grid) > 1 and rate == grid[0]:
        result["edge"] = "low"
    elif len(grid) > 1 and rate == grid[-1]:
        result["edge"] = "high"
    return result


def tuning_effect(
    default: Mapping | None, tuned: Mapping | None, same_runs: bool, tie: float
) -> str:
    """How tuning changed test accuracy, by the report's one rule (``optireport.analysis.compare``).

    ``default``/``tuned`` are ``{"median", "min", "max", "n"}`` statistics (None = no result).
    ``"same_runs"``: the chosen rate is the configured one, so both are the same trainings;
    ``"better"``/``"worse"``: a clear difference; ``"unclear"``: no clear difference;
    ``"too_few"``: the seeds allow no verdict; ``"missing"``: either side has no result.
    """
    if same_runs:
        return "same_runs"
    verdict = rules.relation(tuned, default, tie)
    return {rules.AHEAD: "better", rules.BEHIND: "worse"}.get(verdict, verdict)


def gap_changes(default: Mapping, tuned: Mapping) -> dict:
    """Which gaps to the leaders vanish, remain or appear when every optimizer is tuned.

    ``default`` and ``tuned`` are ``compare.leaders`` results for the same input: an optimizer
    is "behind" when some other one is clearly ahead of it, by the report's one rule.
    """
    names = [n for n in default["order"] if n not in tuned["missing"]]
    return {
        "vanish": [n for n in names if n in default["behind"] and n in tuned["leaders"]],
        "remain": [n for n in names if n in default["behind"] and n in tuned["behind"]],
        "appear": [n for n in names if n in default["leaders"] and n in tuned["behind"]],
    }


def still_improving(outcome: Mapping | None) -> bool:
    """Every seed's best validation accuracy came in the last fifth of its epochs: the run
    was still improving when it stopped, so more epochs could change the comparison."""
    if not outcome or not outcome.get("best_epoch") or not outcome.get("epochs"):
        return False
    return outcome["best_epoch"]["min"] > (1 - STILL_IMPROVING_SHARE) * outcome["epochs"]


def _outcome(group: Mapping | None) -> dict | None:
    """The part of an ``aggregate`` row the comparison shows, or None without runs.

    ``test_accuracy`` is None when every run diverged (their test figures do not count).
    """
    if group is None:
        return None
    return {
        "test_accuracy": group["test_accuracy"],
        "test_loss": group["test_loss"],
        "runs": len(group["seeds"]),
        "diverged_runs": group["diverged_runs"],
        "collapsed_runs": group["collapsed_runs"],
        "best_epoch": group["best_epoch"],
        "epochs": group["epochs"],
        "reached_target_runs": group["reached_target_runs"],
        "epochs_to_target": group["epochs_to_target"],
    }


def _accuracy(outcome: Mapping | None) -> Mapping | None:
    return outcome["test_accuracy"] if outcome else None


def compare(
    optimizers: Sequence[str],
    variants: Sequence[str],
    configured: Mapping[str, float],
    choices: Mapping[str, Mapping[str, Mapping]],
    default_trainings: Iterable[Mapping],
    tuned_trainings: Iterable[Mapping],
    budget: Mapping,
    thresholds: Mapping,
) -> dict:
    """Everything the «Comparación justa» section states, from the runs' records.

    ``choices[optimizer][variant]`` is a ``choose_rate`` result; the trainings are
    ``summary.training_entry`` records (tuned ones carry the chosen rate and ``same_runs``,
    true when they are the main trainings themselves).
    """
    tie, collapse_share = thresholds["tie"], thresholds["collapse_share"]
    default_groups = {
        (g["optimizer"], g["variant"]): g
        for g in aggregate(list(default_trainings), collapse_share)
    }
    tuned_list = list(tuned_trainings)
    tuned_groups = {
        (g["optimizer"], g["variant"]): g for g in aggregate(tuned_list, collapse_share)
    }
    same = {(t["optimizer"], t["variant"]) for t in tuned_list if t.get("same_runs")}
    rows = []
    for variant in variants:
        for optimizer in optimizers:
            choice = choices.get(optimizer, {}).get(variant) or choose_rate([])
            default = _outcome(default_groups.get((optimizer, variant)))
            tuned = _outcome(tuned_groups.get((optimizer, variant)))
            same_runs = (optimizer, variant) in same
            rows.append(
                {
                    "optimizer": optimizer,
                    "variant": variant,
                    "configured_rate": float(configured[optimizer]),
                    "choice": choice,
                    "same_runs": same_runs,
                    "default": default,
                    "tuned": tuned,
                    "effect": tuning_effect(_accuracy(default), _accuracy(tuned), same_runs, tie),
                    "narrow_choice": choice["margin"] is not None and choice["margin"] < tie,
                    "still_improving": not same_runs and still_improving(tuned),
                }
            )
    groups = {}
    for variant in variants:
        in_variant = [row for row in rows if row["variant"] == variant]
        default_top = rules.leaders(
            {r["optimizer"]: _accuracy(r["default"]) for r in in_variant}, tie
        )
        tuned_top = rules.leaders({r["optimizer"]: _accuracy(r["tuned"]) for r in in_variant}, tie)
        groups[variant] = {
            "default": default_top,
            "tuned": tuned_top,
            "gaps": gap_changes(default_top, tuned_top),
        }
    on_edge = [
        {"optimizer": r["optimizer"], "variant": r["variant"], "edge": r["choice"]["edge"]}
        for r in rows
        if r["choice"]["edge"]
    ]
    return {
        "budget": dict(budget),
        "rows": rows,
        "groups": groups,
        "on_edge": on_edge,
        "no_rate": [
            {"optimizer": r["optimizer"], "variant": r["variant"]}
            for r in rows
            if r["choice"]["learning_rate"] is None
        ],
        "collapse_share": collapse_share,
        "tie": tie,
        "narrow_choices": [
            {"optimizer": r["optimizer"], "variant": r["variant"], "margin": r["choice"]["margin"]}
            for r in rows
            if r["narrow_choice"]
        ],
        "still_improving": [
            {
                "optimizer": r["optimizer"],
                "variant": r["variant"],
                "best_epoch": r["tuned"]["best_epoch"],
            }
            for r in rows
            if r["still_improving"]
        ],
    }


def budget(config: Mapping, optimizers: Sequence[str]) -> dict:
    """The tuning budget: grid points per optimizer, epochs and seed of every grid training."""
    grids = {name: jobs.lr_grid(config, name) for name in optimizers}
    points = {name: len(grid) for name, grid in grids.items()}
    shared = config["lr_grid"]
    common = jobs.log_grid(shared["min"], shared["max"], shared["points"])
    return {
        "points": points,
        "equal": len(set(points.values())) == 1,
        "epochs": int(shared["epochs"]),
        "seed": int(shared["seed"]),
        "common_grid": common,
        "own_grids": {name: grid for name, grid in grids.items() if grid != common},
    }
