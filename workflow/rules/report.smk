# The report itself: the Quarto documents (report and annex) generated from the templates and
# summary.json, their HTML/PDF rendering, put in place only once complete, the edition record,
# and the rule graph figure of the annex.


rule rulegraph_figure:
    input:
        snakefile="Snakefile",
        rules=RULE_FILES,
        code=code("rulegraph_figure"),
    output:
        **with_print(
            svg=report(
                "report/figures/rulegraph.svg",
                caption="../report/rulegraph.rst",
                category="Reproducibilidad",
                labels={"figura": "grafo de reglas"},
            ),
        ),
        dot="results/rulegraph.dot",
    log:
        "logs/report/rulegraph_figure.log",
    script:
        "../scripts/rulegraph_figure.py"


rule document:
    input:
        summary=rules.summary.output[0],
        templates=TEMPLATES,
        captions=CAPTIONS,
        code=code("document"),
    output:
        report="report/informe.qmd",
        annex="report/anexo.qmd",
    log:
        "logs/report/document.log",
    script:
        "../scripts/document.py"


rule render:
    input:
        qmd=rules.document.output.report,
        annex=rules.document.output.annex,
        # Every figure the documents show: the outputs of the figure rules, the screen figures
        # (HTML) and their print layouts (PDF, report/print-figures.lua).
        figures=[
            rules.digits_figure.output,
            rules.gd_curve_figure.output,
            rules.gd_runs_figure.output,
            rules.gd_methods_figures.output,
            rules.curves_figures.output,
            rules.variants_figure.output,
            rules.lr_grid_figure.output,
            rules.predictions_figure.output,
            rules.fair_comparison_figure.output,
            rules.invitation_figures.output,
            rules.rulegraph_figure.output.svg,
            rules.rulegraph_figure.output.svg_print,
        ],
        settings=RENDER_SETTINGS,
        code=code("render"),
    # Rendered apart: Snakemake removes a job's outputs before it runs, so a failed render
    # leaves report/_site/ (rule site) as it was.
    output:
        html="report/_build/informe.html",
        pdf="report/_build/informe.pdf",
        annex_html="report/_build/anexo.html",
        annex_pdf="report/_build/anexo.pdf",
    log:
        "logs/report/render.log",
    benchmark:
        "benchmarks/render.tsv"
    params:
        renderer=config["report"]["renderer"],
    script:
        "../scripts/render.py"


rule site:
    input:
        **rules.render.output,
        code=code("site"),
    output:
        html="report/_site/informe.html",
        pdf="report/_site/informe.pdf",
        annex_html="report/_site/anexo.html",
        annex_pdf="report/_site/anexo.pdf",
    log:
        "logs/report/site.log",
    script:
        "../scripts/site.py"


rule edition:
    input:
        html=rules.site.output.html,
        pdf=rules.site.output.pdf,
        annex_html=rules.site.output.annex_html,
        annex_pdf=rules.site.output.annex_pdf,
        code=code("edition"),
    output:
        paths.EDITION,
    log:
        "logs/report/edition.log",
    params:
        # The digest leaves out where the report is published: so do the params.
        config=jobs.report_config(config),
    script:
        "../scripts/edition.py"
