"""Rule lr_figure: final validation accuracy against learning rate."""

from optireport import plots, summary
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

result = summary.read_json(snakemake.input[0])
points = {}
for entry in result["lr_sensitivity"]:
    accuracy = entry["val_accuracy"] if entry["val_accuracy"] is not None else 0.0
    points.setdefault(entry["optimizer"], []).append((entry["learning_rate"], accuracy))
defaults = {
    name: spec["args"]["learning_rate"] for name, spec in result["config"]["optimizers"].items()
}
epochs = result["config"]["lr_sensitivity"]["epochs"]
plots.plot_lr_sensitivity(points, defaults, snakemake.output[0], epochs)
