# One machine-readable summary of every number the report states, and the figure drawn from
# its comparisons (the collapsed run beside a healthy one).


rule summary:
    input:
        mnist=rules.mnist.output.info,
        gd_runs=expand(rules.gd_run.output[0], run=GD_RUNS),
        gd_methods=rules.gd_methods.output[0],
        trainings=training_files("metrics"),
        lr_grid=report_grid_dirs(),
        fair_comparison=rules.fair_comparison.output[0],
        invitation=rules.invitation_summary.output[0],
        # Every job the appendix times, in config order; the tuned trainings' come below.
        benchmarks=[
            rules.mnist.benchmark,
            *expand(
                rules.train.benchmark,
                optimizer=OPTIMIZERS,
                variant=VARIANTS,
                seed=SEEDS,
            ),
            *expand(rules.lr_grid.benchmark, variant=VARIANTS, optimizer=OPTIMIZERS),
            *expand(
                rules.invitation_train.benchmark,
                configuration=INVITATION_CONFIGURATIONS,
            ),
        ],
        tuned_benchmarks=tuned_benchmarks,
        model_summary=training_files("summary")[0],
        # The environment's lock: the appendix names its digest.
        lock="requirements.lock",
        code=code("summary"),
    output:
        paths.SUMMARY,
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
        summary=rules.summary.output[0],
        code=code("predictions_figure"),
    output:
        **with_print(
            predictions=report(
                "report/figures/predictions.svg",
                caption="../report/predictions.rst",
                category="Entrenamiento",
                labels={"figura": "predicciones"},
            ),
        ),
    log:
        "logs/summary/predictions_figure.log",
    params:
        variant_names=labels.VARIANT_NAMES,
    script:
        "../scripts/predictions_figure.py"
