"""Rule summary: gather every rule output the report quotes into results/summary.json."""

import platform
from pathlib import Path

from optireport.analysis import summary
from optireport.report import publish
from optireport.store import atomic, lockfile, paths
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

inputs, params = snakemake.input, snakemake.params

methods = atomic.read_json(inputs.gd_methods)
best_x, tolerance = methods["global_min"]["x"], methods["tolerance"]
gd_runs = []
for path in inputs.gd_runs:
    run = atomic.read_json(path)
    diverged = run["diverged_at"] is not None
    gd_runs.append(
        {
            "name": Path(path).stem,
            **{
                k: run[k]
                for k in (
                    "start",
                    "learning_rate",
                    "iterations",
                    "final_x",
                    "final_J",
                    "diverged_at",
                )
            },
            # A diverged run has no last step, and never reaches anything.
            "last_step": None if diverged else abs(run["x"][-1] - run["x"][-2]),
            "reached_global_min": not diverged and abs(run["final_x"] - best_x) <= tolerance,
        }
    )
trainings = [
    {
        **summary.training_entry(atomic.read_json(path), optimizer, variant, seed),
        **summary.history_facts(Path(path).with_name("history.csv")),
    }
    for path, (optimizer, variant, seed) in zip(inputs.trainings, params.trainings, strict=True)
]
# One directory per optimizer, with one subdirectory per grid point.
lr_grid = [
    entry
    for directory, (optimizer, names) in zip(inputs.lr_grid, params.lr_grid, strict=True)
    for entry in summary.read_lr_grid(directory, optimizer, names)
]
thresholds = params.findings
fair_comparison = atomic.read_json(inputs.fair_comparison)
invitation_summary = atomic.read_json(inputs.invitation)
groups = summary.aggregate(trainings, thresholds["collapse_share"])
first_training = atomic.read_json(inputs.trainings[0])

result = {
    "data": atomic.read_json(inputs.mnist),
    "gd_global_min": methods["global_min"],
    "gd_tolerance": methods["tolerance"],
    "gd_runs": gd_runs,
    "gd_methods": [
        {
            **{k: v for k, v in method.items() if k not in ("x", "J")},
            # How far the path went: beyond the configured x range, the figure widens its axis.
            **summary.path_extent(method["x"]),
        }
        for method in methods["methods"]
    ],
    "trainings": trainings,
    "training_groups": groups,
    "collapse_example": summary.collapse_example(groups, trainings),
    "findings": summary.findings(
        groups,
        lr_grid,
        params.configured_rates,
        thresholds,
        grid_variant=params.config["lr_grid"]["variant"],
        classes={name: spec["class"] for name, spec in params.config["optimizers"].items()},
    ),
    "fastest_to_target": summary.fastest_to_target(
        groups, fair_comparison["rows"], invitation_summary
    ),
    "lr_grid": lr_grid,
    "model": {
        "n_params": first_training["n_params"],
        "summary_text": Path(inputs.model_summary).read_text(encoding="utf-8").rstrip(),
    },
    "invitation": invitation_summary,
    "fair_comparison": fair_comparison,
    "rule_times": summary.rule_times(
        [*inputs.benchmarks, *inputs.tuned_benchmarks],
        {
            paths.benchmark_of(paths.train_dir(t["optimizer"], t["variant"], t["seed"])): (
                t["interrupted_seconds"] or 0.0
            )
            for t in trainings
        },
    ),
    # The configuration the report shows and reads (where it is published left out).
    "config": params.config,
    # What identifies this build: the same commit and config digest as its edition record.
    "provenance": {
        "commit": publish.head_commit(Path(".")),
        "uncommitted": bool(publish.uncommitted(Path("."))),
        "config_digest": publish.config_digest(params.config),
    },
    "environment": {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": summary.package_versions(),
        "lock": lockfile.facts(inputs.lock),
    },
}
# One check for every stage: a number that is not finite becomes null, and the log says where.
result, non_finite = atomic.without_non_finite(result)
for where in non_finite:
    print(f"Aviso: «{where}» no es un número finito; el resumen lo guarda como null.")
atomic.write_json(snakemake.output[0], result)
