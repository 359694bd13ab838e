"""The fair comparison: choosing rates on validation data and the rules behind its wording."""

import copy

import pytest

from optireport.analysis import compare as rules
from optireport.analysis import tuning
from optireport.config import jobs
from optireport.config.jobs import lr_grid
from optireport.report.document import environment
from optireport.store import paths
from optireport.text.labels import VARIANT_CELLS, VARIANT_NAMES

ROOT = paths.ROOT

from helpers.common import FINDINGS  # noqa: E402


def point(rate, val, diverged=False):
    return {"learning_rate": rate, "val_accuracy": val, "diverged": diverged}


def stats(median, low, high, n=3):
    return {"median": median, "min": low, "max": high, "n": n}


def test_choose_rate_takes_best_final_validation_and_flags_edges():
    inner = tuning.choose_rate([point(0.001, 0.90), point(0.01, 0.95), point(0.1, 0.93)])
    assert inner["learning_rate"] == 0.01 and inner["val_accuracy"] == 0.95
    assert inner["edge"] is None and inner["grid"] == [0.001, 0.01, 0.1]
    high = tuning.choose_rate([point(0.001, 0.5), point(0.01, 0.7), point(0.1, 0.8)])
    assert (high["learning_rate"], high["edge"]) == (0.1, "high")
    low = tuning.choose_rate([point(0.01, 0.9), point(0.001, 0.95), point(0.1, None, True)])
    assert (low["learning_rate"], low["edge"]) == (0.001, "low")


def test_choose_rate_skips_diverged_points_and_breaks_ties_towards_the_smaller_rate():
    # The diverged point still belongs to the grid: 0.01 is not its edge.
    chosen = tuning.choose_rate([point(0.001, 0.9), point(0.01, 0.9), point(0.1, 0.99, True)])
    assert chosen["learning_rate"] == 0.001
    assert chosen["usable_points"] == 2
    nothing = tuning.choose_rate([point(0.001, None, True), point(0.01, float("nan"))])
    assert nothing["learning_rate"] is None and nothing["edge"] is None


def test_default_grid_contains_every_configured_rate(config):
    for name, spec in config["optimizers"].items():
        assert spec["args"]["learning_rate"] in lr_grid(config, name), name


def test_own_grid_keeps_the_common_number_of_points(config):
    """Equal budgets: an optimizer's lr_grid only moves the range unless it sets points."""
    points = {len(lr_grid(config, name)) for name in config["optimizers"]}
    assert points == {config["lr_grid"]["points"]}
    budget = tuning.budget(config, list(config["optimizers"]))
    assert budget["equal"] and budget["epochs"] == config["lr_grid"]["epochs"]
    assert set(budget["own_grids"]) == {
        name for name, spec in config["optimizers"].items() if "lr_grid" in spec
    }


def test_tuned_run_reuses_a_main_training_with_the_same_settings(config):
    adam = config["optimizers"]["Adam"]["args"]["learning_rate"]
    assert jobs.tuned_run_dir(config, "Adam", "raw", 2, adam) == "results/train/Adam/raw/seed2"
    assert (
        jobs.tuned_run_dir(config, "Adam", "raw", 2, 0.00316)
        == "results/tuned/Adam/raw/lr0.00316/seed2"
    )
    # Another configured optimizer with the same class and arguments is the same job too.
    config["optimizers"]["Adam_fast"] = copy.deepcopy(config["optimizers"]["Adam"])
    config["optimizers"]["Adam_fast"]["args"]["learning_rate"] = 0.00316
    assert (
        jobs.tuned_run_dir(config, "Adam", "raw", 2, 0.00316) == "results/train/Adam_fast/raw/seed2"
    )
    # A seed outside the main trainings has no main training to share.
    assert jobs.tuned_run_dir(config, "Adam", "raw", 99, adam).startswith("results/tuned/")


def test_choose_rate_reports_the_runner_up_and_the_margin():
    chosen = tuning.choose_rate([point(0.001, 0.90), point(0.01, 0.95), point(0.1, 0.947)])
    assert chosen["runner_up_rate"] == 0.1
    assert chosen["margin"] == pytest.approx(0.003)
    alone = tuning.choose_rate([point(0.01, 0.95), point(0.1, None, True)])
    assert alone["learning_rate"] == 0.01
    assert alone["runner_up_rate"] is None and alone["margin"] is None
    # Equal accuracies: the smaller rate wins, by a margin of nothing.
    tied = tuning.choose_rate([point(0.01, 0.9), point(0.001, 0.9)])
    assert (tied["learning_rate"], tied["runner_up_rate"], tied["margin"]) == (0.001, 0.01, 0.0)


TIE = FINDINGS["tie"]


def test_tuning_effect_follows_the_one_rule():
    default = stats(0.90, 0.89, 0.91)
    assert tuning.tuning_effect(default, stats(0.95, 0.94, 0.96), False, TIE) == "better"
    assert tuning.tuning_effect(default, stats(0.80, 0.70, 0.88), False, TIE) == "worse"
    # Ranges overlap: no clear difference, however far the medians.
    assert tuning.tuning_effect(default, stats(0.92, 0.905, 0.93), False, TIE) == "unclear"
    # Ranges apart but the medians closer than the tie: no clear difference either.
    assert tuning.tuning_effect(default, stats(0.903, 0.9101, 0.92), False, TIE) == "unclear"
    # Two tuned seeds against three: a clean separation could be chance (1 in 10).
    assert tuning.tuning_effect(default, stats(0.95, 0.94, 0.96, n=2), False, TIE) == "too_few"
    assert tuning.tuning_effect(default, default, True, TIE) == "same_runs"
    assert tuning.tuning_effect(None, default, False, TIE) == "missing"
    assert tuning.tuning_effect(default, None, False, TIE) == "missing"


def test_gap_changes_sort_each_optimizer_once():
    default = {"order": ["A", "B", "C", "D", "E"], "leaders": ["A", "B"], "behind": ["C", "D", "E"]}
    tuned = {"leaders": ["C", "A"], "behind": ["B", "D"], "missing": ["E"]}
    assert tuning.gap_changes(default, tuned) == {
        "vanish": ["C"],
        "remain": ["D"],
        "appear": ["B"],
    }


def test_gap_changes_from_the_rule_leaders():
    default = rules.leaders(
        {"A": stats(0.97, 0.965, 0.975), "B": stats(0.95, 0.94, 0.955), "C": None}, TIE
    )
    tuned = rules.leaders(
        {"A": stats(0.97, 0.965, 0.975), "B": stats(0.968, 0.96, 0.972), "C": None}, TIE
    )
    assert default["behind"] == ["B"] and tuned["leaders"] == ["A", "B"]
    assert tuning.gap_changes(default, tuned) == {"vanish": ["B"], "remain": [], "appear": []}


def test_still_improving_needs_every_seed_late():
    assert tuning.still_improving({"best_epoch": {"min": 9, "max": 10}, "epochs": 10})
    # One seed peaked at epoch 8 of 10: not in the last fifth.
    assert not tuning.still_improving({"best_epoch": {"min": 8, "max": 10}, "epochs": 10})
    assert not tuning.still_improving({"best_epoch": None, "epochs": 10})
    assert not tuning.still_improving(None)


def training(
    optimizer, variant, seed, accuracy, *, diverged=False, share=0.1, best_epoch=3, **extra
):
    return {
        "optimizer": optimizer,
        "variant": variant,
        "seed": seed,
        "epochs": 70,
        "test_accuracy": accuracy,
        "test_loss": 0.2,
        "best_val_accuracy": accuracy,
        "best_epoch": best_epoch,
        "train_seconds": 10.0,
        "epochs_to_target": None,
        "time_to_target_seconds": None,
        "diverged": diverged,
        "majority_prediction": 1,
        "majority_prediction_share": share,
        "majority_prediction_label_share": 0.11,
        **extra,
    }


@pytest.fixture
def comparison():
    """SGD collapses at its configured rate and recovers; Adam's rate is already the best."""
    choices = {
        "Adam": {"raw": tuning.choose_rate([point(0.001, 0.95), point(0.01, 0.9)])},
        "SGD": {"raw": tuning.choose_rate([point(0.001, 0.93), point(0.01, 0.11)])},
        "Adadelta": {"raw": tuning.choose_rate([point(0.001, None, True), point(0.01, None)])},
    }
    default = [training("Adam", "raw", s, a) for s, a in ((1, 0.96), (2, 0.95), (3, 0.955))]
    default += [training("SGD", "raw", s, 0.1135, share=1.0) for s in (1, 2, 3)]
    default += [training("Adadelta", "raw", s, 0.5) for s in (1, 2, 3)]
    default[-1]["diverged"] = True
    default += [training("RMSprop", "raw", s, 0.098, diverged=True) for s in (1, 2, 3)]
    tuned = [{**run, "same_runs": True} for run in default[:3]]
    tuned += [
        training("SGD", "raw", s, a, same_runs=False, best_epoch=e)
        for s, a, e in ((1, 0.95, 65), (2, 0.96, 70), (3, 0.955, 60))
    ]
    budget = {
        "points": {"Adam": 2, "SGD": 2, "Adadelta": 2},
        "equal": True,
        "epochs": 2,
        "seed": 1,
        "common_grid": [0.001, 0.01],
        "own_grids": {"Adadelta": [0.01, 0.1]},
    }
    choices["RMSprop"] = {"raw": tuning.choose_rate([point(0.001, None, True)])}
    return tuning.compare(
        ["Adam", "SGD", "Adadelta", "RMSprop"],
        ["raw"],
        {"Adam": 0.001, "SGD": 0.01, "Adadelta": 0.001, "RMSprop": 0.001},
        choices,
        default,
        tuned,
        budget,
        FINDINGS,
    )


def test_compare_reports_every_state(comparison):
    rows = {row["optimizer"]: row for row in comparison["rows"]}
    assert rows["Adam"]["effect"] == "same_runs"
    # Three tuned seeds, every one above every collapsed default seed.
    assert rows["SGD"]["effect"] == "better"
    assert rows["SGD"]["default"]["collapsed_runs"] == 3
    assert rows["SGD"]["tuned"]["runs"] == 3 and rows["SGD"]["tuned"]["epochs"] == 70
    assert rows["Adadelta"]["effect"] == "missing" and rows["Adadelta"]["tuned"] is None
    assert rows["Adadelta"]["default"]["diverged_runs"] == 1
    assert comparison["no_rate"] == [
        {"optimizer": "Adadelta", "variant": "raw"},
        {"optimizer": "RMSprop", "variant": "raw"},
    ]
    # Every run diverged: no test statistics, but the row and its count are there.
    assert rows["RMSprop"]["default"]["test_accuracy"] is None
    assert rows["RMSprop"]["default"]["diverged_runs"] == 3
    assert rows["RMSprop"]["effect"] == "missing"
    assert comparison["on_edge"] == [
        {"optimizer": "Adam", "variant": "raw", "edge": "low"},
        {"optimizer": "SGD", "variant": "raw", "edge": "low"},
    ]
    raw = comparison["groups"]["raw"]
    # Configured: Adam is clearly ahead of the collapsed SGD; Adadelta, with two finite seeds
    # against three, cannot be put behind anybody.
    assert raw["default"]["leaders"] == ["Adam", "Adadelta"]
    assert raw["default"]["beaten_by"] == {"SGD": ["Adam"]}
    assert raw["tuned"]["leaders"] == ["Adam", "SGD"] and raw["tuned"]["behind"] == []
    assert raw["gaps"] == {"vanish": ["SGD"], "remain": [], "appear": []}
    assert raw["tuned"]["missing"] == ["Adadelta", "RMSprop"]
    assert raw["default"]["missing"] == ["RMSprop"]
    assert comparison["tie"] == FINDINGS["tie"]
    # Margins 0.05 and 0.82 are wide; the tuned SGD peaks in the last fifth of its epochs.
    assert comparison["narrow_choices"] == []
    assert comparison["still_improving"] == [
        {
            "optimizer": "SGD",
            "variant": "raw",
            "best_epoch": {"median": 65, "min": 60, "max": 70, "n": 3},
        }
    ]
    # Adam's tuned runs are its main ones: never flagged, whatever their best epoch.
    assert rows["Adam"]["still_improving"] is False


def test_compare_flags_a_narrow_choice():
    choices = {"Adam": {"raw": tuning.choose_rate([point(0.001, 0.950), point(0.01, 0.948)])}}
    default = [training("Adam", "raw", s, 0.95) for s in (1, 2, 3)]
    found = tuning.compare(["Adam"], ["raw"], {"Adam": 0.001}, choices, default, [], {}, FINDINGS)
    assert found["rows"][0]["narrow_choice"] is True
    assert found["narrow_choices"] == [
        {"optimizer": "Adam", "variant": "raw", "margin": pytest.approx(0.002)}
    ]
    assert found["rows"][0]["effect"] == "missing"  # no tuned trainings given


def render_section(name, comparison, **training):
    env = environment(ROOT / "templates")
    summary = {
        "fair_comparison": comparison,
        "config": {"training": {"epochs": 70, "batch_size": 50, "seeds": [1, 2, 3], **training}},
    }
    return env.get_template(f"sections/{name}").render(
        s=summary, variant_names=VARIANT_NAMES, variant_cells=VARIANT_CELLS
    )


def test_section_renders_collapsed_diverged_missing_and_edge_states(comparison):
    text = render_section("comparacion_justa.md.j2", comparison)
    raw = VARIANT_NAMES["raw"]
    assert "# Comparación justa {#sec-justa}" in text
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert rows["| SGD"].endswith("| mejora con claridad (colapsa con la configurada: 3 de 3) |")
    assert rows["| Adadelta"].endswith(
        "| ninguna | — | — | sin datos (diverge con la configurada: 1 de 3) |"
    )
    assert rows["| RMSprop"].endswith("| sin datos (diverge con la configurada: 3 de 3) |")
    flat = " ".join(text.split())
    assert f"Para Adadelta con la {raw} y RMSprop con la {raw} ningún punto" in flat
    assert "en un borde de su rejilla en 2 casos" in text
    assert f"- Adam con la {raw}: el punto menor." in text
    assert (
        "Con las tasas configuradas, en cabeza quedan Adam y Adadelta y por detrás queda SGD."
        in flat
    )
    assert "Con las tasas ajustadas, en cabeza quedan Adam y SGD." in flat
    assert "Al ajustar, SGD deja de quedar por detrás: esa distancia se debía a la tasa" in flat
    assert "Sin resultados ajustados: Adadelta y RMSprop." in flat
    assert (
        f"Con su tasa ajustada, SGD con la {raw} (mejor época de "
        "validación: entre la 60 y la 70) seguía mejorando" in flat
    )
    assert "La elección es estrecha" not in flat
    assert "| misma tasa |" in text
    assert "(2 puntos en todos:" in text
    assert "La rejilla común va de 0.001 a 0.01; Adadelta (de 0.01 a 0.1) usa una rejilla" in flat
    assert "{{" not in text and "{%" not in text and "#}" not in text


def test_section_says_when_budgets_differ_and_nothing_sits_on_an_edge(comparison):
    comparison["budget"] = {
        **comparison["budget"],
        "equal": False,
        "points": {"Adam": 2, "SGD": 3, "Adadelta": 2},
    }
    comparison["on_edge"] = []
    text = render_section("comparacion_justa.md.j2", comparison)
    flat = " ".join(text.split())
    assert "el presupuesto no es el mismo: 2 puntos para Adam, 3 puntos para SGD y 2" in flat
    assert "Todas las tasas elegidas quedan dentro de su rejilla" in text


def test_conclusion_follows_the_gaps(comparison):
    text = render_section("conclusion_justa.md.j2", comparison)
    assert text.startswith("Con cada optimizador en su tasa ajustada (@sec-justa)")
    assert (
        "quedan en cabeza Adam y SGD, sin diferencia clara entre ellos (SGD deja de quedar por "
        "detrás al ajustar)" in text
    )
    assert "era la tasa, no el\nmétodo" in text
    raw = comparison["groups"]["raw"]
    raw["gaps"] = {"vanish": [], "remain": ["SGD"], "appear": []}
    raw["tuned"] = {**raw["tuned"], "leaders": ["Adam"], "behind": ["SGD"]}
    text = render_section("conclusion_justa.md.j2", comparison)
    assert "queda en cabeza Adam; SGD sigue por detrás incluso con su tasa ajustada" in text
    assert "era la tasa" not in text
    # With seeds that allow no verdict there is no conclusion to draw.
    raw["tuned"]["can_rank"] = False
    assert render_section("conclusion_justa.md.j2", comparison).strip() == ""


def test_a_remaining_gap_at_a_grid_edge_is_qualified(comparison):
    raw = comparison["groups"]["raw"]
    raw["gaps"] = {"vanish": [], "remain": ["SGD"], "appear": []}
    raw["tuned"] = {**raw["tuned"], "leaders": ["Adam"], "behind": ["SGD"]}
    text = " ".join(render_section("comparacion_justa.md.j2", comparison).split())
    assert (
        "SGD sigue por detrás incluso con su tasa ajustada, con esta rejilla y 70 épocas; la "
        "tasa de SGD quedó en un borde de la rejilla y una tasa fuera de ella podría acortar "
        "la distancia; SGD seguía mejorando al final del entrenamiento, así que más épocas "
        "podrían acortarla." in text
    )
    comparison["on_edge"], comparison["still_improving"] = [], []
    text = " ".join(render_section("comparacion_justa.md.j2", comparison).split())
    assert "incluso con su tasa ajustada, con esta rejilla y 70 épocas." in text
    assert "borde de la rejilla y una tasa fuera" not in text


def test_a_gap_that_appears_after_tuning_is_stated(comparison):
    raw = comparison["groups"]["raw"]
    raw["gaps"] = {"vanish": [], "remain": [], "appear": ["Adam"]}
    raw["tuned"] = {**raw["tuned"], "leaders": ["SGD"], "behind": ["Adam"]}
    text = " ".join(render_section("comparacion_justa.md.j2", comparison).split())
    assert (
        "Adam estaba en cabeza con las tasas configuradas y queda por detrás con las ajustadas."
        in text
    )
