"""Rule site: put the rendered report and annex in report/_site/, each file whole or not at all."""

from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

for role, target in snakemake.output.items():
    atomic.copy_file(snakemake.input[role], target)
    print(f"{target}")
