"""Rule variants_figure: validation accuracy with raw and with scaled pixels."""

from optireport import plots
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

histories = {}
for path, (optimizer, variant, _) in zip(
    snakemake.input.histories, snakemake.params.jobs, strict=True
):
    histories.setdefault(optimizer, {}).setdefault(variant, []).append(plots.read_history(path))
labels = {"raw": "píxeles 0..255", "scaled": "píxeles en [0, 1]"}
plots.plot_variants(histories, labels, snakemake.output[0])
