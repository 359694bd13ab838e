# MNIST: one verified copy of the arrays, and the dataset figure.


rule mnist:
    output:
        npz="results/data/mnist.npz",
        info="results/data/mnist.json",
    params:
        mnist_file=config["data"]["mnist_file"],
        resources="resources",
    log:
        "logs/data/mnist.log",
    benchmark:
        "benchmarks/mnist.tsv"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/mnist.py"


rule digits_figure:
    input:
        "results/data/mnist.npz",
    output:
        report(
            "report/figures/digits.svg",
            caption="../report/digits.rst",
            category="Datos",
        ),
    log:
        "logs/data/digits_figure.log",
    script:
        "../scripts/digits_figure.py"
