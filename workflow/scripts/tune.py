"""Checkpoint tune: choose each optimizer's learning rate on each input from its grid."""

from optireport.analysis import summary, tuning
from optireport.store import atomic
from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

choices = {}
for directory, (optimizer, variant, names) in zip(
    snakemake.input.grids, snakemake.params.grids, strict=True
):
    points = summary.read_lr_grid(directory, optimizer, names)
    choice = {**tuning.choose_rate(points), "points": points}
    choices.setdefault(optimizer, {})[variant] = choice
    print(f"{optimizer} ({variant}): tasa elegida {choice['learning_rate']}", flush=True)
atomic.write_json(snakemake.output[0], {"choices": choices})
