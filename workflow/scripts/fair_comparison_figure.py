"""Rule fair_comparison_figure: test accuracy at the configured and at the tuned rate."""

from optireport import document, plots, summary
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

comparison = summary.read_json(snakemake.input[0])
plots.plot_fair_comparison(comparison["rows"], document.VARIANT_NAMES, snakemake.output[0])
