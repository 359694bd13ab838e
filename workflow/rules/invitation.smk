# The experiments the notebook's closing invitation calls for (optireport.analysis.invitation): one
# training job per configuration (all its seeds), then one summary of the chapter and its
# figures. Early stopping reads the main trainings and trains nothing.
import re

from optireport.config import experiments

INVITATION = experiments.experiments(config)
INVITATION_CONFIGURATIONS = list(INVITATION["configurations"])
INVITATION_FIGURES = [
    f"report/figures/{name}.svg"
    for name in ("batch_size", "momentum", "adadelta", "early_stopping")
]


rule invitation_train:
    input:
        mnist="results/data/mnist.npz",
        code=code("invitation_train"),
    output:
        directory("results/invitation/{configuration}"),
    log:
        "logs/invitation/{configuration}.log",
    benchmark:
        "benchmarks/invitation_train/{configuration}.tsv"
    wildcard_constraints:
        configuration="|".join(map(re.escape, INVITATION_CONFIGURATIONS)),
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=lambda w, attempt: runtime_min(
            config["invitation"]["epochs"] * len(config["invitation"]["seeds"]),
            attempt,
        ),
    params:
        settings=lambda w: {
            **experiments.configuration_settings(config, w.configuration),
            "subset": data_subset(),
        },
    script:
        "../scripts/invitation_train.py"


rule invitation_summary:
    input:
        mnist="results/data/mnist.json",
        runs=expand(
            "results/invitation/{configuration}",
            configuration=INVITATION_CONFIGURATIONS,
        ),
        histories=[f"{d}/history.csv" for d in training_dirs()],
        metrics=[f"{d}/metrics.json" for d in training_dirs()],
        code=code("invitation_summary"),
    output:
        "results/invitation/summary.json",
    log:
        "logs/invitation/summary.log",
    params:
        config=sections("invitation", "optimizers", "training", "data", "findings"),
        trainings=[[o, v, s] for o, v, s in training_jobs()],
    script:
        "../scripts/invitation_summary.py"


rule invitation_figures:
    input:
        summary="results/invitation/summary.json",
        runs=expand(
            "results/invitation/{configuration}",
            configuration=INVITATION_CONFIGURATIONS,
        ),
        histories=[f"{d}/history.csv" for d in training_dirs()],
        code=code("invitation_figures"),
    output:
        batch_size=report(
            "report/figures/batch_size.svg",
            caption="../report/batch_size.rst",
            category="Experimentos",
            labels={"figura": "tamaño de lote"},
        ),
        momentum=report(
            "report/figures/momentum.svg",
            caption="../report/momentum.rst",
            category="Experimentos",
            labels={"figura": "momento"},
        ),
        adadelta=report(
            "report/figures/adadelta.svg",
            caption="../report/adadelta.rst",
            category="Experimentos",
            labels={"figura": "Adadelta"},
        ),
        early_stopping=report(
            "report/figures/early_stopping.svg",
            caption="../report/early_stopping.rst",
            category="Experimentos",
            labels={"figura": "parada temprana"},
        ),
    log:
        "logs/invitation/figures.log",
    params:
        optimizers=OPTIMIZERS,
        trainings=[[o, v, s] for o, v, s in training_jobs()],
        configured_rates=configured_rates(),
        variant_cells=labels.VARIANT_CELLS,
    script:
        "../scripts/invitation_figures.py"
