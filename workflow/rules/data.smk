# MNIST: one verified copy of the arrays, and the dataset figure.
#
# Its readers take the arrays as ancient(): they are checked against MNIST's digests, so a
# rebuilt copy (the mnist rule run again, or a damaged copy repaired before any job by the
# Snakefile's onstart handler) holds the same arrays and reruns nothing. Without the copy,
# the mnist rule makes it and every reader runs again.


rule mnist:
    input:
        code=code("mnist"),
    output:
        npz=paths.MNIST_NPZ,
        info=paths.MNIST_INFO,
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
        mnist=ancient(rules.mnist.output.npz),
        code=code("digits_figure"),
    output:
        **with_print(
            digits=report(
                "report/figures/digits.svg",
                caption="../report/digits.rst",
                category="Datos",
            ),
        ),
    log:
        "logs/data/digits_figure.log",
    script:
        "../scripts/digits_figure.py"
