# One training job per optimizer, input variant and seed.


rule train:
    input:
        "results/data/mnist.npz",
        code("data"),
        code("training"),
    output:
        **training_outputs("results/train/{optimizer}/{variant}/seed{seed}"),
    log:
        "logs/train/{optimizer}/{variant}/seed{seed}.log",
    benchmark:
        "benchmarks/train/{optimizer}/{variant}/seed{seed}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=train_mem_mb,
        runtime=train_runtime_min,
    params:
        settings=train_params,
    script:
        "../scripts/train.py"
