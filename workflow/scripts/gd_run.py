"""Rule gd_run: one plain gradient-descent trajectory."""

from optireport.descent import gd
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

run = snakemake.params.run
trajectory = gd.gradient_descent(run["start"], run["learning_rate"], run["iterations"])
result = {**run, **trajectory, "final_x": trajectory["x"][-1], "final_J": trajectory["J"][-1]}
print(f"x final = {result['final_x']:.6f}, J final = {result['final_J']:.6f}")
# A diverging run may hold inf or NaN: Python's JSON reader accepts them back.
atomic.write_json(snakemake.output[0], result, allow_nan=True)
