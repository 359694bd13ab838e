"""Rule curves_figures: accuracy and loss curves of every optimizer on raw pixels."""

import sys

from optireport import plots

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

optimizers, seeds = snakemake.params.optimizers, snakemake.params.seeds
paths = iter(snakemake.input.histories)
histories = {name: [plots.read_history(next(paths)) for _ in seeds] for name in optimizers}
output = snakemake.output
plots.plot_curves(histories, output.accuracy, "accuracy", "Exactitud")
plots.plot_curves(histories, output.loss, "loss", "Pérdida (entropía cruzada)")
