"""The trainings the seed notebook's closing invitation calls for, named and set up.

Three experiments are extra trainings, one job per configuration (all seeds in that job):

- **batch size**: the notebook's other parameter, for a few optimizers;
- **momentum**: SGD with classical momentum and with Nesterov's, beside plain SGD;
- **Adadelta's rate**: the rate of its paper (1.0) beside the configured (Keras) one.

Configurations are named after what they change with respect to the optimizer's own settings
(``SGD``, ``SGD_batch10``, ``SGD_momentum0.9_nesterov``), so two experiments that need the
same training share one job. The fourth, early stopping, trains nothing
(``optireport.analysis.invitation``).
"""

from __future__ import annotations

from collections.abc import Mapping

from optireport.config.jobs import format_number, training_settings

# Short names of optimizer arguments in configuration names.
ARG_SLUGS = {"learning_rate": "lr", "momentum": "momentum", "nesterov": "nesterov"}


# --- configurations -----------------------------------------------------------------------


def configuration_name(
    optimizer: str, batch_size: int | None = None, args: Mapping | None = None
) -> str:
    """``SGD``, ``SGD_batch10``, ``SGD_momentum0.9_nesterov``, ``Adadelta_lr1``."""
    parts = [optimizer]
    if batch_size is not None:
        parts.append(f"batch{batch_size}")
    for key in sorted(args or {}):
        value = args[key]
        slug = ARG_SLUGS.get(key, key)
        if value is True:
            parts.append(slug)
        elif value is not False:
            parts.append(f"{slug}{format_number(value)}")
    return "_".join(parts)


def _run(config: dict, optimizer: str, batch_size: int | None = None, args=None):
    """(name, spec) of one configuration; the optimizer's own batch size is left implicit."""
    if batch_size == training_settings(config, optimizer)["batch_size"]:
        batch_size = None
    args = dict(args or {})
    name = configuration_name(optimizer, batch_size, args)
    return name, {"optimizer": optimizer, "batch_size": batch_size, "args": args}


def experiments(config: dict) -> dict:
    """Each experiment's configurations by role, and every configuration's spec by name.

    ``{"configurations": {name: spec}, "batch_size": {optimizer: {size: name}},
    "momentum": {"plain"|"momentum"|"nesterov": name}, "adadelta": {"configured"|"paper": name}}``;
    an experiment switched off (``invitation`` or its own key absent or null) maps to None.
    """
    spec = config.get("invitation") or {}
    runs: dict[str, dict] = {}

    def add(optimizer, batch_size=None, args=None) -> str:
        name, run = _run(config, optimizer, batch_size, args)
        runs.setdefault(name, run)
        return name

    batch = momentum = adadelta = None
    if spec.get("batch_size"):
        batch = {
            optimizer: {
                int(size): add(optimizer, int(size)) for size in spec["batch_size"]["sizes"]
            }
            for optimizer in spec["batch_size"]["optimizers"]
        }
    if spec.get("momentum"):
        sgd, beta = spec["momentum"]["optimizer"], float(spec["momentum"]["momentum"])
        momentum = {
            "plain": add(sgd),
            "momentum": add(sgd, args={"momentum": beta}),
            "nesterov": add(sgd, args={"momentum": beta, "nesterov": True}),
        }
    if spec.get("adadelta"):
        name = spec["adadelta"]["optimizer"]
        paper_rate = float(spec["adadelta"]["learning_rate"])
        configured = float(config["optimizers"][name]["args"]["learning_rate"])
        adadelta = {
            "configured": add(name),
            "paper": (
                add(name, args={"learning_rate": paper_rate})
                if paper_rate != configured
                else add(name)
            ),
        }
    return {"configurations": runs, "batch_size": batch, "momentum": momentum, "adadelta": adadelta}


def configuration_settings(config: dict, name: str) -> dict:
    """Keyword arguments of ``training.train`` for every seed of one configuration."""
    spec = experiments(config)["configurations"][name]
    settings = training_settings(config, spec["optimizer"])
    args = {**settings["optimizer_args"], **spec["args"]}
    settings["optimizer_args"] = {key: args[key] for key in sorted(args)}
    if spec["batch_size"] is not None:
        settings["batch_size"] = spec["batch_size"]
    shared = config["invitation"]
    settings["epochs"] = int(shared["epochs"])
    settings["variant"] = str(shared["variant"])
    settings["seeds"] = [int(seed) for seed in shared["seeds"]]
    return settings


def config_problems(config: dict) -> list[str]:
    """What the JSON schema cannot check: the optimizers each experiment names."""
    spec = config.get("invitation") or {}
    optimizers = config.get("optimizers", {})
    problems = []

    def check(where: str, name: str, wanted_class: str | None = None) -> None:
        experiment = where.split(".")[0]
        off = f"o desactive el experimento con «invitation.{experiment}: null»"
        if wanted_class:
            fitting = [n for n, o in optimizers.items() if o.get("class") == wanted_class]
            use = (
                f"use {spanish_or(fitting)}, que {'es' if len(fitting) == 1 else 'son'} de esa "
                f"clase, añada a «optimizers» uno de la clase «{wanted_class}»"
                if fitting
                else f"añada a «optimizers» un optimizador de la clase «{wanted_class}»"
            )
        else:
            use = f"use {spanish_or(list(optimizers))} o añádalo a «optimizers»"
        if name not in optimizers:
            problems.append(
                f"«invitation.{where}»: el optimizador «{name}» no está en «optimizers»; "
                f"{use}, {off}."
            )
        elif wanted_class and optimizers[name].get("class") != wanted_class:
            problems.append(
                f"«invitation.{where}»: «{name}» es de la clase «{optimizers[name].get('class')}»"
                f" y este experimento necesita uno de la clase «{wanted_class}»; {use}, {off}."
            )

    if spec.get("batch_size"):
        for name in spec["batch_size"].get("optimizers", []):
            check("batch_size.optimizers", name)
    if spec.get("momentum"):
        check("momentum.optimizer", spec["momentum"].get("optimizer", "SGD"), "SGD")
    if spec.get("adadelta"):
        check("adadelta.optimizer", spec["adadelta"].get("optimizer", "Adadelta"), "Adadelta")
    return problems


def spanish_or(names: list[str]) -> str:
    """«A», «A o B», «A, B o C»."""
    quoted = [f"«{n}»" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " o " + quoted[-1]
