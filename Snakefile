# Informe reproducible sobre optimizadores de redes neuronales.
# Run: snakemake --cores 4   (see README.md)
import sys
from pathlib import Path

from snakemake.utils import min_version

from optireport.devtools import failures

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


# Everything the report is made from is a target too, not only the report: a summary, a
# document or a figure that a failed build removed is made again (and with it, whatever is
# made from it), even when the report from before the failure is still there.
rule all:
    default_target: True
    input:
        rules.summary.output,
        rules.document.output,
        rules.render.input.figures,
        rules.render.output,
        rules.site.output,
        rules.edition.output,


# Before any job (not in a dry-run, and only where Snakemake itself runs): a damaged MNIST
# copy is rebuilt, identical, so that no job reads it and nothing reruns.
onstart:
    repair_damaged_mnist()


# A build that stops says, in Spanish, which stage failed, where its log is, and that the
# previous report is still in place.
onerror:
    print(failures.explanation(Path(log[0])), file=sys.stderr)


# Jobs that run where Snakemake itself runs, never on a cluster node: the MNIST fetch may
# need the package registry (nodes often have no internet); the others take seconds.
localrules:
    all,
    mnist,
    summary,
    document,
    render,
    site,
    edition,
