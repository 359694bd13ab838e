"""The arguments each ``keras.optimizers`` class accepts, without importing Keras.

Snakemake checks the configuration before any job, and importing Keras would add seconds to
every run (even a no-op one). The signatures are therefore cached in
``keras_optimizers.json``; ``keras_signatures()`` rebuilds the table from the installed Keras,
and a test checks that the cached copy still matches it:

    python -m optireport.training.optimizers   # rewrite the cached table from the installed Keras
"""

from __future__ import annotations

import difflib
import inspect
import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("keras_optimizers.json")

# Classes the configuration may name (the schema's enum lists the same ones).
CLASSES = (
    "Adam",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adamax",
    "Nadam",
    "AdamW",
    "Ftrl",
    "Lion",
    "Lamb",
    "Muon",
)

# Arguments whose Keras default is None, by the type they take when given.
_NONE_DEFAULT_TYPES = {
    "weight_decay": "number",
    "clipnorm": "number",
    "clipvalue": "number",
    "global_clipnorm": "number",
    "loss_scale_factor": "number",
    "ema_overwrite_frequency": "integer",
    "gradient_accumulation_steps": "integer",
    "name": "string",
}

TYPE_NAMES = {
    "number": "un número",
    "integer": "un número entero",
    "boolean": "true o false",
    "string": "un texto",
}


def _kind(name: str, default) -> str:
    """The configuration type of one argument, from its Keras default."""
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str):
        return "string"
    # None or anything else (schedules, lists of layers...): only the name is checked.
    return _NONE_DEFAULT_TYPES.get(name, "any")


def keras_signatures() -> dict[str, dict[str, str]]:
    """``{class: {argument: type}}`` read from the installed Keras (imports Keras)."""
    import keras

    table = {}
    for class_name in CLASSES:
        parameters = inspect.signature(getattr(keras.optimizers, class_name)).parameters
        table[class_name] = {
            name: _kind(name, parameter.default)
            for name, parameter in parameters.items()
            if parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
        }
    return table


@cache
def signatures() -> dict[str, dict[str, str]]:
    """The cached table (no Keras import)."""
    return json.loads(TABLE.read_text(encoding="utf-8"))


def _matches(value, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return isinstance(value, int)
    return isinstance(value, int | float)


def argument_problems(optimizer: str, class_name: str, args: dict) -> list[str]:
    """Spanish messages for the arguments Keras would reject, naming the closest valid one."""
    accepted = signatures().get(class_name)
    if accepted is None:
        return []  # an unknown class is reported by the schema's enum
    problems = []
    for key, value in args.items():
        where = f"«optimizers.{optimizer}.args.{key}»"
        if key not in accepted:
            close = difflib.get_close_matches(key, accepted, n=1, cutoff=0.6)
            hint = (
                f"¿quería decir «{close[0]}»?"
                if close
                else "argumentos válidos: " + ", ".join(sorted(accepted)) + "."
            )
            problems.append(
                f"{where}: keras.optimizers.{class_name} no tiene el argumento «{key}»; {hint}"
            )
        elif not _matches(value, accepted[key]):
            problems.append(f"{where} debe ser {TYPE_NAMES[accepted[key]]} (ahora vale {value!r}).")
    return problems


if __name__ == "__main__":
    TABLE.write_text(json.dumps(keras_signatures(), indent=1) + "\n", "utf-8")
    print(f"Escrito {TABLE}")
