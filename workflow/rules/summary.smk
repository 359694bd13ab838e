# One machine-readable summary of every number the report states, and the figure drawn from
# its comparisons (the collapsed run beside a healthy one).


rule summary:
    input:
        mnist="results/data/mnist.json",
        gd_runs=expand("results/gd/runs/{run}.json", run=GD_RUNS),
        gd_methods="results/gd/methods.json",
        trainings=[f"{d}/metrics.json" for d in training_dirs()],
        lr_grid=expand(
            "results/lr_grid/{variant}/{optimizer}",
            variant=config["lr_grid"]["variant"],
            optimizer=OPTIMIZERS,
        ),
        fair_comparison="results/tuning/comparison.json",
        invitation="results/invitation/summary.json",
        benchmarks=benchmark_files()
        + [f"benchmarks/invitation_train/{c}.tsv" for c in INVITATION_CONFIGURATIONS],
        tuned_benchmarks=tuned_benchmarks,
        model_summary=f"{training_dirs()[0]}/summary.txt",
        # The environment's lock: the appendix names its digest.
        lock="requirements.lock",
        code=code("summary"),
    output:
        "results/summary.json",
    log:
        "logs/summary.log",
    params:
        trainings=[[o, v, s] for o, v, s in training_jobs()],
        lr_grid=lr_grid_points(),
        findings=config["findings"],
        configured_rates=configured_rates(),
        # The configuration the report shows: where it is published is left out, so that
        # publishing elsewhere rebuilds nothing.
        config=jobs.report_config(config),
    script:
        "../scripts/summary.py"


rule predictions_figure:
    input:
        summary="results/summary.json",
        code=code("predictions_figure"),
    output:
        report(
            "report/figures/predictions.svg",
            caption="../report/predictions.rst",
            category="Entrenamiento",
            labels={"figura": "predicciones"},
        ),
    log:
        "logs/summary/predictions_figure.log",
    params:
        variant_names=labels.VARIANT_NAMES,
    script:
        "../scripts/predictions_figure.py"
