"""Rule curves_figures: accuracy and loss curves of every optimizer on raw pixels."""

from optireport.figures import plots
from optireport.store import history
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

optimizers, seeds = snakemake.params.optimizers, snakemake.params.seeds
paths = iter(snakemake.input.histories)
histories = {name: [history.columns(next(paths)) for _ in seeds] for name in optimizers}
output = snakemake.output
plots.plot_curves(histories, output.accuracy, "accuracy", "Exactitud")
plots.plot_curves(histories, output.loss, "loss", "Pérdida (entropía cruzada)")
