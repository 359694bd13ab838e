"""Rule gd_curve_figure: the objective J(x) = x sin(x^2)."""

import sys

from optireport import gd_plots

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

gd_plots.plot_curve(
    snakemake.output[0],
    x_range=snakemake.params.x_range,
    y_range=snakemake.params.y_range,
)
