"""Rules train and lr_probe: one training run of the seed's MLP."""

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out

from optireport import data, training  # noqa: E402

sys.stdout = sys.stderr = open(snakemake.log[0], "a", buffering=1)

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
