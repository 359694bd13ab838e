"""Rule train: one training run of the seed's MLP."""

from pathlib import Path

from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

from optireport import data, training  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
arrays = data.load_subset(snakemake.input[0], subset["train"], subset["test"])
training.train(**arrays, out_dir=Path(snakemake.output.metrics).parent, **settings)
