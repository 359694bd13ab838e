"""Rule edition: what identifies this build of the report (date, commit, config, hashes)."""

from pathlib import Path

from optireport.report import publish
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

record = publish.record_edition(
    Path(snakemake.input.html).parent, snakemake.params.config, Path(snakemake.output[0])
)
print(f"Edición: {record}")
