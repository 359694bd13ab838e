# Fair comparison: each optimizer's learning rate chosen on validation data from its grid
# (checkpoint tune), then the main trainings repeated at that rate, all seeds of one optimizer
# and input in one job. A tuned training has the chosen rate in its path, so it depends on the
# choice only through the rate's value.


checkpoint tune:
    input:
        grids=tuning_grid_dirs(),
        code=code("tune"),
    output:
        "results/tuning/rates.json",
    log:
        "logs/tuning/tune.log",
    params:
        grids=[[o, v, grid_point_names(o)] for v, o in tuning_grids()],
    script:
        "../scripts/tune.py"


rule train_tuned:
    input:
        mnist=ancient(rules.mnist.output.npz),
        code=code("train"),
    output:
        **group_files(TUNED_DIR),
    log:
        "logs/train_tuned/{optimizer}/{variant}/lr{rate}.log",
    benchmark:
        paths.benchmark_of(TUNED_DIR)
    wildcard_constraints:
        rate=r"[0-9][0-9.e+-]*",
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=train_runtime_min,
    params:
        settings=tuned_train_params,
    script:
        "../scripts/train.py"


rule fair_comparison:
    input:
        rates=rules.tune.output[0],
        default=training_files("metrics"),
        tuned=tuned_metrics,
        code=code("fair_comparison"),
    output:
        "results/tuning/comparison.json",
    log:
        "logs/tuning/fair_comparison.log",
    params:
        trainings=[[o, v, s] for o, v, s in training_jobs()],
        config=sections("optimizers", "training", "lr_grid", "findings"),
    script:
        "../scripts/fair_comparison.py"


rule fair_comparison_figure:
    input:
        comparison=rules.fair_comparison.output[0],
        code=code("fair_comparison_figure"),
    output:
        **with_print(
            fair_comparison=report(
                "report/figures/fair_comparison.svg",
                caption="../report/fair_comparison.rst",
                category="Experimentos",
                labels={"figura": "comparación justa"},
            ),
        ),
    log:
        "logs/tuning/fair_comparison_figure.log",
    params:
        variant_names=labels.VARIANT_NAMES,
    script:
        "../scripts/fair_comparison_figure.py"
