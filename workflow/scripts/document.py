"""Rule document: render the Jinja templates into report/informe.qmd."""

from pathlib import Path

from optireport.report import document
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

document.write_document(
    atomic.read_json(snakemake.input.summary),
    Path("templates"),
    Path(snakemake.output[0]),
)
