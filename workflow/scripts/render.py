"""Rule render: report/informe.qmd to HTML and PDF (Quarto, or Pandoc + Typst)."""

import sys
from pathlib import Path

from optireport import render

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

outputs = render.render_report(
    Path(snakemake.input.qmd),
    Path(snakemake.output.html).parent,
    renderer=snakemake.params.renderer,
)
print(f"Informe generado: {outputs['html']} y {outputs['pdf']}")
