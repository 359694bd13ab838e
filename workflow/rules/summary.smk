# One machine-readable summary of every number the report states.


rule summary:
    input:
        mnist="results/data/mnist.json",
        gd_runs=expand("results/gd/runs/{run}.json", run=GD_RUNS),
        gd_variants="results/gd/variants.json",
        trainings=[f"{d}/metrics.json" for d in training_dirs()],
        lr_probes=expand(
            "results/lr/{variant}/{optimizer}",
            variant=config["lr_sensitivity"]["variant"],
            optimizer=OPTIMIZERS,
        ),
        fair_comparison="results/tuning/comparison.json",
        invitation="results/invitation/summary.json",
        benchmarks=benchmark_files()
        + [f"benchmarks/invitation_train/{c}.tsv" for c in INVITATION_CONFIGURATIONS],
        tuned_benchmarks=tuned_benchmarks,
        model_summary=f"{training_dirs()[0]}/summary.txt",
        # The environment's lock: the appendix names its digest.
        lock="requirements.lock",
        code=[code("summary"), code("lockfile")],
    output:
        "results/summary.json",
    log:
        "logs/summary.log",
    params:
        trainings=[[o, v, s] for o, v, s in training_jobs()],
        lr_probes=[[o, lr] for o, lr in lr_probe_runs()],
        config=config,
    script:
        "../scripts/summary.py"
