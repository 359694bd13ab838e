"""Rule gd_methods_figures: every compared method's path on one figure, and as a GIF (shown
in the HTML only)."""

from optireport.figures import gd_plots
from optireport.figures.style import layouts
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

trajectories, global_min = gd_plots.read_methods(snakemake.input.methods)
params, output = snakemake.params, snakemake.output
axes = {"x_range": params.x_range, "y_range": params.y_range}
for layout, path in layouts(output, "figure"):
    gd_plots.plot_methods(
        trajectories, params.method_names, path, global_min=global_min, layout=layout, **axes
    )
gd_plots.animate_methods(trajectories, params.method_names, output.animation, **axes)
