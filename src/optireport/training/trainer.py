"""Train the seed notebook's MNIST MLP, a group of models at once, and record each run.

The algorithm is the notebook's ``model.fit(x, y, batch_size=50, validation_split=0.3)``:
the last 30 % of the training images are held out, the rest is reshuffled every epoch and
fed in mini-batches to Keras's own loss and ``optimizer.apply``. The speed comes from
running a whole epoch as one ``tf.function`` call that slices batches out of tensors already
in memory (no ``tf.data`` pipeline), single-threaded TF pools and one-batch validation.

A group (the seeds of one configuration, the rates of one grid) trains in one such call:
each layer's weights are stacked into ``[S, in, out]`` variables, one batched matmul per
layer serves every model, and Keras's optimizer updates the stacked variables with a
``[S, 1, 1]`` learning rate. Each model keeps its own initialisation, epoch order and rate,
and writes its own outputs; a group of one is exactly the plain model (no group axis).
"""

import json
import math
import shutil
import time
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from optireport.store import atomic, history
from optireport.training import checkpoint, optimizers

VARIANTS = ("raw", "scaled")
# Bumped whenever the history's columns or the backup's layout change, so an older backup is
# not resumed.
TRAINER = "group-loop-1"
# Flattened images, int32 labels and per-model sample orders: one trace per function.
_IMAGES = tf.TensorSpec([None, 784], tf.float32)
_LABELS = tf.TensorSpec([None], tf.int32)
_ORDERS = tf.TensorSpec([None, None], tf.int32)
# Optimizers whose update of a weight reads only that weight's own gradient history, so
# models stacked along a new axis train independently. Lamb (per-layer norms) and Muon
# (whole matrices) do not; neither do the norm-clipping arguments.
COUPLED = ("Lamb", "Muon")
ELEMENTWISE = tuple(name for name in optimizers.CLASSES if name not in COUPLED)
COUPLING_ARGS = ("clipnorm", "global_clipnorm")


class Run(NamedTuple):
    """One model of a group: its seed, its output folder and, if given, its learning rate."""

    seed: int
    out_dir: str | Path
    learning_rate: float | None = None


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
    """Instantiate ``keras.optimizers.<class_name>(**args)``.

    A rate written as a whole number in YAML (``learning_rate: 1000``) reaches here as an int,
    which Keras refuses: it is passed as the float it stands for.
    """
    if not hasattr(keras.optimizers, class_name):
        raise ValueError(f"Optimizador desconocido en keras.optimizers: {class_name!r}")
    args = dict(args)
    if isinstance(args.get("learning_rate"), int) and not isinstance(args["learning_rate"], bool):
        args["learning_rate"] = float(args["learning_rate"])
    return getattr(keras.optimizers, class_name)(**args)


def make_group_optimizer(class_name, args, rates):
    """``keras.optimizers.<class_name>`` whose learning rate is one per stacked model.

    Keras reads the rate through ``_get_current_learning_rate()`` (a private hook, pinned by
    a test); a ``[S, 1, 1]`` rate scales each model's slice of every ``[S, ...]`` variable.
    With one rate it is a scalar, as in a plain optimizer.
    """
    rate = tf.constant(np.reshape(np.float32(rates), (-1, 1, 1) if len(rates) > 1 else ()))

    class GroupOptimizer(getattr(keras.optimizers, class_name)):
        def _get_current_learning_rate(self):
            return rate

    return GroupOptimizer(**{**args, "learning_rate": float(rates[0])})


def stackable(optimizer_class, optimizer_args):
    """Whether models trained with this optimizer can share one stacked update."""
    return optimizer_class in ELEMENTWISE and not any(
        optimizer_args.get(name) for name in COUPLING_ARGS
    )


def configure_runtime(threads):
    """Set both TF thread pools and make ops deterministic.

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
    tf.config.experimental.enable_op_determinism()


def seeded_model(seed, optimizer):
    """A fresh Keras session seeded with ``seed``: the seed's initial model, compiled."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = build_model()
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(),
        # Not used by the loop below; saved with model.keras for model.evaluate() by readers.
        metrics=["accuracy"],
    )
    return model


def split_validation(x, y, validation_split):
    """Split off the last ``validation_split`` fraction, like ``fit(validation_split=...)``."""
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split debe estar entre 0 y 1 (exclusivo): {validation_split}")
    split_at = int(math.floor(len(x) * (1.0 - validation_split)))
    return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])


class _Member:
    """One model of the group: its own Keras model and optimizer, history and backup."""

    def __init__(self, run, optimizer_class, optimizer_args, fingerprint):
        self.seed = int(run.seed)
        self.out_dir = Path(run.out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / "metrics.json").unlink(missing_ok=True)
        self.backup_dir = self.out_dir / checkpoint.DIRNAME
        self.optimizer_args = dict(optimizer_args)
        if run.learning_rate is not None:
            self.optimizer_args["learning_rate"] = run.learning_rate
        self.model = seeded_model(self.seed, make_optimizer(optimizer_class, self.optimizer_args))
        # Summarize before the optimizer is built, so its variables are not counted.
        lines = []
        self.model.summary(
            print_fn=lambda text, line_break=True: lines.append(text + "\n" * line_break)
        )
        self.summary_text = "".join(lines)
        self.model.optimizer.build(self.model.trainable_variables)
        self.learning_rate = float(self.model.optimizer.learning_rate)
        self.fingerprint = {**fingerprint, "optimizer_args": self.optimizer_args, "seed": self.seed}
        self.rows = []
        self.diverged = False


def training_state(variables, optimizer):
    """Variables, then their optimizer's but the rate: what a checkpoint restores."""
    return variables + [v for v in optimizer.variables if v is not optimizer._learning_rate]


class Group:
    """Compiled Keras ``models`` stacked: ``[S, ...]`` variables and one optimizer for all.

    With one model there is no group axis: the variables have the model's own shapes.
    """

    def __init__(self, models, optimizer_class, optimizer_args, rates):
        self.models = models
        self.size = len(models)
        weights = [model.get_weights() for model in models]
        self.variables = [
            keras.Variable(
                np.stack([w[i].reshape((1, -1) if w[i].ndim == 1 else w[i].shape) for w in weights])
                if self.size > 1
                else weights[0][i],
                name=f"stacked_{i}",
            )
            for i in range(len(weights[0]))
        ]
        self.optimizer = make_group_optimizer(optimizer_class, optimizer_args, rates)
        self.optimizer.build(self.variables)
        self.state = training_state(self.variables, self.optimizer)

    def forward(self, x):
        """Every model's softmax output for ``x`` ([S, n, 784], or [n, 784] shared)."""
        if self.size > 1 and len(x.shape) == 2:
            x = x[None]  # broadcast by the batched matmul, not copied
        h = x
        for i in range(0, len(self.variables), 2):
            h = ops.add(ops.matmul(h, self.variables[i]), self.variables[i + 1])
            last = i == len(self.variables) - 2
            h = keras.activations.softmax(h) if last else keras.activations.relu(h)
        return h

    def _model_states(self):
        return [training_state(m.trainable_variables, m.optimizer) for m in self.models]

    def to_models(self, indices):
        """Copy the slices ``indices`` (weights and optimizer state) into their Keras models."""
        values = [variable.numpy() for variable in self.state] if indices else []
        states = self._model_states()
        for s in indices:
            for value, target in zip(values, states[s], strict=True):
                target.assign(
                    value if value.shape == target.shape else value[s].reshape(target.shape)
                )

    def from_models(self):
        """Load every model's weights and optimizer state into the stacked variables."""
        states = [[v.numpy() for v in state] for state in self._model_states()]
        for i, variable in enumerate(self.state):
            if tuple(variable.shape) == states[0][i].shape:
                variable.assign(states[0][i])
            else:
                variable.assign(
                    np.stack([state[i].reshape(variable.shape[1:]) for state in states])
                )


def train_group(
    x_train,
    y_train,
    x_test,
    y_test,
    *,
    runs,
    optimizer_class,
    optimizer_args,
    epochs,
    batch_size,
    validation_split,
    threads,
    variant,
    target_val_accuracy=None,
    checkpoint_seconds=None,
):
    """Train the models of ``runs`` together, each resuming from its ``out_dir/backup``.

    The models share every setting but their seed and learning rate. A checkpoint of every
    model is saved once ``checkpoint_seconds`` of training have passed since the last one
    (default: ``checkpoint.interval()``). A model whose training loss stops being finite is
    frozen at that epoch and recorded as diverged; the others go on.

    Writes in each ``out_dir`` ``history.csv``, ``summary.txt``, ``model.keras`` and finally
    ``metrics.json``; returns the metrics, in the order of ``runs``.
    """
    runs = [Run(*run) for run in runs]
    settings = dict(
        optimizer_class=optimizer_class,
        optimizer_args=optimizer_args,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=validation_split,
        threads=threads,
        variant=variant,
        target_val_accuracy=target_val_accuracy,
        checkpoint_seconds=checkpoint_seconds,
    )
    if len(runs) > 1 and not stackable(optimizer_class, optimizer_args):
        print(f"{optimizer_class}: los modelos se entrenan uno detrás de otro", flush=True)
        data = (x_train, y_train, x_test, y_test)
        return [train_group(*data, runs=[run], **settings)[0] for run in runs]

    started = time.perf_counter()
    checkpoint_seconds = checkpoint.interval(checkpoint_seconds)
    configure_runtime(threads)
    (x_fit, y_fit), (x_val, y_val) = split_validation(
        prepare_inputs(x_train, variant), _labels(y_train), validation_split
    )
    x_fit, y_fit, x_val, y_val = map(tf.constant, (x_fit, y_fit, x_val, y_val))
    x_test, y_test = tf.constant(prepare_inputs(x_test, variant)), tf.constant(_labels(y_test))

    fingerprint = {
        # A backup from another training loop (e.g. the former model.fit one) is not resumed.
        "trainer": TRAINER,
        "optimizer_class": optimizer_class,
        "epochs": epochs,
        "batch_size": batch_size,
        "validation_split": validation_split,
        "variant": variant,
        "train_shape": list(np.shape(x_train)),
    }
    members = [_Member(run, optimizer_class, optimizer_args, fingerprint) for run in runs]
    group = Group(
        [m.model for m in members],
        optimizer_class,
        optimizer_args,
        [m.learning_rate for m in members],
    )
    run_epoch = make_epoch_function(group, batch_size)
    evaluate = make_evaluate_function(group)

    initial_epoch, interrupted_seconds = restore(members)
    if initial_epoch:
        group.from_models()
        print(f"Reanudando desde la época {initial_epoch}", flush=True)
    best_val_loss = [
        min((r["val_loss"] for r in m.rows if math.isfinite(r["val_loss"])), default=math.inf)
        for m in members
    ]

    last_checkpoint = time.perf_counter()
    for epoch in range(initial_epoch + 1, epochs + 1):
        if all(member.diverged for member in members):
            break
        start = time.perf_counter()
        orders = tf.constant(np.stack([epoch_order(m.seed, epoch, len(y_fit)) for m in members]))
        figures = [*run_epoch(x_fit, y_fit, orders), *evaluate(x_val, y_val)[:2]]
        figures = np.stack([np.reshape(value, -1) for value in figures], axis=1)
        # Each model's share of the group's epoch.
        seconds = (time.perf_counter() - start) / len(members)
        active = [s for s, member in enumerate(members) if not member.diverged]
        improved = []
        for s in active:
            row = dict(zip(history.COLUMNS[1:5], map(float, figures[s]), strict=True))
            row.update(epoch=epoch, seconds=seconds, test_loss=math.nan, test_accuracy=math.nan)
            if math.isfinite(row["val_loss"]) and row["val_loss"] < best_val_loss[s]:
                best_val_loss[s] = row["val_loss"]
                improved.append(s)
            members[s].rows.append(row)
        if improved:
            test_loss, test_accuracy, _ = evaluate(x_test, y_test)
            for s in improved:
                members[s].rows[-1]["test_loss"] = float(np.reshape(test_loss, -1)[s])
                members[s].rows[-1]["test_accuracy"] = float(np.reshape(test_accuracy, -1)[s])
        diverging = []
        for s in active:
            _print_epoch(members[s], epochs)
            if not math.isfinite(members[s].rows[-1]["loss"]):
                members[s].diverged = True
                diverging.append(s)
                print(
                    f"{_name(members[s])}La pérdida no es finita en la época {epoch}: "
                    "entrenamiento detenido",
                    flush=True,
                )
        # A diverged model keeps its state at this epoch; its slice of the group trains on,
        # unread (the models of a group never mix).
        group.to_models(diverging)
        if time.perf_counter() - last_checkpoint >= checkpoint_seconds:
            group.to_models([s for s in active if s not in diverging])
            elapsed = interrupted_seconds + time.perf_counter() - started
            for member in members:
                checkpoint.save(
                    member.model, member.backup_dir, member.rows, member.fingerprint, elapsed, epoch
                )
            last_checkpoint = time.perf_counter()

    group.to_models([s for s, member in enumerate(members) if not member.diverged])
    for member in members:
        # As at the end of fit(): an optimizer with use_ema=True swaps in its averaged weights.
        member.model.optimizer.finalize_variable_values(member.model.trainable_variables)
    group.from_models()
    test_loss, test_accuracy, predicted = (
        np.reshape(value.numpy(), (len(members), -1)) for value in evaluate(x_test, y_test)
    )
    y_test_labels = y_test.numpy()
    results = []
    for s, member in enumerate(members):
        final = {
            "test_loss": float(test_loss[s, 0]),
            "test_accuracy": float(test_accuracy[s, 0]),
            "resumed_from_epoch": initial_epoch or None,
            # Wall seconds the interrupted attempts spent up to their last saved epoch: the
            # job's benchmark file covers only this last attempt.
            "interrupted_seconds": interrupted_seconds,
        }
        metrics = _metrics(member, settings, final, x_test, y_test_labels, predicted[s], y_fit)
        metrics.update(summarize_history(member.rows, target_val_accuracy))
        results.append(_write_outputs(member, metrics))
    return results


def restore(members):
    """Load every member's newest commit of an epoch all of them committed.

    Returns that epoch (0: from scratch) and the seconds the interrupted attempts spent. A
    kill between two members' commits leaves them one commit apart; each keeps the commit
    before, so they meet there.
    """
    at_most = None
    while True:
        restored = [
            checkpoint.restore(m.model, m.backup_dir, m.fingerprint, at_most) for m in members
        ]
        epochs = {epoch for _, _, epoch in restored}
        if len(epochs) == 1:
            break
        at_most = min(epochs)
    for member, (rows, _, _) in zip(members, restored, strict=True):
        member.rows = rows
        member.diverged = bool(rows) and not math.isfinite(rows[-1]["loss"])
    return epochs.pop(), restored[0][1]


def _metrics(member, settings, final, x_test, y_test, predicted, y_fit):
    """One member's metrics, with ``final`` (its last test figures and resume facts)."""
    # A collapsed network answers (almost) one digit for every image.
    counts = np.bincount(predicted, minlength=10)
    rows = member.rows
    return {
        "optimizer_class": settings["optimizer_class"],
        "optimizer_args": member.optimizer_args,
        "variant": settings["variant"],
        "seed": member.seed,
        "threads": settings["threads"],
        "epochs": settings["epochs"],
        "epochs_completed": len(rows),
        "batch_size": settings["batch_size"],
        "validation_split": settings["validation_split"],
        "test_loss": final["test_loss"],
        "test_accuracy": final["test_accuracy"],
        "train_seconds": sum(row["seconds"] for row in rows),
        "diverged": member.diverged,
        "majority_prediction": int(counts.argmax()),
        "majority_prediction_share": float(counts.max() / counts.sum()),
        # What always answering that digit scores on this test set.
        "majority_prediction_label_share": float(np.mean(y_test == counts.argmax())),
        # Evidence for explaining a collapse: rows are true digits, columns predicted ones.
        "confusion_matrix": confusion_matrix(y_test, predicted).tolist(),
        # The training loss of a network that outputs the class proportions of its data.
        "class_entropy": class_entropy(y_fit.numpy()),
        # Hidden ReLU units that output 0 for every test image, per hidden layer.
        "dead_units": count_dead_units(member.model, x_test),
        "resumed_from_epoch": final["resumed_from_epoch"],
        "interrupted_seconds": final["interrupted_seconds"],
        "n_params": member.model.count_params(),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
    }


def _write_outputs(member, metrics):
    out_dir = member.out_dir
    history.write(out_dir / history.FILENAME, member.rows)
    atomic.write_text(out_dir / "summary.txt", member.summary_text)
    with atomic.replacing(out_dir / "model.keras") as temporary:
        member.model.save(temporary)
    # metrics.json last: it is the rule's commit point, written only once the rest is on disk.
    atomic.write_text(
        out_dir / "metrics.json", json.dumps(_json_safe(metrics), indent=2, allow_nan=False) + "\n"
    )
    shutil.rmtree(member.backup_dir, ignore_errors=True)
    state = "DIVERGIÓ" if member.diverged else "terminado"
    print(
        f"{_name(member)}Entrenamiento {state}: exactitud en test={metrics['test_accuracy']:.4f}",
        flush=True,
    )
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


def make_epoch_function(group, batch_size):
    """Return ``run_epoch(x, y, orders)``: one epoch of every model's updates in one TF call.

    Each step does what Keras's ``train_step`` does, for every model at once: forward pass,
    the compiled loss (Keras's sparse cross-entropy averaged over the batch), gradients and
    ``optimizer.apply``. Model ``s`` takes its batches as consecutive slices of
    ``orders[s]``; the last one may be shorter. Returns each model's training loss and
    accuracy averaged over samples, the figures ``fit`` reports.
    """
    variables, optimizer = group.variables, group.optimizer

    @tf.function(input_signature=(_IMAGES, _LABELS, _ORDERS))
    def run_epoch(x, y, orders):
        n = tf.shape(orders)[1]

        def step(i, loss_sum, hits):
            batch = orders[:, i * batch_size : (i + 1) * batch_size]
            if group.size == 1:
                batch = batch[0]
            x_batch, y_batch = tf.gather(x, batch), tf.gather(y, batch)
            with tf.GradientTape() as tape:
                probabilities = group.forward(x_batch)
                loss = _mean_loss(y_batch, probabilities)
                # The models never mix: each one's gradient is that of its own loss.
                scaled = optimizer.scale_loss(ops.sum(loss))
            optimizer.apply(tape.gradient(scaled, variables), variables)
            size = tf.cast(tf.shape(batch)[-1], tf.float32)
            return i + 1, loss_sum + loss * size, hits + _hits(y_batch, probabilities)

        steps = (n + batch_size - 1) // batch_size
        zero = tf.zeros([group.size] if group.size > 1 else [])
        _, loss_sum, hits = tf.while_loop(
            lambda i, *_: i < steps, step, (tf.constant(0), zero, zero)
        )
        return loss_sum / tf.cast(n, tf.float32), hits / tf.cast(n, tf.float32)

    return run_epoch


def make_evaluate_function(group):
    """Return ``evaluate(x, y)`` → each model's (loss, accuracy, predicted digits), one batch."""

    @tf.function(input_signature=(_IMAGES, _LABELS))
    def evaluate(x, y):
        probabilities = group.forward(x)
        if group.size > 1:
            y = tf.broadcast_to(y, [group.size, tf.shape(y)[0]])
        accuracy = _hits(y, probabilities) / tf.cast(tf.shape(y)[-1], tf.float32)
        return _mean_loss(y, probabilities), accuracy, tf.argmax(probabilities, axis=-1)

    return evaluate


def _mean_loss(y, probabilities):
    """Keras's compiled loss, ``SparseCategoricalCrossentropy()``, for each model."""
    values = keras.losses.sparse_categorical_crossentropy(y, probabilities)
    return ops.divide_no_nan(ops.sum(values, axis=-1), ops.cast(ops.shape(values)[-1], "float32"))


def _hits(y, probabilities):
    """Number of samples whose most probable digit is the label (Keras's ``accuracy``)."""
    predicted = tf.argmax(probabilities, axis=-1, output_type=y.dtype)
    return tf.reduce_sum(tf.cast(tf.equal(predicted, y), tf.float32), axis=-1)


def _labels(y):
    return np.asarray(y).astype(np.int32)


def _name(member):
    return f"[semilla {member.seed}, tasa {member.learning_rate:g}] "


def _print_epoch(member, epochs):
    row = member.rows[-1]
    print(
        f"{_name(member)}Época {row['epoch']}/{epochs}: pérdida={row['loss']:.4f}, "
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
