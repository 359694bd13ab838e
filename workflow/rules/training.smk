# One training job per optimizer and input variant, all its seeds trained as one group (each
# seed still writes its own folder); and the figures drawn from their histories.


rule train:
    input:
        mnist=ancient(rules.mnist.output.npz),
        code=code("train"),
    output:
        **group_files(TRAIN_DIR),
    log:
        "logs/train/{optimizer}/{variant}.log",
    benchmark:
        paths.benchmark_of(TRAIN_DIR)
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=train_runtime_min,
    params:
        settings=train_params,
    script:
        "../scripts/train.py"


rule curves_figures:
    input:
        histories=training_files("history", variant="raw"),
        code=code("curves_figures"),
    output:
        **with_print(
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
        ),
    log:
        "logs/train/curves_figures.log",
    params:
        optimizers=OPTIMIZERS,
        seeds=SEEDS,
    script:
        "../scripts/curves_figures.py"


rule variants_figure:
    input:
        histories=training_files("history"),
        code=code("variants_figure"),
    output:
        **with_print(
            variants=report(
                "report/figures/variants.svg",
                caption="../report/variants.rst",
                category="Experimentos",
                labels={"figura": "escalado"},
            ),
        ),
    log:
        "logs/train/variants_figure.log",
    params:
        jobs=[[o, v, s] for o, v, s in training_jobs()],
        variant_names=labels.VARIANT_NAMES,
    script:
        "../scripts/variants_figure.py"
