"""Rule train: one training run of the seed's MLP."""

from pathlib import Path

from optireport.training import checkpoint

out_dir = Path(snakemake.output.metrics).parent
# The training resumes from its checkpoint folder; its log is kept there too.
checkpoint.redirect_log(snakemake.log[0], out_dir / checkpoint.DIRNAME)

from optireport.training import data, trainer  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
arrays = data.load_subset(snakemake.input.mnist, subset["train"], subset["test"])
trainer.train(**arrays, out_dir=out_dir, **settings)
