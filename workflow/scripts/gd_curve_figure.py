"""Rule gd_curve_figure: the objective J(x) = x sin(x^2)."""

from optireport.figures import gd_plots
from optireport.figures.style import layouts
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

for layout, path in layouts(snakemake.output, "gd_curve"):
    gd_plots.plot_curve(
        path,
        x_range=snakemake.params.x_range,
        y_range=snakemake.params.y_range,
        layout=layout,
    )
