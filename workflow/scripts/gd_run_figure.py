"""Rule gd_run_figure: one trajectory drawn on the curve."""

import json

from optireport import gd_plots
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

with open(snakemake.input[0], encoding="utf-8") as handle:
    run = json.load(handle)
gd_plots.plot_trajectory(
    run,
    snakemake.output[0],
    x_range=snakemake.params.x_range,
    y_range=snakemake.params.y_range,
)
