"""A fair comparison: every optimizer at the learning rate that its own grid chose.

Optimizer benchmarks (DeepOBS, AlgoPerf) tune each optimizer on validation data with the same
budget, then report test results over several seeds. Here the budget is the learning-rate grid
of the ``lr_grid`` rule (the same number of points, epochs and seed for every optimizer and input
variant); the chosen rate is the grid point with the highest final validation accuracy (the
test set is never looked at); the tuned trainings repeat the main ones at that rate.

The rules that decide the report's wording live here, each in one small function:
``choose_rate`` (which point, and whether it sits on the grid's edge), ``tuning_effect``
(better, worse or within the seed spread), ``top_group`` (who ties with the best) and
``gap_changes`` (which gaps to the best vanish, remain or appear once every optimizer is tuned).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from optireport.analysis.summary import aggregate
from optireport.config import jobs


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
    }
    if not usable:
        return result
    best = max(usable, key=lambda p: (p["val_accuracy"], -float(p["learning_rate"])))
    rate = float(best["learning_rate"])
    result["learning_rate"] = rate
    result["val_accuracy"] = best["val_accuracy"]
    if len(grid) > 1 and rate == grid[0]:
        result["edge"] = "low"
    elif len(grid) > 1 and rate == grid[-1]:
        result["edge"] = "high"
    return result


def tuning_effect(default: Mapping | None, tuned: Mapping | None, same_runs: bool) -> str:
    """How tuning changed test accuracy, judged by the seed ranges.

    ``default``/``tuned`` are ``{"median", "min", "max", "n"}`` statistics (None = no result).
    ``"same_runs"``: the chosen rate is the configured one, so both are the same trainings;
    ``"better"``/``"worse"``: the ranges do not overlap; ``"within_spread"``: they overlap;
    ``"missing"``: either side has no result.
    """
    if same_runs:
        return "same_runs"
    if not default or not tuned:
        return "missing"
    if tuned["min"] > default["max"]:
        return "better"
    if tuned["max"] < default["min"]:
        return "worse"
    return "within_spread"


def top_group(stats: Mapping[str, Mapping | None]) -> dict:
    """Who ties with the best: the leader (highest median) and every range overlapping its own.

    ``stats`` maps optimizer → test-accuracy statistics (None = no result). Returns
    ``leader``, ``tied`` (the leader first, then by median), ``behind`` (by median) and
    ``missing``.
    """
    present = {name: s for name, s in stats.items() if s}
    missing = [name for name, s in stats.items() if not s]
    if not present:
        return {"leader": None, "tied": [], "behind": [], "missing": missing}
    ordered = sorted(present, key=lambda name: present[name]["median"], reverse=True)
    leader = present[ordered[0]]
    tied = [name for name in ordered if present[name]["max"] >= leader["min"]]
    behind = [name for name in ordered if name not in tied]
    return {"leader": ordered[0], "tied": tied, "behind": behind, "missing": missing}


def gap_changes(default: Mapping, tuned: Mapping) -> dict:
    """Which gaps to the best vanish, remain or appear when every optimizer is tuned.

    ``default`` and ``tuned`` are ``top_group`` results for the same input variant. An
    optimizer "behind" is clearly below the best (ranges apart); "tied" overlaps it.
    """
    names = [n for n in default["tied"] + default["behind"] if n not in tuned["missing"]]
    return {
        "vanish": [n for n in names if n in default["behind"] and n in tuned["tied"]],
        "remain": [n for n in names if n in default["behind"] and n in tuned["behind"]],
        "appear": [n for n in names if n in default["tied"] and n in tuned["behind"]],
        "stay_tied": [n for n in names if n in default["tied"] and n in tuned["tied"]],
    }


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
    collapse_share: float,
) -> dict:
    """Everything the «Comparación justa» section states, from the runs' records.

    ``choices[optimizer][variant]`` is a ``choose_rate`` result; the trainings are
    ``summary.training_entry`` records (tuned ones carry the chosen rate and ``same_runs``,
    true when they are the main trainings themselves).
    """
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
                    "effect": tuning_effect(_accuracy(default), _accuracy(tuned), same_runs),
                }
            )
    groups = {}
    for variant in variants:
        in_variant = [row for row in rows if row["variant"] == variant]
        default_top = top_group({r["optimizer"]: _accuracy(r["default"]) for r in in_variant})
        tuned_top = top_group({r["optimizer"]: _accuracy(r["tuned"]) for r in in_variant})
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
