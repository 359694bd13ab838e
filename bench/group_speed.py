"""Per-seed training jobs against one job that trains every seed as a group, side by side.

Both run as fresh Python processes, one after the other, as Snakemake runs its jobs: start-up
(Python, TensorFlow, the data), training, evaluation and saving are all timed. ``--seeds``
per-seed jobs each train one model with ``training.train_group`` (a group of one); then one
job trains all the seeds as one group. Adam on raw input, batch 50, one TF thread, MNIST in
full, ``--epochs`` epochs. Prints each job's wall seconds and peak memory (RSS), and

    throughput ratio: X

the per-seed jobs' total wall time divided by the grouped job's. With ``--rates``, the group
is instead one seed at several learning rates, as a learning-rate grid job trains it.

Usage: python bench/group_speed.py [--seeds 1 2 3] [--epochs 10] [--data results/data/mnist.npz]
       python bench/group_speed.py --rates 0.0001 0.001 0.01 [--epochs 10]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def worker(data: str, epochs: int, runs: list) -> None:
    from optireport.training import data as data_module
    from optireport.training import trainer as training

    arrays = data_module.load_subset(data, None, None)
    training.train_group(
        **arrays,
        runs=runs,
        optimizer_class="Adam",
        optimizer_args={"learning_rate": 0.001},
        epochs=epochs,
        batch_size=50,
        validation_split=0.3,
        threads=1,
        variant="raw",
    )


def job(args, runs: list) -> tuple[float, float]:
    """Run one job in a fresh process: (wall seconds, peak RSS in MB)."""
    command = [sys.executable, __file__, "--data", args.data, "--epochs", str(args.epochs)]
    command += ["--worker", json.dumps(runs)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        sys.exit(f"El trabajo {runs} falló (estado {status})")
    return seconds, usage.ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--rates", type=float, nargs="+")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--data", default="results/data/mnist.npz")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.data, args.epochs, json.loads(args.worker))
        return

    with tempfile.TemporaryDirectory(dir=".") as folder:
        if args.rates:
            models = [(args.seeds[0], f"{folder}/lr{rate}", rate) for rate in args.rates]
        else:
            models = [(seed, f"{folder}/seed{seed}", None) for seed in args.seeds]
        print(f"{len(models)} modelos × {args.epochs} épocas, Adam, entrada raw, un hilo")
        solo = []
        for seed, out_dir, rate in models:
            seconds, rss = job(args, [(seed, f"{out_dir}-solo", rate)])
            solo.append(seconds)
            model = f"semilla {seed}" + (f", tasa {rate}" if rate else "")
            print(f"trabajo de un modelo ({model}): {seconds:.1f} s, pico de memoria {rss:.0f} MB")
        seconds, rss = job(args, models)
        print(f"trabajo del grupo de {len(models)}: {seconds:.1f} s, pico de memoria {rss:.0f} MB")
    print(f"por separado: {sum(solo):.1f} s en total; en grupo: {seconds:.1f} s")
    print(f"throughput ratio: {sum(solo) / seconds:.2f}")


if __name__ == "__main__":
    main()
