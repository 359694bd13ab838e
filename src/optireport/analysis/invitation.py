"""The experiments the seed notebook's closing invitation calls for.

Three of them are extra trainings, one job per configuration (all seeds in that job):

- **batch size**: the notebook's other parameter, for a few optimizers;
- **momentum**: SGD with classical momentum and with Nesterov's, beside plain SGD;
- **Adadelta's rate**: the rate of its paper (1.0) beside the configured (Keras) one.

Configurations are named after what they change with respect to the optimizer's own settings
(``SGD``, ``SGD_batch10``, ``SGD_momentum0.9_nesterov``), so two experiments that need the
same training share one job.

The fourth, **early stopping**, needs no training: a training stopped at epoch *e* is, epoch by
epoch, the first *e* epochs of the full one (the batch order depends only on the seed and the
epoch), and the full trainings record the test figures at every new minimum of the validation
loss, which are the only weights early stopping with restore of the best weights hands back.

Every comparison the text states is decided here, by the report's one comparison rule
(``optireport.analysis.compare``) with its threshold ``findings.tie``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

from optireport.analysis import compare as rules
from optireport.analysis.stats import collapsed, finite, spread
from optireport.config.experiments import experiments
from optireport.config.jobs import training_settings

# --- one configuration's results ------------------------------------------------------------


def seed_result(metrics: Mapping, history: Sequence[Mapping], collapse_share: float) -> dict:
    """One seed of one configuration: test figures, state, epochs to target, epoch seconds."""
    seconds = [row["seconds"] for row in history]
    # A diverged run's test figures come from non-finite weights: they are not results.
    kept = not metrics["diverged"]
    return {
        "seed": metrics["seed"],
        "test_accuracy": finite(metrics["test_accuracy"]) if kept else None,
        "test_loss": finite(metrics["test_loss"]) if kept else None,
        "diverged": bool(metrics["diverged"]),
        "collapsed": collapsed(metrics, collapse_share),
        "majority_prediction": metrics["majority_prediction"],
        "epochs_to_target": metrics["epochs_to_target"],
        "epochs_completed": metrics["epochs_completed"],
        "seconds_per_epoch": statistics.median(seconds) if seconds else None,
    }


def state(seeds: Sequence[Mapping]) -> str:
    """``missing`` (no test figure), ``diverged``/``collapsed`` (in some seed) or ``ok``."""
    if not seeds or all(s["test_accuracy"] is None for s in seeds):
        return "missing"
    if any(s["diverged"] for s in seeds):
        return "diverged"
    if any(s["collapsed"] for s in seeds):
        return "collapsed"
    return "ok"


def group(name: str, spec: Mapping, seeds: Sequence[Mapping]) -> dict:
    """A configuration's seeds with their median and range, and its state."""
    reached = [s["epochs_to_target"] for s in seeds if s["epochs_to_target"] is not None]
    return {
        "name": name,
        **spec,
        "seeds": list(seeds),
        "state": state(seeds),
        "diverged_seeds": [s["seed"] for s in seeds if s["diverged"]],
        "collapsed_seeds": [s["seed"] for s in seeds if s["collapsed"]],
        "test_accuracy": spread(s["test_accuracy"] for s in seeds),
        "test_loss": spread(s["test_loss"] for s in seeds),
        "seconds_per_epoch": spread(s["seconds_per_epoch"] for s in seeds),
        "reached_target": len(reached),
        "epochs_to_target": spread(reached),
    }


# --- wording rules -------------------------------------------------------------------------


def compare(a: Mapping, b: Mapping, tie: float) -> dict:
    """How configuration ``a`` compares with ``b`` in test accuracy, over their seeds.

    Verdicts, first rule that applies: ``diverged`` (either diverged in every seed),
    ``missing`` (either has no test accuracy), ``collapsed`` (either collapsed in every seed,
    so its accuracy says nothing about the optimizer), then the report's one rule
    (``compare.relation``): ``better``/``worse`` (a clear difference), ``unclear`` (no clear
    difference) or ``too_few`` (the seeds allow no verdict).
    """
    result = {"a": a["name"], "b": b["name"], "difference": None}
    sa, sb = a["test_accuracy"], b["test_accuracy"]
    if any(g["seeds"] and len(g["diverged_seeds"]) == len(g["seeds"]) for g in (a, b)):
        return {**result, "verdict": "diverged"}
    if sa is None or sb is None:
        return {**result, "verdict": "missing"}
    result["difference"] = rules.gap(sa, sb)
    if any(len(g["collapsed_seeds"]) == len(g["seeds"]) for g in (a, b)):
        return {**result, "verdict": "collapsed"}
    return {**result, "verdict": VERDICTS.get(rules.relation(sa, sb, tie), "unclear")}


# The one rule's verdicts as this chapter words them: ``a`` against ``b``.
VERDICTS = {
    rules.AHEAD: "better",
    rules.BEHIND: "worse",
    rules.UNCLEAR: "unclear",
    rules.TOO_FEW: "too_few",
}


# --- early stopping ------------------------------------------------------------------------


def early_stop(history: Sequence[Mapping], patience: int) -> dict:
    """Where Keras's ``EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)``
    stops this history, and the epoch whose weights it restores.

    Like Keras: an epoch improves when its validation loss is below the best so far; training
    stops at the epoch that completes ``patience`` epochs without improvement; the best
    weights are restored at the end even when it never stops. A non-finite validation loss
    never improves, and the training itself stopped there (``diverged``).
    """
    best, best_epoch, wait, stop = math.inf, None, 0, None
    diverged = False
    for row in history:
        if not math.isfinite(row["val_loss"]):
            diverged = True
            break
        wait += 1
        if row["val_loss"] < best:
            best, best_epoch, wait = row["val_loss"], row["epoch"], 0
        elif wait >= patience:
            stop = row["epoch"]
            break
    return {"stop_epoch": stop, "best_epoch": best_epoch, "diverged": diverged}


def early_stopping_seed(
    history: Sequence[Mapping], metrics: Mapping, patience: int, collapse_share: float
) -> dict:
    """One full training seen through early stopping: epochs and seconds saved, test figures."""
    found = early_stop(history, patience)
    epochs = len(history)
    stop = found["stop_epoch"]
    trained = stop if stop is not None else epochs
    best = next((row for row in history if row["epoch"] == found["best_epoch"]), None)
    restored_accuracy = best["test_accuracy"] if best else None
    restored_loss = best["test_loss"] if best else None
    final_accuracy = None if metrics["diverged"] else finite(metrics["test_accuracy"])
    difference = (
        restored_accuracy - final_accuracy
        if finite(restored_accuracy) is not None and final_accuracy is not None
        else None
    )
    return {
        "seed": metrics["seed"],
        "epochs": epochs,
        "stop_epoch": stop,
        "best_epoch": found["best_epoch"],
        "diverged": found["diverged"] or bool(metrics["diverged"]),
        "collapsed": collapsed(metrics, collapse_share),
        "epochs_saved": epochs - trained,
        "seconds_saved": sum(row["seconds"] for row in history[trained:]),
        "seconds_total": sum(row["seconds"] for row in history),
        "test_accuracy_restored": finite(restored_accuracy),
        "test_accuracy_final": final_accuracy,
        "test_loss_restored": finite(restored_loss),
        "test_loss_final": finite(metrics["test_loss"]),
        "accuracy_difference": difference,
    }


def early_stopping_group(optimizer: str, variant: str, seeds: Sequence[Mapping], tie: float):
    """One optimizer and input over its seeds, with its verdict.

    Verdicts: ``missing``, ``diverged`` (some seed diverged), ``never_stopped`` (no seed
    stops before its last epoch), ``collapsed`` (every seed collapsed: stopping saves epochs
    of a network that learns nothing), else the one rule on test accuracy, restored weights
    against the last epoch's: ``better``, ``worse``, ``unclear`` or ``too_few``.
    """
    differences = [s["accuracy_difference"] for s in seeds]
    if not seeds or all(s["test_accuracy_restored"] is None for s in seeds):
        verdict = "missing"
    elif any(s["diverged"] for s in seeds):
        verdict = "diverged"
    elif all(s["stop_epoch"] is None for s in seeds):
        verdict = "never_stopped"
    elif all(s["collapsed"] for s in seeds):
        verdict = "collapsed"
    else:
        verdict = VERDICTS[
            rules.relation(
                spread(s["test_accuracy_restored"] for s in seeds),
                spread(s["test_accuracy_final"] for s in seeds),
                tie,
            )
        ]
    epochs = sum(s["epochs"] for s in seeds)
    saved = sum(s["epochs_saved"] for s in seeds)
    return {
        "optimizer": optimizer,
        "variant": variant,
        "seeds": list(seeds),
        "verdict": verdict,
        "epochs": epochs,
        "epochs_saved": saved,
        "epochs_saved_share": saved / epochs if epochs else None,
        "seconds_saved": sum(s["seconds_saved"] for s in seeds),
        "seconds_total": sum(s["seconds_total"] for s in seeds),
        "accuracy_difference": spread(differences),
        **{
            field: spread(s[field] for s in seeds)
            for field in (
                "test_accuracy_final",
                "test_accuracy_restored",
                "test_loss_final",
                "test_loss_restored",
            )
        },
    }


# --- the whole chapter -----------------------------------------------------------------------


def batch_findings(batch: Mapping, groups: Mapping, base_sizes: Mapping, tie):
    """Per optimizer: each batch size against the optimizer's own."""
    findings = {}
    for optimizer, sizes in batch.items():
        base = groups[sizes[base_sizes[optimizer]]] if base_sizes[optimizer] in sizes else None
        rows = []
        for size, name in sizes.items():
            rows.append(
                {
                    "batch_size": size,
                    "configuration": name,
                    "is_base": size == base_sizes[optimizer],
                    "against_base": compare(groups[name], base, tie) if base else None,
                }
            )
        findings[optimizer] = {"base_batch_size": base_sizes[optimizer], "sizes": rows}
    return findings


def summarize(
    config: dict,
    run_results: Mapping[str, Sequence[Mapping]],
    main_trainings: Sequence[tuple[str, str, Mapping, Sequence[Mapping]]],
    n_fit: int,
) -> dict:
    """The chapter's numbers and verdicts.

    ``run_results`` maps each configuration to its seeds' ``seed_result``; ``main_trainings``
    holds (optimizer, variant, metrics, history) of every main training, in config order.
    """
    spec = config.get("invitation") or {}
    tie = float(config["findings"]["tie"])
    collapse_share = float(config["findings"]["collapse_share"])
    layout = experiments(config)
    groups = {
        name: group(name, run, run_results.get(name, []))
        for name, run in layout["configurations"].items()
    }
    # The batch size each configuration trains with, and the weight updates it makes per epoch.
    for found in groups.values():
        size = found["batch_size"] or training_settings(config, found["optimizer"])["batch_size"]
        found["effective_batch_size"] = size
        found["updates_per_epoch"] = -(-n_fit // size)
    result = {
        "settings": {
            "epochs": int(spec["epochs"]) if spec else None,
            "seeds": [int(s) for s in spec["seeds"]] if spec else [],
            "variant": spec.get("variant"),
            "tie": tie,
            "n_fit": n_fit,
            "collapse_share": collapse_share,
            "target_val_accuracy": float(config["training"]["target_val_accuracy"]),
        },
        "configurations": groups,
        "batch_size": None,
        "momentum": None,
        "adadelta": None,
        "early_stopping": None,
    }
    # An experiment switched off (its key absent or null) has no entry: its section is left out.
    if layout["batch_size"] is not None:
        base_sizes = {
            optimizer: training_settings(config, optimizer)["batch_size"]
            for optimizer in layout["batch_size"]
        }
        result["batch_size"] = batch_findings(layout["batch_size"], groups, base_sizes, tie)
    if (momentum := layout["momentum"]) is not None:
        result["momentum"] = {
            "configurations": momentum,
            "momentum": float(spec["momentum"]["momentum"]),
            "momentum_vs_plain": compare(
                groups[momentum["momentum"]], groups[momentum["plain"]], tie
            ),
            "nesterov_vs_plain": compare(
                groups[momentum["nesterov"]], groups[momentum["plain"]], tie
            ),
            "nesterov_vs_momentum": compare(
                groups[momentum["nesterov"]], groups[momentum["momentum"]], tie
            ),
        }
    if (adadelta := layout["adadelta"]) is not None:
        result["adadelta"] = {
            "configurations": adadelta,
            "paper_rate": float(spec["adadelta"]["learning_rate"]),
            "paper_vs_configured": compare(
                groups[adadelta["paper"]], groups[adadelta["configured"]], tie
            ),
        }
    if spec.get("early_stopping"):
        patience = int(spec["early_stopping"]["patience"])
        stopping: dict[tuple[str, str], list] = {}
        for optimizer, variant, metrics, history in main_trainings:
            stopping.setdefault((optimizer, variant), []).append(
                early_stopping_seed(history, metrics, patience, collapse_share)
            )
        stopping_groups = [
            early_stopping_group(optimizer, variant, seeds, tie)
            for (optimizer, variant), seeds in stopping.items()
        ]
        result["early_stopping"] = {
            "patience": patience,
            "groups": stopping_groups,
            "seconds_saved": sum(g["seconds_saved"] for g in stopping_groups),
            "seconds_total": sum(g["seconds_total"] for g in stopping_groups),
        }
    return result
