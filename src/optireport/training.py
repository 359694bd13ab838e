"""Train the seed notebook's MNIST MLP with one optimizer and record the run.

The math is the notebook's ``model.fit(x, y, batch_size=50, validation_split=0.3)``;
the speed comes from running a whole epoch per ``tf.function`` call
(``steps_per_execution``), single-threaded TF pools and one-batch validation.
Training weights stay bit-identical to the plain fit.
"""

import csv
import json
import math
import os
import shutil
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

VARIANTS = ("raw", "scaled")
HISTORY_COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds")
BACKUP_DIRNAME = "backup"
_STATE_FILE = "state.json"
_BACKUP_HISTORY_FILE = "history.csv"


def prepare_inputs(x, variant):
    """Flatten (n, 28, 28) images to (n, 784) float32, raw 0..255 or scaled to 0..1."""
    if variant not in VARIANTS:
        raise ValueError(
            f"Variante de entrada desconocida: {variant!r} (se espera 'raw' o 'scaled')"
        )
    x = np.asarray(x)
    if x.ndim < 2 or math.prod(x.shape[1:]) != 784:
        raise ValueError(f"Se esperaban imágenes de 28x28 píxeles; forma recibida: {x.shape}")
    flat = x.reshape(len(x), 784).astype(np.float32)
    return flat / np.float32(255) if variant == "scaled" else flat


def build_model():
    """Seed MLP: 784 → 40 → 40 → 40 (ReLU) → 10 (softmax); 35,090 parameters."""
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(40, activation="relu"),
            keras.layers.Dense(40, activation="relu"),
            keras.layers.Dense(40, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def make_optimizer(class_name, args):
    """Instantiate ``keras.optimizers.<class_name>(**args)``."""
    if not hasattr(keras.optimizers, class_name):
        raise ValueError(f"Optimizador desconocido en keras.optimizers: {class_name!r}")
    return getattr(keras.optimizers, class_name)(**args)


def configure_runtime(threads, seed):
    """Set both TF thread pools, reset Keras state, seed everything, make ops deterministic.

    The thread pools can only be changed before TF runs its first op; if that
    already happened with other values, a warning is printed and they stay as they are.
    """
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        print(
            f"Aviso: TensorFlow ya estaba inicializado; no se pudo fijar threads={threads} "
            f"(intra={tf.config.threading.get_intra_op_parallelism_threads()}, "
            f"inter={tf.config.threading.get_inter_op_parallelism_threads()})",
            flush=True,
        )
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def split_validation(x, y, validation_split):
    """Split off the last ``validation_split`` fraction, like ``fit(validation_split=...)``."""
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split debe estar entre 0 y 1 (exclusivo): {validation_split}")
    split_at = int(math.floor(len(x) * (1.0 - validation_split)))
    return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])


def train(
    x_train,
    y_train,
    x_test,
    y_test,
    *,
    optimizer_class,
    optimizer_args,
    epochs,
    batch_size,
    validation_split,
    seed,
    threads,
    variant,
    out_dir,
    target_val_accuracy=None,
):
    """Train one optimizer, resuming from ``out_dir/backup`` if present; return the metrics.

    Writes ``history.csv``, ``summary.txt``, ``model.keras`` and finally ``metrics.json``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "metrics.json").unlink(missing_ok=True)
    backup_dir = out_dir / BACKUP_DIRNAME

    configure_runtime(threads, seed)
    (x_fit, y_fit), (x_val, y_val) = split_validation(
        prepare_inputs(x_train, variant), np.asarray(y_train), validation_split
    )
    x_test = prepare_inputs(x_test, variant)
    steps_per_epoch = math.ceil(len(x_fit) / batch_size)

    model = build_model()
    model.compile(
        optimizer=make_optimizer(optimizer_class, optimizer_args),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_epoch,
    )
    # Summarize before training, while the optimizer has no variables to count.
    summary_lines = []
    model.summary(
        print_fn=lambda text, line_break=True: summary_lines.append(text + "\n" * line_break)
    )
    fingerprint = {
        "optimizer_class": optimizer_class,
        "optimizer_args": optimizer_args,
        "epochs": epochs,
        "batch_size": batch_size,
        "validation_split": validation_split,
        "seed": seed,
        "variant": variant,
        "train_shape": list(np.shape(x_train)),
    }
    history = _restore_backup(model, backup_dir, fingerprint)
    initial_epoch = len(history)
    if initial_epoch:
        print(f"Reanudando desde la época {initial_epoch}", flush=True)

    recorder = _EpochRecorder(history, epochs, backup_dir, fingerprint)
    if initial_epoch < epochs:
        model.fit(
            x_fit,
            y_fit,
            batch_size=batch_size,
            epochs=epochs,
            initial_epoch=initial_epoch,
            validation_data=(x_val, y_val),
            validation_batch_size=len(x_val),
            verbose=0,
            callbacks=[recorder],
        )
    test_loss, test_accuracy = model.evaluate(
        x_test, np.asarray(y_test), batch_size=len(x_test), verbose=0
    )
    # A collapsed network answers (almost) one digit for every image.
    predicted = np.argmax(model.predict(x_test, batch_size=len(x_test), verbose=0), axis=1)
    counts = np.bincount(predicted, minlength=10)

    metrics = {
        "optimizer_class": optimizer_class,
        "optimizer_args": optimizer_args,
        "variant": variant,
        "seed": seed,
        "threads": threads,
        "epochs": epochs,
        "epochs_completed": len(history),
        "batch_size": batch_size,
        "validation_split": validation_split,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "train_seconds": sum(row["seconds"] for row in history),
        "diverged": recorder.diverged,
        "majority_prediction": int(counts.argmax()),
        "majority_prediction_share": float(counts.max() / counts.sum()),
        # What always answering that digit scores on this test set.
        "majority_prediction_label_share": float(np.mean(np.asarray(y_test) == counts.argmax())),
        "resumed_from_epoch": initial_epoch or None,
        "n_params": model.count_params(),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
    }
    metrics.update(summarize_history(history, target_val_accuracy))

    _write_text_atomic(out_dir / "history.csv", _history_csv(history))
    _write_text_atomic(out_dir / "summary.txt", "".join(summary_lines))
    tmp_model = out_dir / ".tmp-model.keras"
    model.save(tmp_model)
    os.replace(tmp_model, out_dir / "model.keras")
    _write_text_atomic(
        out_dir / "metrics.json", json.dumps(_json_safe(metrics), indent=2, allow_nan=False) + "\n"
    )
    shutil.rmtree(backup_dir, ignore_errors=True)
    state = "DIVERGIÓ" if recorder.diverged else "terminado"
    print(f"Entrenamiento {state}: exactitud en test={test_accuracy:.4f}", flush=True)
    return _json_safe(metrics)


def summarize_history(history, target_val_accuracy=None):
    """Best validation epoch and time/epochs to reach ``target_val_accuracy`` (None if never).

    Epochs with a non-finite validation loss (diverged weights) never count as best or on target.
    """
    finite = [row for row in history if math.isfinite(row["val_loss"])]
    best = max(finite, key=lambda row: row["val_accuracy"], default=None)
    summary = {
        "best_val_accuracy": best["val_accuracy"] if best else None,
        "best_epoch": best["epoch"] if best else None,
        "target_val_accuracy": target_val_accuracy,
        "time_to_target_seconds": None,
        "epochs_to_target": None,
    }
    if target_val_accuracy is not None:
        elapsed = 0.0
        for row in history:
            elapsed += row["seconds"]
            if math.isfinite(row["val_loss"]) and row["val_accuracy"] >= target_val_accuracy:
                summary["time_to_target_seconds"] = elapsed
                summary["epochs_to_target"] = row["epoch"]
                break
    return summary


class _EpochRecorder(keras.callbacks.Callback):
    """Time each epoch, print progress, stop on NaN/inf loss and checkpoint the epoch."""

    def __init__(self, history, epochs, backup_dir, fingerprint):
        super().__init__()
        self.history = history
        self.epochs = epochs
        self.backup_dir = backup_dir
        self.fingerprint = fingerprint
        self.diverged = False
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1, **{key: float(logs[key]) for key in HISTORY_COLUMNS[1:5]}}
        row["seconds"] = time.perf_counter() - self._start
        self.history.append(row)
        print(
            f"Época {row['epoch']}/{self.epochs}: pérdida={row['loss']:.4f}, "
            f"exactitud={row['accuracy']:.4f}, pérdida de validación={row['val_loss']:.4f}, "
            f"exactitud de validación={row['val_accuracy']:.4f} ({row['seconds']:.2f} s)",
            flush=True,
        )
        if not math.isfinite(row["loss"]):
            self.diverged = True
            self.model.stop_training = True
            print(
                f"La pérdida no es finita en la época {row['epoch']}: entrenamiento detenido",
                flush=True,
            )
            return
        self._checkpoint(row["epoch"])

    def _checkpoint(self, epoch):
        """Save weights+optimizer state, then history, then the state file (the commit point)."""
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        weights_name = f"epoch-{epoch:04d}.weights.h5"
        tmp_weights = self.backup_dir / ".tmp.weights.h5"
        self.model.save_weights(tmp_weights)
        os.replace(tmp_weights, self.backup_dir / weights_name)
        _write_text_atomic(self.backup_dir / _BACKUP_HISTORY_FILE, _history_csv(self.history))
        state = {"epoch": epoch, "weights": weights_name, "config": self.fingerprint}
        _write_text_atomic(self.backup_dir / _STATE_FILE, json.dumps(state))
        for old in self.backup_dir.glob("epoch-*.weights.h5"):
            if old.name != weights_name:
                old.unlink()


def _restore_backup(model, backup_dir, fingerprint):
    """Load the last committed epoch from ``backup_dir``; return its history rows."""
    state_path = backup_dir / _STATE_FILE
    if not state_path.exists():
        shutil.rmtree(backup_dir, ignore_errors=True)
        return []
    state = json.loads(state_path.read_text(encoding="utf-8"))
    if state["config"] != json.loads(json.dumps(fingerprint)):
        print("La copia de seguridad corresponde a otra configuración: se descarta", flush=True)
        shutil.rmtree(backup_dir)
        return []
    model.optimizer.build(model.trainable_variables)
    model.load_weights(backup_dir / state["weights"])
    with open(backup_dir / _BACKUP_HISTORY_FILE, newline="", encoding="utf-8") as f:
        rows = [{key: float(value) for key, value in row.items()} for row in csv.DictReader(f)]
    history = [
        {**row, "epoch": int(row["epoch"])} for row in rows if row["epoch"] <= state["epoch"]
    ]
    if [row["epoch"] for row in history] != list(range(1, state["epoch"] + 1)):
        raise RuntimeError(f"Historial de la copia de seguridad incompleto en {backup_dir}")
    return history


def _history_csv(history):
    lines = [",".join(HISTORY_COLUMNS)]
    lines += [",".join(repr(row[key]) for key in HISTORY_COLUMNS) for row in history]
    return "\n".join(lines) + "\n"


def _write_text_atomic(path, text):
    """Write ``text`` to a temporary file next to ``path``, fsync it, then rename over ``path``."""
    tmp = path.with_name(f".tmp-{path.name}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _json_safe(value):
    """Convert numpy scalars to Python numbers and NaN/inf to None, recursively."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
