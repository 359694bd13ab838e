"""Rule lr_grid: short trainings of one optimizer over its learning-rate grid.

The whole grid trains as one group, one model per rate: TensorFlow and the data load once.
"""

from pathlib import Path

from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

from optireport.training import data, trainer  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
rates = settings.pop("learning_rates")
seed = settings.pop("seed")
arrays = data.load_subset(snakemake.input.mnist, subset["train"], subset["test"])
runs = [(seed, Path(snakemake.output[0]) / name, rate) for name, rate in rates.items()]
trainer.train_group(**arrays, runs=runs, **settings)
