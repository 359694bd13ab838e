"""Rule render: report/informe.qmd to HTML and PDF (Quarto, or Pandoc + Typst)."""

import sys
from pathlib import Path

from optireport import render

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

outputs = render.render_report(
    Path(snakemake.input.qmd),  # noqa: F821
    Path(snakemake.output.html).parent,  # noqa: F821
    renderer=snakemake.params.renderer,  # noqa: F821
)
print(f"Informe generado: {outputs['html']} y {outputs['pdf']}")
