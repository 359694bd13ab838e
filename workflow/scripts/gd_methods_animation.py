"""Rule gd_methods_animation: the compared methods' paths as a GIF (shown in the HTML only)."""

import json

from optireport import gd_plots
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

with open(snakemake.input.methods, encoding="utf-8") as handle:
    result = json.load(handle)
gd_plots.animate_methods(
    {m["method"]: m for m in result["methods"]},
    snakemake.params.method_names,
    snakemake.output[0],
    x_range=snakemake.params.x_range,
    y_range=snakemake.params.y_range,
)
