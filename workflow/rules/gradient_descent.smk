# Gradient descent on J(x) = x·sin(x²): one job per configured run, then the comparison of
# methods from one start; and the figures drawn from them.


rule gd_run:
    input:
        code=code("gd_run"),
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
        runs=expand(rules.gd_run.output[0], run=GD_RUNS),
        code=code("gd_runs_figure"),
    output:
        **with_print(
            gd_runs=report(
                "report/figures/gd_runs.svg",
                caption="../report/gd_runs.rst",
                category="Descenso por gradiente",
                labels={"figura": "ejecuciones"},
            ),
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
        code=code("gd_curve_figure"),
    output:
        **with_print(
            gd_curve=report(
                "report/figures/gd_curve.svg",
                caption="../report/gd_curve.rst",
                category="Descenso por gradiente",
                labels={"figura": "J(x)"},
            ),
        ),
    log:
        "logs/gd/curve_figure.log",
    params:
        x_range=config["gradient_descent"]["x_range"],
        y_range=config["gradient_descent"]["y_range"],
    script:
        "../scripts/gd_curve_figure.py"


rule gd_methods:
    input:
        code=code("gd_methods"),
    output:
        "results/gd/methods.json",
    log:
        "logs/gd/methods.log",
    params:
        methods=config["gradient_descent"]["methods"],
        x_range=config["gradient_descent"]["x_range"],
    script:
        "../scripts/gd_methods.py"


rule gd_methods_figures:
    input:
        methods=rules.gd_methods.output[0],
        code=code("gd_methods_figures"),
    output:
        **with_print(
            figure=report(
                "report/figures/gd_methods.svg",
                caption="../report/gd_methods.rst",
                category="Descenso por gradiente",
                labels={"figura": "métodos"},
            ),
        ),
        animation="report/figures/gd_methods.gif",
    log:
        "logs/gd/methods_figures.log",
    params:
        method_names=labels.METHOD_NAMES,
        x_range=config["gradient_descent"]["x_range"],
        y_range=config["gradient_descent"]["y_range"],
    script:
        "../scripts/gd_methods_figures.py"
