# Learning-rate sensitivity: short trainings over a log grid. One job per optimizer runs its
# whole grid (TensorFlow starts once), one subdirectory per rate: results/lr/Adam/lr0.001/.


rule lr_probe:
    input:
        "results/data/mnist.npz",
        code("data"),
        code("training"),
    output:
        directory("results/lr/{optimizer}"),
    log:
        "logs/lr_probe/{optimizer}.log",
    benchmark:
        "benchmarks/lr_probe/{optimizer}.tsv"
    conda:
        ENV
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=lr_probe_runtime_min,
    params:
        settings=lr_probe_params,
    script:
        "../scripts/lr_probe.py"
