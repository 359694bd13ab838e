"""Rule gd_methods_figure: every compared method's path on one figure."""

from optireport import gd_plots
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

trajectories, global_min = gd_plots.read_methods(snakemake.input.methods)
params = snakemake.params
gd_plots.plot_methods(
    trajectories,
    params.method_names,
    snakemake.output[0],
    global_min=global_min,
    x_range=params.x_range,
    y_range=params.y_range,
)
