"""What one training checkpoint costs: weights and state written durably, as after an epoch.

Builds the report's MLP with a built Adam optimizer and commits ``--commits`` checkpoints
(with a 70-epoch history) into a temporary folder on the project's file system, then prints
the mean wall-clock and CPU milliseconds per checkpoint.

Usage: python bench/checkpoint_cost.py [--commits 20]
"""

import argparse
import tempfile
import time
from pathlib import Path

from optireport.store import history
from optireport.training import checkpoint
from optireport.training import trainer as training


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20)
    args = parser.parse_args()
    training.configure_runtime(1)
    model = training.build_model()
    model.compile(
        optimizer=training.make_optimizer("Adam", {}), loss="sparse_categorical_crossentropy"
    )
    model.optimizer.build(model.trainable_variables)
    rows = [{**dict.fromkeys(history.COLUMNS, 0.5), "epoch": epoch} for epoch in range(1, 71)]
    with tempfile.TemporaryDirectory(dir=".") as folder:
        wall, cpu = time.perf_counter(), time.process_time()
        for epoch in range(1, args.commits + 1):
            checkpoint.save(model, Path(folder), rows[:epoch], {}, 0.0, epoch)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"checkpoint: {wall / args.commits * 1000:.1f} ms wall, "
        f"{cpu / args.commits * 1000:.1f} ms CPU (mean of {args.commits})"
    )


if __name__ == "__main__":
    main()
