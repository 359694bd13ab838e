"""Rules train and train_tuned: every seed of one configuration, trained as one group."""

from pathlib import Path

from optireport.training import checkpoint

out_dirs = [Path(metrics).parent for metrics in snakemake.output.metrics]
# The trainings resume from their checkpoint folders; the job's log is kept in the last one,
# the last to be removed (models that cannot be grouped train one after another).
checkpoint.redirect_log(snakemake.log[0], out_dirs[-1] / checkpoint.DIRNAME)

from optireport.training import data, trainer  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
seeds = settings.pop("seeds")
arrays = data.load_subset(snakemake.input.mnist, subset["train"], subset["test"])
trainer.train_group(**arrays, runs=list(zip(seeds, out_dirs, strict=True)), **settings)
