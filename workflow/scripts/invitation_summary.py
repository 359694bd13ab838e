"""Rule invitation_summary: numbers and verdicts of the invitation's experiments."""

from pathlib import Path

from optireport.analysis import invitation
from optireport.config import check
from optireport.store import atomic, history
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

inputs, params = snakemake.input, snakemake.params
config = params.config

# One directory per configuration, named after it, with one subdirectory per seed.
results = {}
for directory in map(Path, inputs.runs):
    seeds = config["invitation"]["seeds"]
    results[directory.name] = [
        invitation.seed_result(
            atomic.read_json(directory / f"seed{seed}" / "metrics.json"),
            history.read(directory / f"seed{seed}" / "history.csv"),
            float(config["findings"]["collapse_share"]),
        )
        for seed in seeds
    ]
main_trainings = [
    (optimizer, variant, atomic.read_json(metrics), history.read(history_path))
    for (optimizer, variant, _), metrics, history_path in zip(
        params.trainings, inputs.metrics, inputs.histories, strict=True
    )
]
n_train = atomic.read_json(inputs.mnist)["shapes"]["x_train"][0]
if config["data"]["train_subset"] is not None:
    n_train = min(n_train, int(config["data"]["train_subset"]))
n_fit = check.fit_size(n_train, float(config["training"]["validation_split"]))
atomic.write_json(snakemake.output[0], invitation.summarize(config, results, main_trainings, n_fit))
