# The report itself: the Quarto document generated from the templates and summary.json, its
# HTML/PDF rendering, the edition record, and the rule graph figure of its appendix.
from optireport.report import render as renderers

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


rule rulegraph_figure:
    input:
        snakefile="Snakefile",
        rules=RULE_FILES,
        code=code("rulegraph_figure"),
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
        captions=CAPTIONS,
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
        code=code("edition"),
    output:
        "results/edition.json",
    log:
        "logs/report/edition.log",
    params:
        # The digest leaves out where the report is published: so do the params.
        config=jobs.report_config(config),
    script:
        "../scripts/edition.py"
