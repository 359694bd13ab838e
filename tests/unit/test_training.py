"""Tests for optireport.training.trainer on small synthetic, learnable data."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from optireport.store import history
from optireport.training import checkpoint
from optireport.training import trainer as training

# Thread pools can only be set before TF runs anything, so fix them for this process first.
training.configure_runtime(threads=1)


def make_data(n, seed=0):
    """Noise images whose label is the brightest of 10 horizontal bands."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = rng.integers(0, 120, size=(n, 28, 28))
    for i, label in enumerate(y):
        x[i, 2 * label + 4 : 2 * label + 6, :] += 120
    bands = x[:, 4:24, :].reshape(n, 10, 2 * 28).mean(axis=2)
    assert np.array_equal(bands.argmax(axis=1), y)
    return x.astype(np.uint8), y.astype(np.uint8)


X_TRAIN, Y_TRAIN = make_data(600)
X_TEST, Y_TEST = make_data(200, seed=1)


SETTINGS = dict(
    optimizer_class="Adam",
    optimizer_args={"learning_rate": 0.003},
    epochs=4,
    batch_size=50,
    validation_split=0.3,
    threads=1,
    variant="scaled",
)


def run_group(runs, **overrides):
    """Train ``runs`` ((seed, out_dir[, learning_rate]) each) as one group: their metrics."""
    settings = {**SETTINGS, **overrides}
    return training.train_group(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, runs=runs, **settings)


def run_train(out_dir, seed=0, **overrides):
    """A group of one model."""
    return run_group([(seed, out_dir)], **overrides)[0]


def read_history(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_model_matches_seed_architecture():
    model = training.build_model()
    assert model.count_params() == 35_090
    kernels = [layer.kernel.shape for layer in model.layers]
    assert kernels == [(784, 40), (40, 40), (40, 40), (40, 10)]
    activations = [layer.activation.__name__ for layer in model.layers]
    assert activations == ["relu", "relu", "relu", "softmax"]


def test_make_optimizer():
    optimizer = training.make_optimizer("SGD", {"learning_rate": 0.5})
    assert isinstance(optimizer, keras.optimizers.SGD)
    assert float(optimizer.learning_rate) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        training.make_optimizer("NoSuchOptimizer", {})
    # YAML's «learning_rate: 1000» is an int, which Keras alone would refuse.
    assert float(training.make_optimizer("Adam", {"learning_rate": 1000}).learning_rate) == 1000.0


def test_prepare_inputs():
    x = np.array([[0, 255], [128, 1]] * 392, dtype=np.uint8).reshape(2, 28, 28)
    raw = training.prepare_inputs(x, "raw")
    assert raw.shape == (2, 784) and raw.dtype == np.float32
    assert raw.max() == 255 and np.array_equal(raw, x.reshape(2, 784))
    scaled = training.prepare_inputs(x, "scaled")
    assert scaled.dtype == np.float32 and scaled.max() == 1.0
    np.testing.assert_allclose(scaled, raw / 255)
    with pytest.raises(ValueError, match="Variante"):
        training.prepare_inputs(x, "normalized")


def test_validation_split_is_last_fraction():
    x = np.arange(600)
    (x_fit, y_fit), (x_val, y_val) = training.split_validation(x, x * 2, 0.3)
    assert np.array_equal(x_fit, np.arange(420)) and np.array_equal(x_val, np.arange(420, 600))
    assert np.array_equal(y_val, x_val * 2)
    with pytest.raises(ValueError):
        training.split_validation(x, x, 0.0)


def compiled_model(learning_rate=0.003):
    return training.seeded_model(0, keras.optimizers.Adam(learning_rate=learning_rate))


def group_of_one(model, learning_rate=0.003):
    model.optimizer.build(model.trainable_variables)
    return training.Group([model], "Adam", {"learning_rate": learning_rate}, [learning_rate])


def test_epoch_function_equals_keras_fit():
    """One fused epoch of a group of one = one epoch of Keras's fit on the same batches, in
    the same order."""
    x = training.prepare_inputs(X_TRAIN[:420], "raw")
    y = Y_TRAIN[:420].astype(np.int32)
    order = training.epoch_order(seed=0, epoch=1, n=len(y))
    assert sorted(order) == list(range(len(y)))

    ours = compiled_model()
    group = group_of_one(ours)
    run_epoch = training.make_epoch_function(group, batch_size=50)
    loss, accuracy = run_epoch(tf.constant(x), tf.constant(y), tf.constant(order[None]))
    group.to_models([0])

    # fit() without shuffling, on the images already in our order, sees the same batches.
    reference = compiled_model()
    history = reference.fit(x[order], y[order], batch_size=50, shuffle=False, epochs=1, verbose=0)
    logs = {key: values[0] for key, values in history.history.items()}

    # 9 batches, the last one of 20 samples; the weights agree bit for bit.
    assert int(group.optimizer.iterations) == int(reference.optimizer.iterations) == 9
    assert int(ours.optimizer.iterations) == 9
    for mine, theirs in zip(ours.get_weights(), reference.get_weights(), strict=True):
        assert np.array_equal(mine, theirs)
    assert float(loss) == pytest.approx(float(logs["loss"]), rel=1e-5)
    assert float(accuracy) == pytest.approx(float(logs["accuracy"]), rel=1e-6)


def test_epoch_order_depends_only_on_seed_and_epoch():
    first = training.epoch_order(seed=3, epoch=2, n=100)
    assert np.array_equal(first, training.epoch_order(seed=3, epoch=2, n=100))
    assert not np.array_equal(first, training.epoch_order(seed=3, epoch=3, n=100))
    assert not np.array_equal(first, training.epoch_order(seed=4, epoch=2, n=100))


def test_evaluate_function_matches_keras_evaluate():
    model = compiled_model()
    x = training.prepare_inputs(X_TEST, "raw")
    y = Y_TEST.astype(np.int32)
    loss, accuracy, predicted = training.make_evaluate_function(group_of_one(model))(x, y)
    keras_loss, keras_accuracy = model.evaluate(x, y, batch_size=len(y), verbose=0)
    assert float(loss) == pytest.approx(keras_loss, rel=1e-6)
    assert float(accuracy) == pytest.approx(keras_accuracy, rel=1e-6)
    assert np.array_equal(predicted, model.predict(x, verbose=0).argmax(axis=1))


def test_train_writes_outputs(tmp_path):
    metrics = run_train(tmp_path, epochs=5, target_val_accuracy=0.5)
    assert {p.name for p in tmp_path.iterdir()} == {
        "history.csv",
        "metrics.json",
        "summary.txt",
        "model.keras",
    }
    columns, rows = read_history(tmp_path / "history.csv")
    assert tuple(columns) == history.COLUMNS
    assert [int(row["epoch"]) for row in rows] == [1, 2, 3, 4, 5]
    assert all(float(row["seconds"]) > 0 for row in rows)
    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics
    assert metrics["epochs"] == metrics["epochs_completed"] == 5
    assert metrics["n_params"] == 35_090 and metrics["diverged"] is False
    assert metrics["test_accuracy"] > 0.5, "the synthetic task should be learnable"
    val_accuracy = [float(row["val_accuracy"]) for row in rows]
    assert metrics["best_val_accuracy"] == max(val_accuracy)
    assert metrics["best_epoch"] == val_accuracy.index(max(val_accuracy)) + 1
    reached = next(i for i, acc in enumerate(val_accuracy) if acc >= 0.5)
    assert metrics["epochs_to_target"] == reached + 1
    seconds = [float(row["seconds"]) for row in rows]
    assert metrics["time_to_target_seconds"] == pytest.approx(sum(seconds[: reached + 1]))
    assert metrics["train_seconds"] == pytest.approx(sum(seconds))
    assert "35,090" in (tmp_path / "summary.txt").read_text()
    assert metrics["resumed_from_epoch"] is None
    matrix = np.array(metrics["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == len(Y_TEST)
    assert np.array_equal(matrix.sum(axis=1), np.bincount(Y_TEST, minlength=10))
    assert np.trace(matrix) / len(Y_TEST) == pytest.approx(metrics["test_accuracy"])
    assert matrix.sum(axis=0).argmax() == metrics["majority_prediction"]
    fit_labels = Y_TRAIN[: int(len(Y_TRAIN) * 0.7)]
    assert metrics["class_entropy"] == pytest.approx(training.class_entropy(fit_labels))
    assert len(metrics["dead_units"]) == 3 and all(0 <= n <= 40 for n in metrics["dead_units"])


def test_confusion_matrix_counts_pairs():
    matrix = training.confusion_matrix([0, 0, 1, 9], [0, 1, 1, 1])
    assert matrix[0, 0] == 1 and matrix[0, 1] == 1 and matrix[1, 1] == 1 and matrix[9, 1] == 1
    assert matrix.sum() == 4


def test_class_entropy():
    assert training.class_entropy(np.arange(10).repeat(7)) == pytest.approx(np.log(10))
    assert training.class_entropy(np.zeros(5, dtype=int)) == 0.0
    # Two classes in proportion 1:3.
    expected = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    assert training.class_entropy([2, 5, 5, 5]) == pytest.approx(expected)


def test_dead_units_counts_units_silent_on_every_input():
    model = training.build_model()
    first = model.layers[0]
    kernel, bias = first.get_weights()
    kernel[:, :7] = -1.0  # non-negative pixels: these 7 units never fire
    bias[:7] = 0.0
    kernel[:, 7:] = np.abs(kernel[:, 7:]) + 0.01
    bias[7:] = 0.1
    first.set_weights([kernel, bias])
    x = training.prepare_inputs(X_TEST, "scaled")
    assert training.count_dead_units(model, tf.constant(x))[0] == 7


def test_target_never_reached_is_null(tmp_path):
    metrics = run_train(tmp_path, epochs=1, target_val_accuracy=1.01)
    assert metrics["time_to_target_seconds"] is None and metrics["epochs_to_target"] is None


def test_divergence_is_recorded_not_raised(tmp_path):
    metrics = run_train(
        tmp_path,
        optimizer_class="SGD",
        optimizer_args={"learning_rate": 1e6},
        variant="raw",
        epochs=10,
    )
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == metrics
    assert saved["diverged"] is True
    assert saved["epochs_completed"] < 10
    assert saved["test_loss"] is None
    assert saved["best_val_accuracy"] is None and saved["best_epoch"] is None
    _, rows = read_history(tmp_path / "history.csv")
    assert len(rows) == saved["epochs_completed"]
    assert not np.isfinite(float(rows[-1]["loss"]))
    assert not (tmp_path / "backup").exists()


def test_test_figures_at_new_validation_minima_are_those_of_a_run_stopped_there(tmp_path):
    """Early stopping can be read from the history: a shorter run is a prefix of a longer one."""
    run_train(tmp_path / "long", epochs=6, optimizer_args={"learning_rate": 0.03})
    _, rows = read_history(tmp_path / "long" / "history.csv")
    val_loss = [float(row["val_loss"]) for row in rows]
    minima = [i for i, loss in enumerate(val_loss) if loss < min(val_loss[:i], default=np.inf)]
    recorded = [i for i, row in enumerate(rows) if np.isfinite(float(row["test_accuracy"]))]
    assert recorded == minima and 0 in minima
    stop = minima[-1]
    short = run_train(tmp_path / "short", epochs=stop + 1, optimizer_args={"learning_rate": 0.03})
    assert float(rows[stop]["test_accuracy"]) == short["test_accuracy"]
    assert float(rows[stop]["test_loss"]) == short["test_loss"]


def test_same_seed_same_results(tmp_path):
    first = run_train(tmp_path / "a", epochs=3)
    second = run_train(tmp_path / "b", epochs=3)
    timing = ("train_seconds", "time_to_target_seconds")
    assert {k: v for k, v in first.items() if k not in timing} == {
        k: v for k, v in second.items() if k not in timing
    }
    _, rows_a = read_history(tmp_path / "a" / "history.csv")
    _, rows_b = read_history(tmp_path / "b" / "history.csv")
    assert [row["val_loss"] for row in rows_a] == [row["val_loss"] for row in rows_b]


DRIVER = """
import sys
sys.path.insert(0, {tests_dir!r})
from test_training import X_TRAIN, Y_TRAIN, X_TEST, Y_TEST
from optireport.training.trainer import train_group

train_group(X_TRAIN.repeat(8, axis=0), Y_TRAIN.repeat(8), X_TEST, Y_TEST, runs={runs!r},
            optimizer_class="Adam", optimizer_args={{}}, epochs={epochs}, batch_size=50,
            validation_split=0.3, threads=1, variant="scaled")
"""


def test_killed_group_resumes_exactly(tmp_path):
    """kill -9 a group of two models; the rerun resumes both and equals an uninterrupted run."""
    epochs = 40
    runs = [(0, str(tmp_path / "run" / "seed0")), (1, str(tmp_path / "run" / "seed1"))]
    driver = tmp_path / "driver.py"
    tests_dir = os.path.dirname(__file__)
    driver.write_text(DRIVER.format(tests_dir=tests_dir, epochs=epochs, runs=runs))
    second_commit = tmp_path / "run" / "seed1" / "backup" / "epoch-0002.state.json"

    with open(tmp_path / "first.log", "w") as log:
        process = subprocess.Popen([sys.executable, str(driver)], stdout=log, stderr=log)
        deadline = time.monotonic() + 300  # TensorFlow starts slowly on a loaded machine
        while time.monotonic() < deadline and process.poll() is None:
            if second_commit.exists():
                break
            time.sleep(0.01)
        assert second_commit.exists(), "the run finished or crashed before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
    for _, out_dir in runs:
        assert not (tmp_path / out_dir / "metrics.json").exists()
    newest = max((tmp_path / "run" / "seed1" / "backup").glob("epoch-*.state.json"))
    killed_at = json.loads(newest.read_text())["epoch"]
    assert 2 <= killed_at < epochs

    second = subprocess.run(
        [sys.executable, str(driver)], capture_output=True, text=True, timeout=900, check=True
    )
    resumed_at = int(second.stdout.split("Reanudando desde la época ")[1].split()[0])
    assert resumed_at >= killed_at - 1  # a kill between two members' commits costs one
    assert f"Época {resumed_at + 1}/{epochs}" in second.stdout
    assert f"Época {resumed_at}/{epochs}" not in second.stdout

    # Weights and optimizer state are restored, so the resumed run equals an uninterrupted one.
    uninterrupted = [(seed, tmp_path / "uninterrupted" / f"seed{seed}") for seed, _ in runs]
    references = training.train_group(
        X_TRAIN.repeat(8, axis=0),
        Y_TRAIN.repeat(8),
        X_TEST,
        Y_TEST,
        runs=uninterrupted,
        optimizer_class="Adam",
        optimizer_args={},
        epochs=epochs,
        batch_size=50,
        validation_split=0.3,
        threads=1,
        variant="scaled",
    )
    for (_, out_dir), reference, (_, reference_dir) in zip(
        runs, references, uninterrupted, strict=True
    ):
        _, rows = read_history(f"{out_dir}/history.csv")
        assert [int(row["epoch"]) for row in rows] == list(range(1, epochs + 1))
        metrics = json.loads(Path(out_dir, "metrics.json").read_text())
        assert metrics["epochs_completed"] == epochs and metrics["resumed_from_epoch"] == resumed_at
        assert metrics["interrupted_seconds"] > 0
        assert not Path(out_dir, "backup").exists()
        assert without_timing(metrics) == without_timing(reference)
        _, expected = read_history(reference_dir / "history.csv")
        without_time = [{k: v for k, v in row.items() if k != "seconds"} for row in expected]
        assert [{k: v for k, v in row.items() if k != "seconds"} for row in rows] == without_time


class Interrupted(Exception):
    pass


def interrupted_run(out_dir, monkeypatch, epochs, stop_at):
    """Train until epoch ``stop_at`` fails, leaving the backups of the epochs before it."""
    print_epoch = training._print_epoch

    def stop(member, total):
        if member.rows[-1]["epoch"] == stop_at:
            raise Interrupted
        print_epoch(member, total)

    monkeypatch.setattr(training, "_print_epoch", stop)
    with pytest.raises(Interrupted):
        run_train(out_dir, epochs=epochs)
    monkeypatch.setattr(training, "_print_epoch", print_epoch)


def without_timing(metrics):
    skip = {"train_seconds", "time_to_target_seconds", "resumed_from_epoch", "interrupted_seconds"}
    return {key: value for key, value in metrics.items() if key not in skip}


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_checkpoints_are_spaced_by_time(tmp_path, monkeypatch):
    """With an interval longer than the run, an interruption leaves no commit to resume."""
    reference = run_train(tmp_path / "reference", epochs=4)
    out_dir = tmp_path / "run"
    monkeypatch.setenv(checkpoint.SECONDS_VARIABLE, "3600")
    interrupted_run(out_dir, monkeypatch, epochs=4, stop_at=3)
    assert not list((out_dir / "backup").glob("epoch-*"))
    metrics = run_train(out_dir, epochs=4)
    assert metrics["resumed_from_epoch"] is None
    assert without_timing(metrics) == without_timing(reference)


@pytest.mark.parametrize(
    ("damage", "resumed_from"),
    [("weights", 1), ("state", 1), ("history", 1), ("every commit", None)],
)
def test_unreadable_checkpoint_is_discarded(tmp_path, monkeypatch, capsys, damage, resumed_from):
    reference = run_train(tmp_path / "reference", epochs=4)
    out_dir = tmp_path / "run"
    interrupted_run(out_dir, monkeypatch, epochs=4, stop_at=3)
    backup = out_dir / "backup"
    assert sorted(path.name for path in backup.iterdir()) == [
        "epoch-0001.state.json",
        "epoch-0001.weights.h5",
        "epoch-0002.state.json",
        "epoch-0002.weights.h5",
    ]
    newest = backup / "epoch-0002.state.json"
    if damage == "weights":
        truncate(backup / "epoch-0002.weights.h5")
    elif damage == "state":
        truncate(newest)
    elif damage == "history":
        state = json.loads(newest.read_text())
        state["history"][0]["loss"] = "garbage"
        newest.write_text(json.dumps(state))
    else:
        truncate(newest)
        (backup / "epoch-0001.state.json").write_text("garbage")
    capsys.readouterr()

    metrics = run_train(out_dir, epochs=4)
    log = capsys.readouterr().out
    assert "Aviso: la copia de seguridad" in log and "se descarta" in log
    assert metrics["resumed_from_epoch"] == resumed_from
    # Resumed from the last good commit (or from scratch): the same run as an uninterrupted one.
    assert without_timing(metrics) == without_timing(reference)
    assert not backup.exists()
