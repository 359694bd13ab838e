"""Rule summary: gather every rule output the report quotes into results/summary.json."""

import platform
import sys
from pathlib import Path

from optireport import summary

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

inputs, params = snakemake.input, snakemake.params  # noqa: F821

gd_runs = []
for path in inputs.gd_runs:
    run = summary.read_json(path)
    gd_runs.append(
        {
            "name": Path(path).stem,
            **{k: run[k] for k in ("start", "learning_rate", "iterations", "final_x", "final_J")},
        }
    )
variants = summary.read_json(inputs.gd_variants)
trainings = [
    summary.training_entry(summary.read_json(path), optimizer, variant, seed)
    for path, (optimizer, variant, seed) in zip(inputs.trainings, params.trainings, strict=True)
]
lr_sensitivity = [
    summary.lr_entry(summary.read_json(path), optimizer, Path(path).with_name("history.csv"))
    for path, (optimizer, _) in zip(inputs.lr_probes, params.lr_probes, strict=True)
]
benchmarks = [
    {"job": str(Path(path).with_suffix("")).removeprefix("benchmarks/"),
     "seconds": summary.read_benchmark(path)}
    for path in inputs.benchmarks
]

result = {
    "data": summary.read_json(inputs.mnist),
    "gd_global_min": variants["global_min"],
    "gd_tolerance": variants["tolerance"],
    "gd_runs": gd_runs,
    "gd_variants": [
        {k: v for k, v in method.items() if k not in ("x", "J")} for method in variants["methods"]
    ],
    "trainings": trainings,
    "training_groups": summary.aggregate(trainings),
    "lr_sensitivity": lr_sensitivity,
    "benchmarks": benchmarks,
    "config": params.config,
    "environment": {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": summary.package_versions(),
    },
}
summary.write_json(result, snakemake.output[0])  # noqa: F821
