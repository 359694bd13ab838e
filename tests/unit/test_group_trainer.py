"""Models trained as one group: exactly the former one-model loop, each member its solo run."""

import hashlib
import json
from pathlib import Path

import keras
import numpy as np
import pytest
from test_training import run_group, run_train, without_timing

from optireport.training import trainer as training

# Recorded with the one-model loop this trainer replaced (trainer.train of commit 2e7f7c9), on
# the synthetic data of test_training, 3 epochs, seed 0: the weights' SHA-256, the history
# (all but its seconds) and the test figures.
SNAPSHOT = Path(__file__).with_name("data") / "old_loop_snapshot.json"
SNAPSHOT_RUNS = {
    "adam": ("Adam", {"learning_rate": 0.003}, "scaled"),
    "sgdm": ("SGD", {"learning_rate": 0.01, "momentum": 0.9}, "raw"),
    "div": ("SGD", {"learning_rate": 1e6}, "raw"),
}


def weights(out_dir):
    return keras.saving.load_model(Path(out_dir) / "model.keras").get_weights()


def history_without_seconds(out_dir):
    lines = (Path(out_dir) / "history.csv").read_text().splitlines()
    return [",".join(line.split(",")[:5] + line.split(",")[6:]) for line in lines]


@pytest.mark.parametrize("name", SNAPSHOT_RUNS)
def test_group_of_one_is_the_former_loop_bit_for_bit(tmp_path, name):
    optimizer_class, optimizer_args, variant = SNAPSHOT_RUNS[name]
    metrics = run_train(
        tmp_path,
        optimizer_class=optimizer_class,
        optimizer_args=optimizer_args,
        variant=variant,
        epochs=3,
    )
    expected = json.loads(SNAPSHOT.read_text())[name]
    digest = hashlib.sha256(b"".join(w.tobytes() for w in weights(tmp_path))).hexdigest()
    assert digest == expected["digest"]
    assert history_without_seconds(tmp_path) == expected["history"]
    assert metrics["test_loss"] == expected["test_loss"]
    assert metrics["test_accuracy"] == expected["test_accuracy"]
    assert metrics["confusion_matrix"] == expected["cm"]
    assert metrics["dead_units"] == expected["dead"]


def assert_close(group_dir, solo_dir, rtol=1e-5):
    """Every weight array within ``rtol`` of the solo run's: ‖group − solo‖ ≤ rtol ‖solo‖.

    Only the batched matmul's summation order differs; measured here: at most 8e-7.
    """
    for mine, solo in zip(weights(group_dir), weights(solo_dir), strict=True):
        assert np.linalg.norm(mine - solo) <= rtol * np.linalg.norm(solo)


@pytest.mark.parametrize(
    ("optimizer_class", "optimizer_args", "runs"),
    [
        ("Adam", {"learning_rate": 0.003}, [(0, None), (1, None), (2, None)]),
        ("SGD", {"momentum": 0.9}, [(0, 0.001), (0, 0.01), (0, 0.1)]),
        ("RMSprop", {}, [(3, 0.001), (4, 0.003), (5, 0.0003)]),
    ],
)
def test_each_model_of_a_group_of_three_matches_its_solo_run(
    tmp_path, optimizer_class, optimizer_args, runs
):
    settings = dict(optimizer_class=optimizer_class, optimizer_args=optimizer_args, epochs=2)
    group_runs = [(seed, tmp_path / f"group{i}", rate) for i, (seed, rate) in enumerate(runs)]
    grouped = run_group(group_runs, **settings)
    for i, ((seed, rate), metrics) in enumerate(zip(runs, grouped, strict=True)):
        solo = run_group([(seed, tmp_path / f"solo{i}", rate)], **settings)[0]
        assert_close(tmp_path / f"group{i}", tmp_path / f"solo{i}")
        assert metrics["optimizer_args"] == solo["optimizer_args"]
        assert metrics["test_loss"] == pytest.approx(solo["test_loss"], rel=1e-5)
        assert metrics["best_val_accuracy"] == pytest.approx(solo["best_val_accuracy"], abs=0.01)


@pytest.mark.parametrize("optimizer_class", training.ELEMENTWISE)
def test_group_optimizer_updates_each_slice_as_its_own_optimizer(optimizer_class):
    """Pins the private hook ``_get_current_learning_rate``: a [S, 1, 1] rate on stacked
    [S, 4, 2] weights gives, bit for bit, the updates of S separate Keras optimizers."""
    # Without the hook, every slice would move at the first rate and the test would fail.
    rates = [0.001, 0.01, 0.1]
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4, 2)).astype(np.float32)
    grads = rng.normal(size=(4, 3, 4, 2)).astype(np.float32)

    stacked = keras.Variable(start)
    group = training.make_group_optimizer(optimizer_class, {}, rates)
    group.build([stacked])
    singles = [keras.Variable(start[s]) for s in range(3)]
    optimizers = [training.make_optimizer(optimizer_class, {"learning_rate": r}) for r in rates]
    for optimizer, variable in zip(optimizers, singles, strict=True):
        optimizer.build([variable])
    for step in grads:
        group.apply([step], [stacked])
        for s, (optimizer, variable) in enumerate(zip(optimizers, singles, strict=True)):
            optimizer.apply([step[s]], [variable])
    for s, variable in enumerate(singles):
        assert np.array_equal(stacked.numpy()[s], variable.numpy())
    assert not np.array_equal(stacked.numpy()[0], start[0])


def test_diverging_model_does_not_poison_its_group(tmp_path):
    settings = dict(optimizer_class="SGD", optimizer_args={}, variant="raw", epochs=3)
    runs = [
        (0, tmp_path / "g-high", 1e6),
        (0, tmp_path / "g-low", 1e-4),
        (1, tmp_path / "g-mid", 1e-3),
    ]
    grouped = run_group(runs, **settings)
    assert [m["diverged"] for m in grouped] == [True, False, False]
    assert grouped[0]["epochs_completed"] < 3 and grouped[1]["epochs_completed"] == 3
    for (seed, out_dir, rate), metrics in zip(runs, grouped, strict=True):
        solo_dir = tmp_path / f"solo-{out_dir.name}"
        solo = run_group([(seed, solo_dir, rate)], **settings)[0]
        assert metrics["diverged"] == solo["diverged"]
        assert metrics["epochs_completed"] == solo["epochs_completed"]
        if not solo["diverged"]:
            assert_close(out_dir, solo_dir)
            assert metrics["test_loss"] == pytest.approx(solo["test_loss"], rel=1e-5)
        else:
            assert metrics["test_loss"] is None and metrics["best_epoch"] is None


def test_unstackable_optimizer_trains_its_models_one_by_one(tmp_path, capsys):
    assert not training.stackable("Lamb", {})
    assert not training.stackable("Adam", {"clipnorm": 1.0})
    assert training.stackable("Adam", {"clipnorm": None})
    settings = dict(optimizer_class="Lamb", optimizer_args={}, epochs=1)
    grouped = run_group([(0, tmp_path / "a"), (1, tmp_path / "b")], **settings)
    assert "uno detrás de otro" in capsys.readouterr().out
    solo = run_group([(1, tmp_path / "solo")], **settings)[0]
    assert without_timing(grouped[1]) == without_timing(solo)


class Interrupted(Exception):
    pass


def interrupt_at_epoch_3(monkeypatch, runs, **settings) -> None:
    """Train ``runs`` as a group and stop it, as a kill would, once a member has finished
    epoch 3 (before it is printed and committed)."""
    print_epoch = training._print_epoch

    def stop(member, total):
        if member.rows[-1]["epoch"] == 3:
            raise Interrupted
        print_epoch(member, total)

    monkeypatch.setattr(training, "_print_epoch", stop)
    with pytest.raises(Interrupted):
        run_group(runs, **settings)
    monkeypatch.undo()


def test_members_one_commit_apart_resume_from_their_common_epoch(tmp_path, monkeypatch):
    """A kill between two members' commits: both resume from the older one, exactly."""
    runs = [(0, tmp_path / "run0"), (1, tmp_path / "run1")]
    references = run_group([(seed, tmp_path / f"reference{seed}") for seed, _ in runs])
    interrupt_at_epoch_3(monkeypatch, runs)
    for path in (tmp_path / "run1" / "backup").glob("epoch-0002.*"):
        path.unlink()
    # run1 has only epoch 1: run0 goes back to its commit of epoch 1 too.
    resumed = run_group(runs)
    for metrics, reference in zip(resumed, references, strict=True):
        assert metrics["resumed_from_epoch"] == 1
        assert without_timing(metrics) == without_timing(reference)


def test_resumed_group_with_a_diverged_model_equals_an_uninterrupted_one(tmp_path, monkeypatch):
    """A diverged model's backup ends at its divergence; the group resumes past it."""
    settings = dict(optimizer_class="SGD", optimizer_args={}, variant="raw", epochs=4)
    runs = [(0, tmp_path / "high", 1e6), (0, tmp_path / "low", 1e-4)]
    references = run_group([(s, tmp_path / f"ref-{d.name}", r) for s, d, r in runs], **settings)
    interrupt_at_epoch_3(monkeypatch, runs, **settings)
    resumed = run_group(runs, **settings)
    assert [m["diverged"] for m in resumed] == [True, False]
    assert [m["resumed_from_epoch"] for m in resumed] == [2, 2]
    for metrics, reference in zip(resumed, references, strict=True):
        assert without_timing(metrics) == without_timing(reference)
