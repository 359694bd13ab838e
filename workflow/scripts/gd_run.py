"""Rule gd_run: one plain gradient-descent trajectory."""

import json
import sys

from optireport import gd

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)

run = snakemake.params.run
trajectory = gd.gradient_descent(run["start"], run["learning_rate"], run["iterations"])
result = {**run, **trajectory, "final_x": trajectory["x"][-1], "final_J": trajectory["J"][-1]}
print(f"x final = {result['final_x']:.6f}, J final = {result['final_J']:.6f}")
with open(snakemake.output[0], "w", encoding="utf-8") as handle:
    json.dump(result, handle)
