# Learning-rate grids: short trainings over a log grid, for the learning-rate section and for
# tuning. One job per input variant and optimizer trains its whole grid as one group of
# models, one subdirectory per rate: results/lr_grid/raw/Adam/lr0.001/. And the figure of the
# section, drawn from the grids of its input (lr_grid.variant).


rule lr_grid:
    input:
        mnist=ancient(rules.mnist.output.npz),
        code=code("lr_grid"),
    output:
        directory(paths.lr_grid_dir("{variant}", "{optimizer}")),
    log:
        "logs/lr_grid/{variant}/{optimizer}.log",
    benchmark:
        "benchmarks/lr_grid/{variant}/{optimizer}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=lr_grid_runtime_min,
    params:
        settings=lr_grid_params,
    script:
        "../scripts/lr_grid.py"


rule lr_grid_figure:
    input:
        grids=report_grid_dirs(),
        code=code("lr_grid_figure"),
    output:
        **with_print(
            lr_grid=report(
                "report/figures/lr_grid.svg",
                caption="../report/lr_grid.rst",
                category="Experimentos",
                labels={"figura": "tasa de aprendizaje"},
            ),
        ),
    log:
        "logs/lr_grid/figure.log",
    params:
        grids=lr_grid_points(),
        configured_rates=configured_rates(),
        epochs=int(config["lr_grid"]["epochs"]),
    script:
        "../scripts/lr_grid_figure.py"
