"""Rule gd_run_figure: one trajectory drawn on the curve."""

import json
import sys

from optireport import gd_plots

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

with open(snakemake.input[0], encoding="utf-8") as handle:
    run = json.load(handle)
gd_plots.plot_trajectory(
    run,
    snakemake.output[0],
    x_range=snakemake.params.x_range,
    y_range=snakemake.params.y_range,
)
