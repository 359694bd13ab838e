# The experiments the notebook's closing invitation calls for (optireport.analysis.invitation): one
# training job per configuration (all its seeds), then one summary of the chapter and its
# figures. Early stopping reads the main trainings and trains nothing.


rule invitation_train:
    input:
        mnist=ancient(rules.mnist.output.npz),
        code=code("invitation_train"),
    output:
        directory(paths.invitation_dir("{configuration}")),
    log:
        "logs/invitation/{configuration}.log",
    benchmark:
        "benchmarks/invitation_train/{configuration}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=invitation_runtime_min,
    params:
        settings=invitation_params,
    script:
        "../scripts/invitation_train.py"


rule invitation_summary:
    input:
        mnist=rules.mnist.output.info,
        runs=invitation_dirs(),
        histories=training_files("history"),
        metrics=training_files("metrics"),
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
        summary=rules.invitation_summary.output[0],
        runs=invitation_dirs(),
        histories=training_files("history"),
        code=code("invitation_figures"),
    output:
        **with_print(
            **{
                name: report(
                    f"report/figures/{name}.svg",
                    caption=f"../report/{name}.rst",
                    category="Experimentos",
                    labels={"figura": label},
                )
                for name, label in invitation_figures().items()
            }
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
