# Gradient descent on J(x) = x·sin(x²): one job per configured run, then the variants.


rule gd_run:
    input:
        code("gd"),
    output:
        "results/gd/runs/{run}.json",
    log:
        "logs/gd/run_{run}.log",
    params:
        run=gd_run_params,
    script:
        "../scripts/gd_run.py"


rule gd_runs_figure:
    input:
        runs=expand("results/gd/runs/{run}.json", run=GD_RUNS),
        code=figure_code("gd_plots"),
    output:
        report(
            "report/figures/gd_runs.svg",
            caption="../report/gd_runs.rst",
            category="Descenso por gradiente",
            labels={"figura": "ejecuciones"},
        ),
    log:
        "logs/gd/runs_figure.log",
    params:
        x_range=config["gradient_descent"]["x_range"],
        y_range=config["gradient_descent"]["y_range"],
    script:
        "../scripts/gd_runs_figure.py"


rule gd_curve_figure:
    input:
        figure_code("gd_plots"),
    output:
        report(
            "report/figures/gd_curve.svg",
            caption="../report/gd_curve.rst",
            category="Descenso por gradiente",
            labels={"figura": "J(x)"},
        ),
    log:
        "logs/gd/curve_figure.log",
    params:
        x_range=config["gradient_descent"]["x_range"],
        y_range=config["gradient_descent"]["y_range"],
    script:
        "../scripts/gd_curve_figure.py"


rule gd_variants:
    input:
        code("gd"),
    output:
        "results/gd/variants.json",
    log:
        "logs/gd/variants.log",
    params:
        variants=config["gradient_descent"]["variants"],
        x_range=config["gradient_descent"]["x_range"],
    script:
        "../scripts/gd_variants.py"


rule gd_variants_figure:
    input:
        "results/gd/variants.json",
        figure_code("gd_plots"),
    output:
        report(
            "report/figures/gd_variants.svg",
            caption="../report/gd_variants.rst",
            category="Descenso por gradiente",
            labels={"figura": "variantes"},
        ),
    log:
        "logs/gd/variants_figure.log",
    params:
        x_range=config["gradient_descent"]["x_range"],
        y_range=config["gradient_descent"]["y_range"],
    script:
        "../scripts/gd_variants_figure.py"


rule gd_variants_animation:
    input:
        "results/gd/variants.json",
        figure_code("gd_plots"),
    output:
        "report/figures/gd_variants.gif",
    log:
        "logs/gd/variants_animation.log",
    params:
        x_range=config["gradient_descent"]["x_range"],
        y_range=config["gradient_descent"]["y_range"],
    script:
        "../scripts/gd_variants_animation.py"
