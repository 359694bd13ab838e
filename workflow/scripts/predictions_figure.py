"""Rule predictions_figure: predicted digits of a collapsed run beside a healthy one."""

from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log
from optireport.text import formats

redirect_to_log(snakemake.log[0])

result = atomic.read_json(snakemake.input.summary)
example = result["collapse_example"]
if example is None:
    # Nothing collapsed: show the worst run, so that the figure still says what it shows.
    worst = min(
        (t for t in result["trainings"] if t["prediction_counts"]),
        key=lambda t: t["test_accuracy"] if t["test_accuracy"] is not None else -1.0,
    )
    example = {"collapsed": worst, "healthy": None}
panels = [
    {
        "optimizer": run["optimizer"],
        "counts": run["prediction_counts"],
        "title": (
            f"{run['optimizer']}, {snakemake.params.variant_names[run['variant']]}\n"
            f"semilla {run['seed']}: exactitud {formats.decimal(run['test_accuracy'])}"
        ),
    }
    for run in (example["collapsed"], example["healthy"])
    if run is not None
]
for layout, path in layouts(snakemake.output, "predictions"):
    plots.plot_predictions(panels, example["collapsed"]["label_counts"], path, layout)
