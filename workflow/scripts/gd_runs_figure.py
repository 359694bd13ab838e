"""Rule gd_runs_figure: every plain gradient-descent run, one panel each (a diverged run is
drawn up to its last finite iterate, and its title says where it diverged)."""

from optireport.figures import gd_plots
from optireport.figures.style import layouts
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log
from optireport.text import formats

redirect_to_log(snakemake.log[0])

runs = [atomic.read_json(path) for path in snakemake.input.runs]
titles = [
    f"{index}: $x_0$ = {run['start']}, $\\eta$ = {run['learning_rate']}, "
    f"{formats.thousands(int(run['iterations']))} it."
    + (f"\ndiverge en el paso {run['diverged_at']}" if run["diverged_at"] is not None else "")
    for index, run in enumerate(runs, start=1)
]
for layout, path in layouts(snakemake.output, "gd_runs"):
    gd_plots.plot_runs(
        runs,
        titles,
        path,
        x_range=snakemake.params.x_range,
        y_range=snakemake.params.y_range,
        layout=layout,
    )
