# MNIST: one verified copy of the arrays, and the dataset figure.


rule mnist:
    input:
        code=code("mnist"),
    output:
        npz="results/data/mnist.npz",
        info="results/data/mnist.json",
    log:
        "logs/data/mnist.log",
    benchmark:
        "benchmarks/mnist.tsv"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        mnist_file=config["data"]["mnist_file"],
        resources="resources",
    script:
        "../scripts/mnist.py"


rule digits_figure:
    input:
        mnist="results/data/mnist.npz",
        code=code("digits_figure"),
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
