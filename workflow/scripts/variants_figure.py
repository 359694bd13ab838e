"""Rule variants_figure: validation accuracy with raw and with scaled pixels."""

import sys

from optireport import plots

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

histories = {}
for path, (optimizer, variant, _) in zip(
    snakemake.input.histories, snakemake.params.jobs, strict=True
):
    histories.setdefault(optimizer, {}).setdefault(variant, []).append(plots.read_history(path))
labels = {"raw": "píxeles 0..255", "scaled": "píxeles en [0, 1]"}
plots.plot_variants(histories, labels, snakemake.output[0])
