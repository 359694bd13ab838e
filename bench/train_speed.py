"""Compare per-epoch time of the seed notebook's plain ``model.fit`` with ``training.train``.

Each variant runs in its own fresh Python process (TF thread pools are process-wide),
started by this one script. The plain fit uses TF's default thread pools, as a plain
user would, unless ``--plain-threads`` is given. Both use the same data, seed, optimizer,
batch size 50 and validation split 0.3. The two shuffle the training images differently
each epoch, so their weights differ; the test accuracies are printed side by side.

Usage: python bench/train_speed.py [--epochs 3] [--optimizer Adam] [--data results/data/mnist.npz]
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BATCH_SIZE = 50
VALIDATION_SPLIT = 0.3
SEED = 0


def load_data(path):
    """Return (x_train, y_train, x_test, y_test, description); synthetic if ``path`` is missing."""
    if Path(path).exists():
        with np.load(path) as data:
            arrays = tuple(data[key] for key in ("x_train", "y_train", "x_test", "y_test"))
        return (*arrays, f"MNIST from {path}")
    rng = np.random.default_rng(SEED)
    return (
        rng.integers(0, 256, size=(60000, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, size=60000, dtype=np.uint8),
        rng.integers(0, 256, size=(10000, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, size=10000, dtype=np.uint8),
        f"SYNTHETIC random uint8 data, 60000x28x28 / 10000x28x28 ({path} not found)",
    )


def run_plain(args, data, out_dir):
    """Seed-notebook style: plain compile + fit(validation_split=0.3), TF default threads."""
    import keras
    import tensorflow as tf

    from optireport.training.trainer import build_model, make_optimizer, prepare_inputs

    if args.plain_threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.plain_threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.plain_threads)
    keras.utils.set_random_seed(SEED)
    x_train, y_train, x_test, y_test = data
    model = build_model()
    model.compile(
        optimizer=make_optimizer(args.optimizer, {}),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    seconds = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    model.fit(
        prepare_inputs(x_train, "raw"),
        y_train,
        batch_size=BATCH_SIZE,
        validation_split=VALIDATION_SPLIT,
        epochs=args.epochs,
        verbose=0,
        callbacks=[EpochTimer()],
    )
    _, test_accuracy = model.evaluate(prepare_inputs(x_test, "raw"), y_test, verbose=0)
    threads = (
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    )
    return seconds, test_accuracy, threads


def run_project(args, data, out_dir):
    """The project's ``train()`` with its own runtime settings (1 thread per TF pool)."""
    from optireport.store import history
    from optireport.training.trainer import train_group

    x_train, y_train, x_test, y_test = data
    (metrics,) = train_group(
        x_train,
        y_train,
        x_test,
        y_test,
        optimizer_class=args.optimizer,
        optimizer_args={},
        epochs=args.epochs,
        batch_size=BATCH_SIZE,
        validation_split=VALIDATION_SPLIT,
        runs=[(SEED, out_dir / "run")],
        threads=1,
        variant="raw",
    )
    seconds = [row["seconds"] for row in history.read(out_dir / "run" / "history.csv")]
    return seconds, metrics["test_accuracy"], (1, 1)


def worker(args):
    """Run one variant and save its timings for the parent process."""
    out_dir = Path(args.worker_dir)
    *data, description = load_data(args.data)
    start = time.perf_counter()
    runner = run_plain if args.worker == "plain" else run_project
    seconds, test_accuracy, threads = runner(args, data, out_dir)
    total = time.perf_counter() - start
    summary = {
        "seconds": seconds,
        "total": total,
        "test_accuracy": float(test_accuracy),
        "threads": threads,
        "data": description,
    }
    (out_dir / "result.json").write_text(json.dumps(summary))


def launch(args, variant, work_dir):
    """Run ``variant`` in a fresh interpreter and return its result."""
    variant_dir = work_dir / variant
    variant_dir.mkdir()
    command = [
        sys.executable,
        __file__,
        "--epochs",
        str(args.epochs),
        "--optimizer",
        args.optimizer,
    ]
    command += ["--data", args.data, "--plain-threads", str(args.plain_threads)]
    command += ["--worker", variant, "--worker-dir", str(variant_dir)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return json.loads((variant_dir / "result.json").read_text())


def steady_mean(seconds):
    """Mean epoch time without the first epoch (graph tracing), or the only epoch."""
    return statistics.fmean(seconds[1:] if len(seconds) > 1 else seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--optimizer", default="Adam")
    parser.add_argument("--data", default="results/data/mnist.npz")
    parser.add_argument(
        "--plain-threads",
        type=int,
        default=0,
        help="TF thread pools of the plain fit (0 = TF defaults)",
    )
    parser.add_argument("--worker", choices=("plain", "project"), help=argparse.SUPPRESS)
    parser.add_argument("--worker-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        results = {variant: launch(args, variant, Path(tmp)) for variant in ("plain", "project")}
    plain, project = results["plain"], results["project"]
    print(f"Data: {plain['data']}")
    print(f"Optimizer {args.optimizer}, epochs {args.epochs}, batch {BATCH_SIZE}, ", end="")
    print(f"validation_split {VALIDATION_SPLIT}")
    for name, result in results.items():
        intra, inter = result["threads"]
        threads = "TF defaults" if intra == inter == 0 else f"intra={intra}, inter={inter}"
        per_epoch = ", ".join(f"{s:.3f}" for s in result["seconds"])
        print(f"{name:8s} threads: {threads}")
        print(f"{name:8s} seconds per epoch: [{per_epoch}]")
        print(
            f"{name:8s} mean epoch (all): {statistics.fmean(result['seconds']):.3f} s, "
            f"mean epoch (from 2nd): {steady_mean(result['seconds']):.3f} s, "
            f"total incl. setup and test: {result['total']:.2f} s, "
            f"test accuracy: {result['test_accuracy']:.4f}"
        )
    overall = statistics.fmean(plain["seconds"]) / statistics.fmean(project["seconds"])
    print(f"speedup (all epochs): {overall:.2f}")
    print(f"speedup: {steady_mean(plain['seconds']) / steady_mean(project['seconds']):.2f}")


if __name__ == "__main__":
    main()
