"""Rule gd_methods: every configured method from the same start, against the global minimum."""

from optireport.descent import gd
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

spec = snakemake.params.methods
x_min, x_max = snakemake.params.x_range
best_x, best_J = gd.global_minimum(x_min, x_max)
methods = []
for method, settings in spec["settings"].items():
    trajectory = gd.run_method(method, spec["start"], spec["iterations"], **settings)
    steps = gd.steps_to_reach(trajectory, best_x, spec["tolerance"])
    methods.append(
        {
            "method": method,
            "settings": settings,
            "start": spec["start"],
            "iterations": spec["iterations"],
            **trajectory,
            **gd.final_point(trajectory),
            "reached_global_min": steps is not None,
            "steps_to_global_min": steps,
        }
    )
    print(f"{method}: {gd.outcome(trajectory)}; pasos hasta el mínimo global = {steps}")
result = {
    "global_min": {"x": best_x, "J": best_J, "interval": [x_min, x_max]},
    "tolerance": spec["tolerance"],
    "methods": methods,
}
atomic.write_json(snakemake.output[0], result)
