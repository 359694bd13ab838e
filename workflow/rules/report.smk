# Training figures, the Quarto document generated from templates, and its HTML/PDF rendering.
from optireport import render as renderers

# renderer: quarto without Quarto on PATH stops here, before any job, saying how to get it.
try:
    renderers.choose_renderer(config["report"]["renderer"])
except renderers.RenderError as error:
    sys.exit(str(error))

# The renderers' settings and house style (report/_quarto.yml explains who reads what).
RENDER_SETTINGS = [
    f"report/{name}"
    for name in (
        "_quarto.yml",
        "pandoc.yaml",
        "pandoc-html.yaml",
        "pandoc-typst.yaml",
        "quarto-stand-in.lua",
        "pdf-metadata.lua",
        "style.typ",
        "styles.css",
    )
]


rule curves_figures:
    input:
        histories=[
            f"results/train/{o}/raw/seed{s}/history.csv"
            for o in OPTIMIZERS
            for s in SEEDS
        ],
        code=figure_code("plots"),
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
    log:
        "logs/report/curves_figures.log",
    params:
        optimizers=OPTIMIZERS,
        seeds=SEEDS,
    script:
        "../scripts/curves_figures.py"


rule variants_figure:
    input:
        histories=[f"{d}/history.csv" for d in training_dirs()],
        code=figure_code("plots"),
    output:
        report(
            "report/figures/variants.svg",
            caption="../report/variants.rst",
            category="Experimentos",
            labels={"figura": "escalado"},
        ),
    log:
        "logs/report/variants_figure.log",
    params:
        jobs=[[o, v, s] for o, v, s in training_jobs()],
    script:
        "../scripts/variants_figure.py"


rule lr_figure:
    input:
        "results/summary.json",
        figure_code("plots"),
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


rule predictions_figure:
    input:
        "results/summary.json",
        figure_code("plots"),
    output:
        report(
            "report/figures/predictions.svg",
            caption="../report/predictions.rst",
            category="Entrenamiento",
            labels={"figura": "predicciones"},
        ),
    log:
        "logs/report/predictions_figure.log",
    script:
        "../scripts/predictions_figure.py"


rule rulegraph_figure:
    input:
        "Snakefile",
        RULE_FILES,
        figure_code("plots"),
    output:
        dot="results/rulegraph.dot",
        svg=report(
            "report/figures/rulegraph.svg",
            caption="../report/rulegraph.rst",
            category="Reproducibilidad",
            labels={"figura": "grafo de reglas"},
        ),
    log:
        "logs/report/rulegraph_figure.log",
    script:
        "../scripts/rulegraph_figure.py"


rule document:
    input:
        summary="results/summary.json",
        templates=TEMPLATES,
        code=code("document"),
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
        invitation_figures=INVITATION_FIGURES,
        settings=RENDER_SETTINGS,
        code=code("render"),
    output:
        html="report/_site/informe.html",
        pdf="report/_site/informe.pdf",
    log:
        "logs/report/render.log",
    benchmark:
        "benchmarks/render.tsv"
    params:
        renderer=config["report"]["renderer"],
    script:
        "../scripts/render.py"


rule edition:
    input:
        html="report/_site/informe.html",
        pdf="report/_site/informe.pdf",
    output:
        "results/edition.json",
    log:
        "logs/report/edition.log",
    params:
        config=config,
    script:
        "../scripts/edition.py"
