# Training figures, the Quarto document generated from templates, and its HTML/PDF rendering.


rule curves_figures:
    input:
        [f"results/train/{o}/raw/seed{s}/history.csv" for o in OPTIMIZERS for s in SEEDS],
    output:
        accuracy=report(
            "report/figures/accuracy.svg",
            caption="../report/accuracy.rst",
            category="Entrenamiento",
            labels={"figura": "exactitud"},
        ),
        loss=report(
            "report/figures/loss.svg",
            caption="../report/loss.rst",
            category="Entrenamiento",
            labels={"figura": "pérdida"},
        ),
    params:
        optimizers=OPTIMIZERS,
        seeds=SEEDS,
    log:
        "logs/report/curves_figures.log",
    script:
        "../scripts/curves_figures.py"


rule variants_figure:
    input:
        [f"{d}/history.csv" for d in training_dirs()],
    output:
        report(
            "report/figures/variants.svg",
            caption="../report/variants.rst",
            category="Experimentos",
            labels={"figura": "escalado"},
        ),
    params:
        jobs=[[o, v, s] for o, v, s in training_jobs()],
    log:
        "logs/report/variants_figure.log",
    script:
        "../scripts/variants_figure.py"


rule lr_figure:
    input:
        "results/summary.json",
    output:
        report(
            "report/figures/lr_sensitivity.svg",
            caption="../report/lr_sensitivity.rst",
            category="Experimentos",
            labels={"figura": "tasa de aprendizaje"},
        ),
    log:
        "logs/report/lr_figure.log",
    script:
        "../scripts/lr_figure.py"


rule rulegraph_figure:
    input:
        "Snakefile",
        RULE_FILES,
    output:
        dot="results/rulegraph.dot",
        svg=report(
            "report/figures/rulegraph.svg",
            caption="../report/rulegraph.rst",
            category="Reproducibilidad",
            labels={"figura": "grafo de reglas"},
        ),
    params:
        configfiles=[str(path) for path in workflow.configfiles],
    log:
        "logs/report/rulegraph_figure.log",
    script:
        "../scripts/rulegraph_figure.py"


rule document:
    input:
        summary="results/summary.json",
        templates=TEMPLATES,
    output:
        "report/informe.qmd",
    log:
        "logs/report/document.log",
    script:
        "../scripts/document.py"


rule render:
    input:
        qmd="report/informe.qmd",
        figures=FIGURES,
        assets=["report/_quarto.yml", "report/styles.css", "report/crossref.lua"],
    output:
        html="report/_site/informe.html",
        pdf="report/_site/informe.pdf",
    params:
        renderer=config["report"]["renderer"],
    log:
        "logs/report/render.log",
    benchmark:
        "benchmarks/render.tsv"
    script:
        "../scripts/render.py"
