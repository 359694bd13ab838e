"""Rule invitation_figures: one figure per experiment of the invitation's chapter."""

from pathlib import Path

from optireport.figures import invitation_plots
from optireport.figures import style as figure_style
from optireport.figures.style import layouts
from optireport.store import atomic, history
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

inputs, output, params = snakemake.input, snakemake.output, snakemake.params
result = atomic.read_json(inputs.summary)
colors = figure_style.colors(params.optimizers)
seeds = result["settings"]["seeds"]
directories = {Path(path).name: Path(path) for path in inputs.runs}


def line(name, label):
    """One configuration's seeds as a line of a panel."""
    configuration = result["configurations"][name]
    histories = [
        history.columns(directories[name] / f"seed{seed}" / "history.csv") for seed in seeds
    ]
    return {"label": label, "color": colors[configuration["optimizer"]], "histories": histories}


def draw(name, plot, *args):
    """The figure ``name`` drawn by ``plot(*args, path, layout=...)``, for screen and print."""
    for layout, path in layouts(output, name):
        plot(*args, path, layout=layout)


# One figure per experiment switched on (the rule's outputs are exactly those).
if result["batch_size"] is not None:
    draw(
        "batch_size",
        invitation_plots.plot_configurations,
        [
            {
                "title": optimizer,
                "lines": [
                    line(row["configuration"], f"lotes de {row['batch_size']}")
                    for row in found["sizes"]
                ],
            }
            for optimizer, found in result["batch_size"].items()
        ],
    )
if result["momentum"] is not None:
    roles = result["momentum"]["configurations"]
    beta = result["momentum"]["momentum"]
    draw(
        "momentum",
        invitation_plots.plot_configurations,
        [
            {
                "title": None,
                "lines": [
                    line(roles["plain"], "sin momento"),
                    line(roles["momentum"], f"momento clásico ({beta})"),
                    line(roles["nesterov"], f"momento de Nesterov ({beta})"),
                ],
            }
        ],
    )
if result["adadelta"] is not None:
    roles = result["adadelta"]["configurations"]
    configured_rate = params.configured_rates[
        result["configurations"][roles["configured"]]["optimizer"]
    ]
    draw(
        "adadelta",
        invitation_plots.plot_configurations,
        [
            {
                "title": None,
                "lines": [
                    line(roles["configured"], f"tasa configurada ({configured_rate})"),
                    line(roles["paper"], f"tasa del artículo ({result['adadelta']['paper_rate']})"),
                ],
            }
        ],
    )
if result["early_stopping"] is not None:
    histories = {}
    for path, (optimizer, variant, seed) in zip(inputs.histories, params.trainings, strict=True):
        columns = history.columns(path)
        columns["seed"] = seed
        histories.setdefault(optimizer, {}).setdefault(variant, []).append(columns)
    stops = {
        (g["optimizer"], g["variant"], s["seed"]): s
        for g in result["early_stopping"]["groups"]
        for s in g["seeds"]
    }
    styles = figure_style.VARIANT_STYLES
    present = {variant for by_variant in histories.values() for variant in by_variant}
    draw(
        "early_stopping",
        invitation_plots.plot_early_stopping,
        histories,
        stops,
        colors,
        {variant: style for variant, style in styles.items() if variant in present},
        params.variant_cells,
    )
