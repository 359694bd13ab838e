"""The invitation's experiments: configurations, wording rules, early stopping, their text."""

import copy
import math

import pytest

from optireport.analysis import invitation
from optireport.config import experiments
from optireport.config.check import ConfigError, check_config
from optireport.report import document
from optireport.store import paths
from optireport.text import labels

TEMPLATES = paths.ROOT / "templates"
TIE = 0.005

from helpers.common import FINDINGS  # noqa: E402

SHARE = FINDINGS["collapse_share"]


def test_configuration_names_say_what_changes():
    assert experiments.configuration_name("SGD") == "SGD"
    assert experiments.configuration_name("SGD", 10) == "SGD_batch10"
    assert (
        experiments.configuration_name("SGD", args={"nesterov": True, "momentum": 0.9})
        == "SGD_momentum0.9_nesterov"
    )
    assert experiments.configuration_name("Adadelta", args={"learning_rate": 1.0}) == "Adadelta_lr1"


def test_experiments_share_identical_trainings(config):
    layout = experiments.experiments(config)
    # The notebook's batch size is the optimizer's own: SGD with it is plain SGD.
    assert layout["batch_size"]["SGD"] == {10: "SGD_batch10", 50: "SGD", 250: "SGD_batch250"}
    assert layout["momentum"] == {
        "plain": "SGD",
        "momentum": "SGD_momentum0.9",
        "nesterov": "SGD_momentum0.9_nesterov",
    }
    assert layout["adadelta"] == {"configured": "Adadelta", "paper": "Adadelta_lr1"}
    assert len(layout["configurations"]) == 10


def test_configuration_settings_override_only_what_the_experiment_changes(config):
    settings = experiments.configuration_settings(config, "SGD_momentum0.9_nesterov")
    assert settings["optimizer_class"] == "SGD"
    assert settings["optimizer_args"] == {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}
    assert settings["batch_size"] == 50
    assert settings["epochs"] == config["invitation"]["epochs"]
    assert settings["seeds"] == config["invitation"]["seeds"]
    assert settings["variant"] == "scaled"
    assert experiments.configuration_settings(config, "Adam_batch10")["batch_size"] == 10
    paper = experiments.configuration_settings(config, "Adadelta_lr1")
    assert paper["optimizer_args"]["learning_rate"] == 1.0


def test_paper_rate_equal_to_the_configured_one_is_one_training(config):
    config["optimizers"]["Adadelta"]["args"]["learning_rate"] = 1.0
    assert experiments.experiments(config)["adadelta"] == {
        "configured": "Adadelta",
        "paper": "Adadelta",
    }


def test_experiments_must_name_configured_optimizers_of_the_right_class(config, schema):
    bad = copy.deepcopy(config)
    bad["invitation"]["batch_size"]["optimizers"] = ["Adam", "Nadam"]
    bad["invitation"]["momentum"]["optimizer"] = "Adam"
    with pytest.raises(ConfigError) as error:
        check_config(bad, schema)
    message = str(error.value)
    assert "«invitation.batch_size.optimizers»: el optimizador «Nadam» no está" in message
    assert "«invitation.momentum.optimizer»: «Adam» es de la clase «Adam»" in message
    assert "clase «SGD»" in message


def group(name, accuracies, collapsed=(), diverged=()):
    seeds = [
        {
            "seed": seed,
            "test_accuracy": accuracy,
            "test_loss": None if accuracy is None else 1 - accuracy,
            "diverged": seed in diverged,
            "collapsed": seed in collapsed,
            "majority_prediction": 1,
            "epochs_to_target": None,
            "epochs_completed": 3,
            "seconds_per_epoch": 1.0,
        }
        for seed, accuracy in enumerate(accuracies, start=1)
    ]
    return invitation.group(name, {"optimizer": "SGD", "batch_size": None, "args": {}}, seeds)


@pytest.mark.parametrize(
    ("a", "b", "verdict", "difference"),
    [
        ([None, None, None], [0.9, 0.91, 0.92], "missing", None),
        # Two seeds against two: even a clean separation could be chance (1 in 6).
        ([0.97, 0.975], [0.94, 0.95], "too_few", 0.0275),
        # Ranges overlap: no clear difference, whatever the medians.
        ([0.95, 0.96, 0.97], [0.94, 0.955, 0.96], "unclear", 0.005),
        # Ranges apart, but the medians closer than the tie: no clear difference either.
        ([0.961, 0.962, 0.963], [0.958, 0.959, 0.96], "unclear", 0.003),
        ([0.97, 0.975, 0.98], [0.94, 0.95, 0.96], "better", 0.025),
        ([0.90, 0.91, 0.92], [0.94, 0.95, 0.96], "worse", -0.04),
    ],
)
def test_compare_rules(a, b, verdict, difference):
    found = invitation.compare(group("a", a), group("b", b), TIE)
    assert found["verdict"] == verdict
    assert found["a"] == "a" and found["b"] == "b"
    assert found["difference"] == (None if difference is None else pytest.approx(difference))


def test_compare_divergence_in_every_seed_comes_first():
    diverged = group("a", [0.098, 0.098], diverged=(1, 2))
    assert diverged["test_accuracy"] is not None  # the helper keeps them; seed_result does not
    assert invitation.compare(diverged, group("b", [0.9, 0.91]), TIE)["verdict"] == "diverged"
    assert invitation.compare(group("b", [0.9, 0.91]), diverged, TIE)["verdict"] == "diverged"


def test_a_diverged_seed_has_no_test_figures():
    found = invitation.seed_result(
        {
            **metrics(accuracy=0.098, diverged=True),
            "majority_prediction": 0,
            "majority_prediction_share": 1.0,
            "epochs_to_target": None,
            "epochs_completed": 1,
        },
        rows([math.nan]),
        SHARE,
    )
    assert found["test_accuracy"] is None and found["test_loss"] is None
    assert found["diverged"] is True and found["collapsed"] is False


def test_compare_collapse_overrides_the_numbers():
    collapsed = group("a", [0.1135, 0.1135, 0.1135], collapsed=(1, 2, 3))
    healthy = group("b", [0.95, 0.96, 0.965])
    found = invitation.compare(collapsed, healthy, TIE)
    assert found["verdict"] == "collapsed"
    assert found["difference"] == pytest.approx(0.1135 - 0.96)
    assert invitation.compare(healthy, collapsed, TIE)["verdict"] == "collapsed"
    # One collapsed seed out of three is stated beside the numbers, not instead of them.
    partly = group("a", [0.1135, 0.97, 0.975], collapsed=(1,))
    assert partly["state"] == "collapsed" and partly["collapsed_seeds"] == [1]
    assert invitation.compare(partly, healthy, TIE)["verdict"] == "unclear"


def test_group_states():
    assert group("a", [None, None])["state"] == "missing"
    assert group("a", [None, 0.9], diverged=(1,))["state"] == "diverged"
    assert group("a", [0.9, 0.9])["state"] == "ok"
    assert invitation.group("a", {}, [])["state"] == "missing"


def rows(val_losses, test_accuracy=0.9):
    """A history: test figures only at new validation minima, as training records them."""
    history, best = [], math.inf
    for epoch, loss in enumerate(val_losses, start=1):
        new_min = math.isfinite(loss) and loss < best
        best = min(best, loss) if math.isfinite(loss) else best
        history.append(
            {
                "epoch": epoch,
                "val_loss": loss,
                "seconds": 1.0,
                "test_accuracy": test_accuracy + epoch / 1000 if new_min else math.nan,
                "test_loss": loss if new_min else math.nan,
            }
        )
    return history


def keras_early_stopping(val_losses, patience):
    """(stop epoch, restored epoch) from Keras's own EarlyStopping, 1-based like our epochs."""
    import keras

    class Model:
        stop_training = False

        def get_weights(self):
            return []

    callback = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )
    model = Model()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            break
    stop = callback.stopped_epoch + 1 if callback.stopped_epoch else None
    return stop, callback.best_epoch + 1


@pytest.mark.parametrize(
    "val_losses",
    [
        [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 1.0, 1.1],
        [1.0, 0.9, 0.8, 0.7, 0.6, 0.5],
        [2.301, 2.301, 2.301, 2.301, 2.301],
        [1.0, 1.1, 1.2, 0.5, 0.6, 0.7, 0.8, 0.9],
    ],
)
@pytest.mark.parametrize("patience", [1, 3])
def test_early_stop_matches_keras_callback(val_losses, patience):
    found = invitation.early_stop(rows(val_losses), patience)
    assert (found["stop_epoch"], found["best_epoch"]) == keras_early_stopping(val_losses, patience)


def test_early_stop_on_a_diverged_history_keeps_the_last_finite_best():
    found = invitation.early_stop(rows([1.0, 0.5, 0.6, math.nan]), patience=5)
    assert found == {"stop_epoch": None, "best_epoch": 2, "diverged": True}


def metrics(seed=1, accuracy=0.95, share=0.12, diverged=False):
    return {
        "seed": seed,
        "test_accuracy": accuracy,
        "test_loss": None if accuracy is None else 0.3,
        "diverged": diverged,
        "majority_prediction_share": share,
    }


def test_early_stopping_seed_reads_the_restored_epoch_and_what_it_saves():
    history = rows([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 1.0])
    found = invitation.early_stopping_seed(
        history, metrics(accuracy=0.95), patience=3, collapse_share=SHARE
    )
    assert found["stop_epoch"] == 6 and found["best_epoch"] == 3
    assert found["epochs_saved"] == 2 and found["seconds_saved"] == 2.0
    assert found["seconds_total"] == 8.0
    assert found["test_accuracy_restored"] == pytest.approx(0.903)
    assert found["test_loss_restored"] == 0.7
    assert found["accuracy_difference"] == pytest.approx(0.903 - 0.95)
    assert found["test_accuracy_final"] == 0.95 and found["test_loss_final"] == 0.3
    assert found["diverged"] is False and found["collapsed"] is False
    # Never stopping: nothing saved, the restored weights are the best epoch's all the same.
    found = invitation.early_stopping_seed(rows([1.0, 0.9, 0.8]), metrics(), 3, SHARE)
    assert found["stop_epoch"] is None and found["epochs_saved"] == 0
    assert found["seconds_saved"] == 0 and found["best_epoch"] == 3


def stopping_group(seeds_kwargs, val_losses=(1.0, 0.8, 0.9, 0.95, 1.0, 1.1)):
    seeds = [
        invitation.early_stopping_seed(rows(list(val_losses)), metrics(seed, **kw), 2, SHARE)
        for seed, kw in enumerate(seeds_kwargs, start=1)
    ]
    return invitation.early_stopping_group("Adam", "raw", seeds, TIE)


def finals(*accuracies):
    return [{"accuracy": a} for a in accuracies]


@pytest.mark.parametrize(
    ("seeds", "verdict"),
    [
        # The restored epoch 2 scores 0.902 on test with every seed.
        (finals(0.85, 0.86, 0.88), "better"),
        (finals(0.95, 0.96, 0.97), "worse"),
        (finals(0.85, 0.91, 0.96), "unclear"),  # the final accuracies straddle 0.902
        (finals(0.898, 0.899, 0.90), "unclear"),  # all below, but by less than the tie
        (finals(0.85, 0.86), "too_few"),  # two seeds: no verdict
        ([{"accuracy": 0.9, "share": 1.0}, {"accuracy": 0.9, "share": 0.95}], "collapsed"),
        ([{"diverged": True, "accuracy": None}], "diverged"),
    ],
)
def test_early_stopping_group_verdicts(seeds, verdict):
    assert stopping_group(seeds)["verdict"] == verdict


def test_early_stopping_group_counts_and_other_verdicts():
    assert stopping_group([{}], val_losses=(1.0, 0.9, 0.8))["verdict"] == "never_stopped"
    assert invitation.early_stopping_group("Adam", "raw", [], TIE)["verdict"] == "missing"
    found = stopping_group(finals(0.85, 0.86, 0.88))
    assert found["epochs_saved"] == 6 and found["epochs"] == 18
    assert found["epochs_saved_share"] == pytest.approx(1 / 3)
    assert found["test_accuracy_restored"]["median"] == pytest.approx(0.902)
    assert found["test_accuracy_final"] == {"median": 0.86, "min": 0.85, "max": 0.88, "n": 3}
    assert found["accuracy_difference"]["median"] == pytest.approx(0.902 - 0.86)


# --- the chapter's text, rendered for every state --------------------------------------------


def chapter(config, results, main):
    return invitation.summarize(config, results, main, n_fit=2100)


def seed_results(accuracy, share=0.12, diverged=False, seeds=(1, 2, 3)):
    return [
        invitation.seed_result(
            {
                **metrics(seed, accuracy, share, diverged),
                "majority_prediction": 1,
                "epochs_to_target": 2 if accuracy and accuracy > 0.95 else None,
                "epochs_completed": 3,
            },
            rows([1.0, 0.9, 0.8]),
            SHARE,
        )
        for seed in seeds
    ]


def render(config, inv):
    summary = {
        "invitation": inv,
        "config": config,
    }
    env = document.environment(TEMPLATES)
    return env.get_template("sections/invitacion.md.j2").render(
        s=summary,
        variant_names=labels.VARIANT_NAMES,
        variant_cells=labels.VARIANT_CELLS,
    )


@pytest.fixture
def small_config(config):
    config["invitation"]["seeds"] = [1, 2, 3]
    return config


def test_chapter_renders_every_state(small_config):
    results = {
        "Adam_batch10": seed_results(0.97),
        "Adam": seed_results(0.96),
        "Adam_batch250": seed_results(None),  # missing
        "SGD_batch10": seed_results(0.1135, share=1.0),  # collapsed
        "SGD": seed_results(0.93),
        "SGD_batch250": seed_results(0.90),
        "SGD_momentum0.9": seed_results(None, diverged=True),  # diverged
        "SGD_momentum0.9_nesterov": seed_results(0.931),
        "Adadelta": seed_results(0.7),
        "Adadelta_lr1": seed_results(0.96),
    }
    adam = rows([1.0, 0.8, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3, 1.4])  # restored epoch 2: 0.902
    main = [
        *(("Adam", "raw", metrics(seed, a), adam) for seed, a in ((1, 0.95), (2, 0.94), (3, 0.96))),
        ("Adagrad", "raw", metrics(1, 0.9), rows([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4])),
        ("SGD", "raw", metrics(1, 0.1135, share=1.0), rows([2.30] * 8)),
        ("RMSprop", "raw", metrics(1, None, diverged=True), rows([1.0, 0.9, math.nan])),
    ]
    inv = chapter(small_config, results, main)
    # Every verdict, as decided (three seeds each: the rule can separate them).
    adam, sgd = inv["batch_size"]["Adam"]["sizes"], inv["batch_size"]["SGD"]["sizes"]
    assert [row["against_base"]["verdict"] for row in adam] == ["better", "unclear", "missing"]
    assert adam[0]["against_base"]["difference"] == pytest.approx(0.01)
    assert [row["against_base"]["verdict"] for row in sgd] == ["collapsed", "unclear", "worse"]
    momentum = inv["momentum"]
    assert momentum["momentum_vs_plain"]["verdict"] == "diverged"
    assert momentum["nesterov_vs_momentum"]["verdict"] == "diverged"
    # 0.931 against 0.930 with every seed: apart, but by less than the tie.
    assert momentum["nesterov_vs_plain"]["verdict"] == "unclear"
    assert inv["adadelta"]["paper_vs_configured"]["verdict"] == "better"
    stopping = {g["optimizer"]: g for g in inv["early_stopping"]["groups"]}
    # Restored 0.902 with every seed against final 0.94 to 0.96: clearly worse.
    assert {name: g["verdict"] for name, g in stopping.items()} == {
        "Adam": "worse",
        "Adagrad": "never_stopped",
        "SGD": "collapsed",
        "RMSprop": "diverged",
    }
    assert stopping["Adam"]["epochs_saved_share"] == pytest.approx(6 / 27)
    assert stopping["Adam"]["accuracy_difference"]["median"] == pytest.approx(-0.048)
    text = " ".join(render(small_config, inv).split())
    cell = labels.VARIANT_CELLS["raw"]
    assert (
        "Con **Adam**, el lote de 10 da con claridad más exactitud en prueba que el de 50 "
        "(0.9700 frente a 0.9600, medianas)" in text
    )
    assert "no se puede comparar el lote de 250 con el de 50" in text
    assert "sin resultado" in text
    assert "colapsa con las semillas 1, 2 y 3" in text
    assert "la comparación entre el lote de 10 y el de 50 no dice nada" in text
    assert (
        "el lote de 250 da con claridad menos exactitud en prueba que el de 50 "
        "(0.9000 frente a 0.9300, medianas)" in text
    )
    assert "diverge con las semillas 1, 2 y 3" in text
    assert "el momento clásico diverge en todas sus semillas" in text
    assert (
        "la tasa del artículo da con claridad más exactitud en prueba que la configurada "
        "(0.9600 frente a 0.7000, medianas)" in text
    )
    assert f"| Adam | {cell} | 7, 7, 7 | 6 de 27 | 0.9500 → 0.9020 |" in text
    assert f"| Adagrad | {cell} | no para | 0 de 7 |" in text
    assert "pierde con claridad exactitud en prueba" in text
    assert "no lo alcanza" in text
    assert "{{" not in text and "{%" not in text


def test_chapter_words_the_verdicts_the_seeds_do_not_allow(small_config):
    small_config["invitation"]["seeds"] = [1, 2]
    results = {name: seed_results(0.96, seeds=(1, 2)) for name in ("Adam", "SGD", "Adadelta")}
    results["Adam_batch10"] = seed_results(0.97, seeds=(1, 2))
    results["SGD_momentum0.9"] = seed_results(0.97, seeds=(1, 2))
    inv = chapter(small_config, results, [])
    assert inv["batch_size"]["Adam"]["sizes"][0]["against_base"]["verdict"] == "too_few"
    text = " ".join(render(small_config, inv).split())
    assert (
        "las semillas no permiten decir si el lote de 10 y el de 50 difieren "
        "(0.9700 y 0.9600, medianas)" in text
    )
    assert "las semillas no permiten decir si el momento clásico y SGD sin momento difieren" in text


def test_switched_off_experiments_have_no_entry(config):
    off = copy.deepcopy(config)
    off["invitation"]["momentum"] = None
    del off["invitation"]["adadelta"]
    off["invitation"]["early_stopping"] = None
    inv = chapter(off, {}, [])
    assert inv["momentum"] is None and inv["adadelta"] is None
    assert inv["early_stopping"] is None
    assert set(inv["batch_size"]) == set(config["invitation"]["batch_size"]["optimizers"])
    config["invitation"] = None
    nothing = chapter(config, {}, [])
    assert {nothing[key] for key in ("batch_size", "momentum", "adadelta", "early_stopping")} == {
        None
    }
    assert nothing["configurations"] == {}
    assert nothing["settings"]["epochs"] is None and nothing["settings"]["seeds"] == []
