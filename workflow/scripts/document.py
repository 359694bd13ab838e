"""Rule document: render the Jinja templates into report/informe.qmd."""

import sys
from pathlib import Path

from optireport import document, summary

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

document.write_document(
    summary.read_json(snakemake.input.summary),
    Path("templates"),
    Path(snakemake.output[0]),
)
