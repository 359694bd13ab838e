"""Rule render: the report and its annex to HTML and PDF (Quarto, or Pandoc + Typst).

The renderers' whole output goes to the rule's log; their warnings reach the terminal too.
"""

from pathlib import Path

from optireport.report import render
from optireport.store.joblog import redirect_to_log_echoing_warnings

redirect_to_log_echoing_warnings(snakemake.log[0])

for qmd in (snakemake.input.qmd, snakemake.input.annex):
    outputs = render.render_report(
        Path(qmd), Path(snakemake.output.html).parent, renderer=snakemake.params.renderer
    )
    print(f"Generado: {outputs['html']} y {outputs['pdf']}")
