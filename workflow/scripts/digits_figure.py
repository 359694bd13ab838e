"""Rule digits_figure: one sample image per digit class."""

import sys

import numpy as np

from optireport import plots

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

with np.load(snakemake.input[0]) as mnist:
    plots.plot_digits(mnist["x_train"], mnist["y_train"], snakemake.output[0])
