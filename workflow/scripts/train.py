"""Rules train and lr_probe: one training run of the seed's MLP."""

import sys
from pathlib import Path

import numpy as np

from optireport import data, training

sys.stdout = sys.stderr = open(snakemake.log[0], "a", buffering=1)  # noqa: F821

settings = dict(snakemake.params.settings)  # noqa: F821
subset = settings.pop("subset")
with np.load(snakemake.input[0]) as npz:  # noqa: F821
    arrays = data.subset({k: npz[k] for k in data.ARRAY_NAMES}, subset["train"], subset["test"])
training.train(
    arrays["x_train"],
    arrays["y_train"],
    arrays["x_test"],
    arrays["y_test"],
    out_dir=Path(snakemake.output.metrics).parent,  # noqa: F821
    **settings,
)
