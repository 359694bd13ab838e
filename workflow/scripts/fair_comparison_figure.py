"""Rule fair_comparison_figure: test accuracy at the configured and at the tuned rate."""

from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

comparison = atomic.read_json(snakemake.input.comparison)
for layout, path in layouts(snakemake.output, "fair_comparison"):
    plots.plot_fair_comparison(comparison["rows"], snakemake.params.variant_names, path, layout)
