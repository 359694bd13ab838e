"""Rule variants_figure: validation accuracy with raw and with scaled pixels."""

from optireport.figures import plots
from optireport.figures.style import layouts
from optireport.store import history
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

histories = {}
for path, (optimizer, variant, _) in zip(
    snakemake.input.histories, snakemake.params.jobs, strict=True
):
    histories.setdefault(optimizer, {}).setdefault(variant, []).append(history.columns(path))
for layout, path in layouts(snakemake.output, "variants"):
    plots.plot_variants(histories, snakemake.params.variant_names, path, layout)
