"""Rules train and lr_probe: one training run of the seed's MLP."""

from pathlib import Path

import numpy as np

from optireport.joblog import redirect_to_log

# Appending keeps the story of a run that was interrupted and resumed.
redirect_to_log(snakemake.log[0], append=True)

from optireport import data, training  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
with np.load(snakemake.input[0]) as npz:
    arrays = data.subset({k: npz[k] for k in data.ARRAY_NAMES}, subset["train"], subset["test"])
training.train(
    arrays["x_train"],
    arrays["y_train"],
    arrays["x_test"],
    arrays["y_test"],
    out_dir=Path(snakemake.output.metrics).parent,
    **settings,
)
