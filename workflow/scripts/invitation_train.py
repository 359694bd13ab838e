"""Rule invitation_train: every seed of one configuration of the invitation's experiments.

All the seeds train as one group, so TensorFlow and the data load once per configuration.
"""

from pathlib import Path

from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

from optireport.training import data, trainer  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
seeds = settings.pop("seeds")
arrays = data.load_subset(snakemake.input.mnist, subset["train"], subset["test"])
runs = [(seed, Path(snakemake.output[0]) / f"seed{seed}") for seed in seeds]
trainer.train_group(**arrays, runs=runs, **settings)
