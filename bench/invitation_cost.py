"""CPU cost of the invitation's trainings and of the test evaluations early stopping needs.

For every configuration of ``invitation`` in the config, trains ``--epochs`` epochs on the real
data, all its seeds as one group as in its job (after one untimed warm-up epoch that traces the
TF function), and measures the process CPU time per group epoch, which depends far less on
other processes than wall-clock time does. It then prints the CPU seconds each configuration
costs in the build and the cost of one evaluation of the test set by the last group, which the
trainings run at each new minimum of a model's validation loss.

Usage: python bench/invitation_cost.py [--config config/config.yaml] [--epochs 2]
"""

import argparse
import time

import numpy as np
import yaml
from snakemake.utils import validate

from optireport.config import experiments
from optireport.training import data
from optireport.training import trainer as training


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config/config.yaml")
    parser.add_argument("--data", default="results/data/mnist.npz")
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    with open(args.config, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    validate(config, "workflow/schemas/config.schema.yaml", set_default=True)
    arrays = data.load_subset(args.data, None, None)
    training.configure_runtime(config["training"]["threads"])

    print(f"{'configuración':<28} {'CPU s/época':>12} {'épocas':>7} {'CPU s en la generación':>23}")
    total = 0.0
    for name in experiments.experiments(config)["configurations"]:
        settings = experiments.configuration_settings(config, name)
        x = training.prepare_inputs(arrays["x_train"], settings["variant"])
        (x_fit, y_fit), _ = training.split_validation(
            x, arrays["y_train"].astype(np.int32), settings["validation_split"]
        )
        # All the configuration's seeds train as one group, as in its job.
        seeds = settings["seeds"]
        group = training.Group(
            [training.build_model() for _ in seeds],
            settings["optimizer_class"],
            settings["optimizer_args"],
            [settings["optimizer_args"].get("learning_rate", 0.001)] * len(seeds),
        )
        run_epoch = training.make_epoch_function(group, settings["batch_size"])

        orders = [
            np.stack([training.epoch_order(seed, epoch, len(y_fit)) for seed in seeds])
            for epoch in range(1, args.epochs + 2)
        ]
        run_epoch(x_fit, y_fit, orders[0])  # traces the function
        start = time.process_time()
        for order in orders[1:]:
            run_epoch(x_fit, y_fit, order)
        per_epoch = (time.process_time() - start) / args.epochs
        epochs = settings["epochs"]
        total += per_epoch * epochs
        print(f"{name:<28} {per_epoch:>12.2f} {epochs:>7} {per_epoch * epochs:>23.0f}")
    print(f"{'total':<28} {'':>12} {'':>7} {total:>23.0f}")

    evaluate = training.make_evaluate_function(group)
    x_test = training.prepare_inputs(arrays["x_test"], "raw")
    y_test = arrays["y_test"].astype(np.int32)
    evaluate(x_test, y_test)
    start = time.process_time()
    for _ in range(10):
        evaluate(x_test, y_test)
    print(
        f"Una evaluación del conjunto de prueba: {(time.process_time() - start) / 10:.3f} s de CPU"
    )


if __name__ == "__main__":
    main()
