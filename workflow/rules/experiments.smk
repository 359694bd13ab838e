# Learning-rate sensitivity: short trainings over a log grid, one job per (optimizer, rate).


rule lr_probe:
    input:
        "results/data/mnist.npz",
        code("training"),
    output:
        **training_outputs("results/lr/{optimizer}/lr{lr}"),
    log:
        "logs/lr/{optimizer}/lr{lr}.log",
    benchmark:
        "benchmarks/lr_probe/{optimizer}/lr{lr}.tsv"
    conda:
        ENV
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=train_runtime_min,
    params:
        settings=lr_probe_params,
    script:
        "../scripts/train.py"
