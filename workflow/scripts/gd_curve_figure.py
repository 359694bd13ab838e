"""Rule gd_curve_figure: the objective J(x) = x sin(x^2)."""

from optireport.figures import gd_plots
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

gd_plots.plot_curve(
    snakemake.output[0],
    x_range=snakemake.params.x_range,
    y_range=snakemake.params.y_range,
)
