# One training job per optimizer, input variant and seed.


rule train:
    input:
        "results/data/mnist.npz",
    output:
        **training_outputs("results/train/{optimizer}/{variant}/seed{seed}"),
    params:
        settings=train_params,
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=train_runtime_min,
    log:
        "logs/train/{optimizer}/{variant}/seed{seed}.log",
    benchmark:
        "benchmarks/train/{optimizer}/{variant}/seed{seed}.tsv"
    script:
        "../scripts/train.py"
