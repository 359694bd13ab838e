"""Rule gd_methods_animation: the compared methods' paths as a GIF (shown in the HTML only)."""

from optireport import gd_plots
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

trajectories, _ = gd_plots.read_methods(snakemake.input.methods)
params = snakemake.params
gd_plots.animate_methods(
    trajectories,
    params.method_names,
    snakemake.output[0],
    x_range=params.x_range,
    y_range=params.y_range,
)
