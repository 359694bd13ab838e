"""Rule gd_run: one plain gradient-descent trajectory."""

from optireport.descent import gd
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

run = snakemake.params.run
trajectory = gd.gradient_descent(run["start"], run["learning_rate"], run["iterations"])
result = {**run, **trajectory, **gd.final_point(trajectory)}
print(gd.outcome(trajectory))
atomic.write_json(snakemake.output[0], result)
