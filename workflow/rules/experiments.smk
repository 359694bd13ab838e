# Learning-rate grids: short trainings over a log grid, for the sensitivity section and for
# tuning. One job per input variant and optimizer runs its whole grid (TensorFlow starts
# once), one subdirectory per rate: results/lr/raw/Adam/lr0.001/.


rule lr_probe:
    input:
        "results/data/mnist.npz",
        code("data"),
        code("training"),
    output:
        directory("results/lr/{variant}/{optimizer}"),
    log:
        "logs/lr_probe/{variant}/{optimizer}.log",
    benchmark:
        "benchmarks/lr_probe/{variant}/{optimizer}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=lr_probe_runtime_min,
    params:
        settings=lr_probe_params,
    script:
        "../scripts/lr_probe.py"
