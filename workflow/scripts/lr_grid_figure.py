"""Rule lr_grid_figure: final validation accuracy against learning rate, per optimizer."""

from optireport.analysis import summary
from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

params = snakemake.params
points = {}
for directory, (optimizer, names) in zip(snakemake.input.grids, params.grids, strict=True):
    points[optimizer] = [
        (entry["learning_rate"], entry["val_accuracy"] or 0.0)
        for entry in summary.read_lr_grid(directory, optimizer, names)
    ]
for layout, path in layouts(snakemake.output, "lr_grid"):
    plots.plot_lr_grid(points, params.configured_rates, path, params.epochs, layout)
