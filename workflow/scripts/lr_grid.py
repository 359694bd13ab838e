"""Rule lr_grid: short trainings of one optimizer over its learning-rate grid.

The whole grid runs in this one process, so TensorFlow and the data load once per optimizer.
"""

from pathlib import Path

from optireport.store.joblog import redirect_to_log

redirect_to_log(snakemake.log[0])

from optireport.training import data, trainer  # noqa: E402  (TensorFlow logs go to the job log)

settings = dict(snakemake.params.settings)
subset = settings.pop("subset")
rates = settings.pop("learning_rates")
optimizer_args = settings.pop("optimizer_args")
arrays = data.load_subset(snakemake.input.mnist, subset["train"], subset["test"])
for name, rate in rates.items():
    print(f"Tasa de aprendizaje {rate}:", flush=True)
    trainer.train(
        **arrays,
        optimizer_args={**optimizer_args, "learning_rate": rate},
        out_dir=Path(snakemake.output[0]) / name,
        **settings,
    )
