"""Rule document: render the Jinja templates into report/informe.qmd."""

import sys
from pathlib import Path

from optireport.report import document
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

summary = atomic.read_json(snakemake.input.summary)
try:
    # Both documents are rendered before either is written: an error leaves both as they were.
    document.write_documents(
        summary,
        Path("templates"),
        {
            "informe.qmd.j2": Path(snakemake.output.report),
            "anexo.qmd.j2": Path(snakemake.output.annex),
        },
    )
except document.TemplateError as error:
    sys.exit(str(error))
