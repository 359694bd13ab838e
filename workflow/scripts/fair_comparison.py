"""Rule fair_comparison: tuned against configured learning rates, from the runs' metrics."""

from optireport.analysis import summary, tuning
from optireport.config import jobs
from optireport.store import atomic, paths
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

config = snakemake.params.config
choices = atomic.read_json(snakemake.input.rates)["choices"]
trainings = snakemake.params.trainings
default, tuned = [], []
for optimizer, variant, seed in trainings:
    main_dir = paths.train_dir(optimizer, variant, seed)
    default.append(
        summary.training_entry(
            atomic.read_json(f"{main_dir}/metrics.json"), optimizer, variant, seed
        )
    )
    rate = choices[optimizer][variant]["learning_rate"]
    if rate is None:
        continue
    run_dir = jobs.tuned_run_dir(config, optimizer, variant, seed, rate)
    entry = summary.training_entry(
        atomic.read_json(f"{run_dir}/metrics.json"), optimizer, variant, seed
    )
    tuned.append({**entry, "run_dir": run_dir, "same_runs": run_dir == main_dir})

optimizers = list(config["optimizers"])
result = tuning.compare(
    optimizers,
    list(config["training"]["variants"]),
    {name: spec["args"]["learning_rate"] for name, spec in config["optimizers"].items()},
    choices,
    default,
    tuned,
    tuning.budget(config, optimizers),
    config["findings"],
)
atomic.write_json(snakemake.output[0], {**result, "trainings": tuned})
