"""Rule document: render the Jinja templates into report/informe.qmd."""

import sys
from pathlib import Path

from optireport import document, summary

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

document.write_document(
    summary.read_json(snakemake.input.summary),  # noqa: F821
    Path("templates"),
    Path(snakemake.output[0]),  # noqa: F821
)
