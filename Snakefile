# Informe reproducible sobre optimizadores de redes neuronales.
# Run: snakemake --cores 4   (see README.md)
from snakemake.utils import min_version

min_version("8.0")


configfile: "config/config.yaml"


# The first page of `snakemake --report`: what the workflow builds and how.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/gradient_descent.smk"
include: "workflow/rules/training.smk"
include: "workflow/rules/lr_grid.smk"
include: "workflow/rules/tuning.smk"
include: "workflow/rules/invitation.smk"
include: "workflow/rules/summary.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        rules.render.output,
        rules.edition.output,


# Before any job (not in a dry-run, and only where Snakemake itself runs): a damaged MNIST
# copy is rebuilt, identical, so that no job reads it and nothing reruns.
onstart:
    repair_damaged_mnist()


# Jobs that run where Snakemake itself runs, never on a cluster node: the MNIST fetch may
# need the package registry (nodes often have no internet); the others take seconds.
localrules:
    all,
    mnist,
    summary,
    document,
    render,
    edition,
