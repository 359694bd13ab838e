"""Rule curves_figures: accuracy and loss curves of every optimizer on raw pixels."""

from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store import history
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

optimizers, seeds = snakemake.params.optimizers, snakemake.params.seeds
paths = iter(snakemake.input.histories)
histories = {name: [history.columns(next(paths)) for _ in seeds] for name in optimizers}
for metric, ylabel in (("accuracy", "Exactitud"), ("loss", "Pérdida (entropía cruzada)")):
    for layout, path in layouts(snakemake.output, metric):
        plots.plot_curves(histories, path, metric, ylabel, layout)
