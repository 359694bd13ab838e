"""How many single-threaded trainings at once make the most epochs per second on this machine.

For each N in ``--jobs`` (default: 1, the number of CPUs, twice that), starts N fresh Python
processes at the same time; each trains the report's MLP with ``training.train_group`` (one TF
thread, as a Snakemake ``train`` job does) for ``--epochs`` epochs on MNIST (raw input, batch
50). Prints each N's steady epoch time per job (epochs after the first) and the machine's
throughput: N divided by that time, in epochs per second.

Usage: python bench/parallel_jobs.py [--epochs 5] [--jobs 1 2 4] [--data results/data/mnist.npz]
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from group_speed import worker  # bench/ is the script's folder, so first on sys.path


def steady_seconds(history: Path) -> float:
    with history.open(encoding="utf-8") as f:
        seconds = [float(row["seconds"]) for row in csv.DictReader(f)]
    return statistics.fmean(seconds[1:] or seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cpus = os.cpu_count() or 1
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--jobs", type=int, nargs="+", default=sorted({1, cpus, 2 * cpus}))
    parser.add_argument("--data", default="results/data/mnist.npz")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        # The same training job as group_speed.py's, as a group of one model.
        worker(args.data, args.epochs, [(1, args.worker)])
        return

    print(f"CPUs: {cpus}; Adam, raw input, batch 50, {args.epochs} epochs per job")
    for n in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            dirs = [Path(tmp) / f"job{i}" for i in range(n)]
            command = [sys.executable, __file__, "--epochs", str(args.epochs), "--data", args.data]
            procs = [
                subprocess.Popen([*command, "--worker", str(d)], stdout=subprocess.DEVNULL)
                for d in dirs
            ]
            if any(proc.wait() for proc in procs):
                sys.exit(f"a worker failed with {n} jobs")
            per_job = [steady_seconds(d / "history.csv") for d in dirs]
        mean = statistics.fmean(per_job)
        print(
            f"{n} jobs at once: epoch {min(per_job):.2f}–{max(per_job):.2f} s per job, "
            f"throughput {n / mean:.2f} epochs/s"
        )


if __name__ == "__main__":
    main()
