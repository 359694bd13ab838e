"""Rule variants_figure: validation accuracy with raw and with scaled pixels."""

from optireport import document, plots
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

histories = {}
for path, (optimizer, variant, _) in zip(
    snakemake.input.histories, snakemake.params.jobs, strict=True
):
    histories.setdefault(optimizer, {}).setdefault(variant, []).append(plots.read_history(path))
plots.plot_variants(histories, document.VARIANT_NAMES, snakemake.output[0])
