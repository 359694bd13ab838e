"""Checkpoint tune: choose each optimizer's learning rate on each input from its grid."""

from pathlib import Path

from optireport import summary, tuning
from optireport.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

choices = {}
for path, (optimizer, variant, names) in zip(
    snakemake.input.probes, snakemake.params.grids, strict=True
):
    probes = []
    for name in names:
        run_dir = Path(path) / name
        metrics = summary.read_json(run_dir / "metrics.json")
        probes.append(summary.lr_entry(metrics, optimizer, run_dir / "history.csv"))
    choice = {**tuning.choose_rate(probes), "probes": probes}
    choices.setdefault(optimizer, {})[variant] = choice
    print(f"{optimizer} ({variant}): tasa elegida {choice['learning_rate']}", flush=True)
summary.write_json({"choices": choices}, snakemake.output[0])
