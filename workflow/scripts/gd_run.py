"""Rule gd_run: one plain gradient-descent trajectory."""

import json

from optireport import gd
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

run = snakemake.params.run
trajectory = gd.gradient_descent(run["start"], run["learning_rate"], run["iterations"])
result = {**run, **trajectory, "final_x": trajectory["x"][-1], "final_J": trajectory["J"][-1]}
print(f"x final = {result['final_x']:.6f}, J final = {result['final_J']:.6f}")
with open(snakemake.output[0], "w", encoding="utf-8") as handle:
    json.dump(result, handle)
