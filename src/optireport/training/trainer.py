"""Train the seed notebook's MNIST MLP with one optimizer and record the run.

The algorithm is the notebook's ``model.fit(x, y, batch_size=50, validation_split=0.3)``:
the last 30 % of the training images are held out, the rest is reshuffled every epoch and
fed in mini-batches to Keras's own loss and ``optimizer.apply``. The speed comes from
running a whole epoch as one ``tf.function`` call that slices batches out of tensors already
in memory (no ``tf.data`` pipeline), single-threaded TF pools and one-batch validation.
"""

import json
import math
import shutil
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from optireport.store import atomic, history
from optireport.training import checkpoint

VARIANTS = ("raw", "scaled")
# Bumped whenever the history's columns change, so an older backup is not resumed.
TRAINER = "epoch-loop-2"
# Flattened images and int32 labels (or sample indices) of any length: one trace per function.
_IMAGES = tf.TensorSpec([None, 784], tf.float32)
_LABELS = tf.TensorSpec([None], tf.int32)


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
    checkpoint_seconds=None,
):
    """Train one optimizer, resuming from ``out_dir/backup`` if present; return the metrics.

    A checkpoint is saved once ``checkpoint_seconds`` of training have passed since the last
    one (default: ``checkpoint.interval()``).

    Writes ``history.csv``, ``summary.txt``, ``model.keras`` and finally ``metrics.json``.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "metrics.json").unlink(missing_ok=True)
    backup_dir = out_dir / checkpoint.DIRNAME
    checkpoint_seconds = checkpoint.interval(checkpoint_seconds)

    configure_runtime(threads, seed)
    (x_fit, y_fit), (x_val, y_val) = split_validation(
        prepare_inputs(x_train, variant), _labels(y_train), validation_split
    )
    x_fit, y_fit, x_val, y_val = map(tf.constant, (x_fit, y_fit, x_val, y_val))
    x_test, y_test = tf.constant(prepare_inputs(x_test, variant)), tf.constant(_labels(y_test))

    model = build_model()
    model.compile(
        optimizer=make_optimizer(optimizer_class, optimizer_args),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        # Not used by the loop below; saved with model.keras for model.evaluate() by readers.
        metrics=["accuracy"],
    )
    # Summarize before the optimizer is built, so its variables are not counted as the model's.
    summary_lines = []
    model.summary(
        print_fn=lambda text, line_break=True: summary_lines.append(text + "\n" * line_break)
    )
    model.optimizer.build(model.trainable_variables)
    run_epoch = make_epoch_function(model, batch_size)
    evaluate = make_evaluate_function(model)

    fingerprint = {
        # A backup from another training loop (e.g. the former model.fit one) is not resumed.
        "trainer": TRAINER,
        "optimizer_class": optimizer_class,
        "optimizer_args": optimizer_args,
        "epochs": epochs,
        "batch_size": batch_size,
        "validation_split": validation_split,
        "seed": seed,
        "variant": variant,
        "train_shape": list(np.shape(x_train)),
    }
    rows, interrupted_seconds = checkpoint.restore(model, backup_dir, fingerprint)
    initial_epoch = len(rows)
    if initial_epoch:
        print(f"Reanudando desde la época {initial_epoch}", flush=True)

    diverged = False
    best_val_loss = min(
        (row["val_loss"] for row in rows if math.isfinite(row["val_loss"])), default=math.inf
    )
    last_checkpoint = time.perf_counter()
    for epoch in range(initial_epoch + 1, epochs + 1):
        start = time.perf_counter()
        order = tf.constant(epoch_order(seed, epoch, len(y_fit)))
        loss, accuracy = run_epoch(x_fit, y_fit, order)
        val_loss, val_accuracy, _ = evaluate(x_val, y_val)
        values = (float(loss), float(accuracy), float(val_loss), float(val_accuracy))
        row = {"epoch": epoch, **dict(zip(history.COLUMNS[1:5], values, strict=True))}
        row["seconds"] = time.perf_counter() - start
        row["test_loss"] = row["test_accuracy"] = math.nan
        if math.isfinite(row["val_loss"]) and row["val_loss"] < best_val_loss:
            best_val_loss = row["val_loss"]
            epoch_test_loss, epoch_test_accuracy, _ = evaluate(x_test, y_test)
            row["test_loss"] = float(epoch_test_loss)
            row["test_accuracy"] = float(epoch_test_accuracy)
        rows.append(row)
        _print_epoch(row, epochs)
        if not math.isfinite(row["loss"]):
            diverged = True
            print(
                f"La pérdida no es finita en la época {epoch}: entrenamiento detenido", flush=True
            )
            break
        if time.perf_counter() - last_checkpoint >= checkpoint_seconds:
            elapsed = interrupted_seconds + time.perf_counter() - started
            checkpoint.save(model, backup_dir, rows, fingerprint, elapsed)
            last_checkpoint = time.perf_counter()
    # As at the end of fit(): an optimizer with use_ema=True swaps in its averaged weights.
    model.optimizer.finalize_variable_values(model.trainable_variables)

    test_loss, test_accuracy, predicted = (value.numpy() for value in evaluate(x_test, y_test))
    # A collapsed network answers (almost) one digit for every image.
    counts = np.bincount(predicted, minlength=10)
    dead_units = count_dead_units(model, x_test)
    y_test = y_test.numpy()

    metrics = {
        "optimizer_class": optimizer_class,
        "optimizer_args": optimizer_args,
        "variant": variant,
        "seed": seed,
        "threads": threads,
        "epochs": epochs,
        "epochs_completed": len(rows),
        "batch_size": batch_size,
        "validation_split": validation_split,
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "train_seconds": sum(row["seconds"] for row in rows),
        "diverged": diverged,
        "majority_prediction": int(counts.argmax()),
        "majority_prediction_share": float(counts.max() / counts.sum()),
        # What always answering that digit scores on this test set.
        "majority_prediction_label_share": float(np.mean(y_test == counts.argmax())),
        # Evidence for explaining a collapse: rows are true digits, columns predicted ones.
        "confusion_matrix": confusion_matrix(y_test, predicted).tolist(),
        # The training loss of a network that outputs the class proportions of its data.
        "class_entropy": class_entropy(y_fit.numpy()),
        # Hidden ReLU units that output 0 for every test image, per hidden layer.
        "dead_units": dead_units,
        "resumed_from_epoch": initial_epoch or None,
        # Wall seconds the interrupted attempts spent up to their last saved epoch: the job's
        # benchmark file covers only this last attempt.
        "interrupted_seconds": interrupted_seconds,
        "n_params": model.count_params(),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
    }
    metrics.update(summarize_history(rows, target_val_accuracy))

    history.write(out_dir / history.FILENAME, rows)
    atomic.write_text(out_dir / "summary.txt", "".join(summary_lines))
    with atomic.replacing(out_dir / "model.keras") as temporary:
        model.save(temporary)
    # metrics.json last: it is the rule's commit point, written only once the rest is on disk.
    atomic.write_text(
        out_dir / "metrics.json", json.dumps(_json_safe(metrics), indent=2, allow_nan=False) + "\n"
    )
    shutil.rmtree(backup_dir, ignore_errors=True)
    state = "DIVERGIÓ" if diverged else "terminado"
    print(f"Entrenamiento {state}: exactitud en test={test_accuracy:.4f}", flush=True)
    return _json_safe(metrics)


def confusion_matrix(labels, predicted):
    """10×10 counts: row = true digit, column = predicted digit."""
    matrix = np.zeros((10, 10), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predicted)), 1)
    return matrix


def class_entropy(labels):
    """Entropy (nats) of the digit frequencies in ``labels``.

    It is the cross-entropy loss of a model that ignores its input and always outputs
    those frequencies, the best such a model can do.
    """
    share = np.bincount(np.asarray(labels), minlength=10) / len(labels)
    share = share[share > 0]
    return float(-(share * np.log(share)).sum())


def count_dead_units(model, x):
    """Per hidden Dense layer with ReLU, how many units output 0 for every row of ``x``."""
    dead, activations = [], x
    for layer in model.layers[:-1]:
        activations = layer(activations)
        dead.append(int(np.all(activations.numpy() == 0, axis=0).sum()))
    return dead


def epoch_order(seed, epoch, n):
    """Order of the ``n`` training samples in ``epoch``; it depends only on (seed, epoch).

    A resumed run therefore sees exactly the batches an uninterrupted one would.
    """
    return np.random.default_rng([seed, epoch]).permutation(n).astype(np.int32)


def make_epoch_function(model, batch_size):
    """Return ``run_epoch(x, y, order)``: one epoch of mini-batch updates in one TF call.

    Each step does what Keras's ``train_step`` does: forward pass, ``model.compute_loss``
    (compiled loss plus any layer losses), gradients and ``optimizer.apply``. Batches are
    consecutive slices of ``order``; the last one may be shorter. Returns the epoch's
    training loss and accuracy averaged over samples, the figures ``fit`` reports.
    The optimizer must already be built.
    """
    variables = model.trainable_variables

    @tf.function(input_signature=(_IMAGES, _LABELS, _LABELS))
    def run_epoch(x, y, order):
        n = tf.shape(order)[0]

        def step(i, loss_sum, hits):
            batch = order[i * batch_size : (i + 1) * batch_size]
            x_batch, y_batch = tf.gather(x, batch), tf.gather(y, batch)
            with tf.GradientTape() as tape:
                probabilities = model(x_batch, training=True)
                loss = model.compute_loss(y=y_batch, y_pred=probabilities, training=True)
                scaled = model.optimizer.scale_loss(loss)
            model.optimizer.apply(tape.gradient(scaled, variables), variables)
            size = tf.cast(tf.shape(batch)[0], tf.float32)
            return i + 1, loss_sum + loss * size, hits + _hits(y_batch, probabilities)

        steps = (n + batch_size - 1) // batch_size
        zero = tf.constant(0.0)
        _, loss_sum, hits = tf.while_loop(
            lambda i, *_: i < steps, step, (tf.constant(0), zero, zero)
        )
        return loss_sum / tf.cast(n, tf.float32), hits / tf.cast(n, tf.float32)

    return run_epoch


def make_evaluate_function(model):
    """Return ``evaluate(x, y)`` → (loss, accuracy, predicted digits), in one batch."""

    @tf.function(input_signature=(_IMAGES, _LABELS))
    def evaluate(x, y):
        probabilities = model(x, training=False)
        loss = model.compute_loss(y=y, y_pred=probabilities, training=False)
        accuracy = _hits(y, probabilities) / tf.cast(tf.shape(y)[0], tf.float32)
        return loss, accuracy, tf.argmax(probabilities, axis=1)

    return evaluate


def _hits(y, probabilities):
    """Number of samples whose most probable digit is the label (Keras's ``accuracy``)."""
    predicted = tf.argmax(probabilities, axis=1, output_type=y.dtype)
    return tf.reduce_sum(tf.cast(tf.equal(predicted, y), tf.float32))


def _labels(y):
    return np.asarray(y).astype(np.int32)


def _print_epoch(row, epochs):
    print(
        f"Época {row['epoch']}/{epochs}: pérdida={row['loss']:.4f}, "
        f"exactitud={row['accuracy']:.4f}, pérdida de validación={row['val_loss']:.4f}, "
        f"exactitud de validación={row['val_accuracy']:.4f} ({row['seconds']:.2f} s)",
        flush=True,
    )


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
