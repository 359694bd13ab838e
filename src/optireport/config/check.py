"""Configuration checks with Spanish messages, and the plain values the rules are built from.

``check_config`` runs before Snakemake builds any job: it reports every problem at once,
naming the key and what is allowed. Defaults are filled in by ``snakemake.utils.validate``
afterwards (see ``workflow/rules/common.smk``).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import jsonschema

from optireport.config.experiments import config_problems as experiment_problems
from optireport.training.data import SHAPES
from optireport.training.optimizers import argument_problems

TYPE_NAMES = {
    "number": "un número",
    "integer": "un número entero",
    "string": "un texto",
    "object": "un diccionario (clave: valor)",
    "array": "una lista",
    "boolean": "true o false",
    "null": "null",
}


class ConfigError(ValueError):
    """The configuration is invalid; the message (in Spanish) lists every problem."""


def key_path(path) -> str:
    """Dotted key for a jsonschema error path: ``training.seeds[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(raíz)"


def _allowed_keys(schema: dict) -> str:
    return ", ".join(schema.get("properties", {})) or "ninguna"


def describe(error: jsonschema.ValidationError) -> str:
    """One Spanish sentence for one schema violation."""
    key = key_path(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "additionalProperties" and error.validator_value is False:
        known = set(error.schema.get("properties", {}))
        unknown = [name for name in value if name not in known]
        return (
            f"«{key}»: clave desconocida {', '.join(f'«{u}»' for u in unknown)}; "
            f"claves permitidas: {_allowed_keys(error.schema)}."
        )
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        if "propertyNames" in error.schema_path:
            return f"«{key}»: nombre «{value}» desconocido; nombres válidos: {allowed}."
        if key.endswith(".class"):
            return f"«{key}»: optimizador «{value}» desconocido; optimizadores válidos: {allowed}."
        return f"«{key}»: el valor «{value}» no está permitido; valores válidos: {allowed}."
    if kind == "exclusiveMinimum":
        return f"«{key}» debe ser mayor que {error.validator_value} (ahora vale {value})."
    if kind == "minimum":
        return f"«{key}» debe ser mayor o igual que {error.validator_value} (ahora vale {value})."
    if kind == "exclusiveMaximum":
        return f"«{key}» debe ser menor que {error.validator_value} (ahora vale {value})."
    if kind == "maximum":
        return f"«{key}» debe ser menor o igual que {error.validator_value} (ahora vale {value})."
    if kind == "pattern":
        return (
            f"«{key}»: nombre «{value}» no válido; use letras, cifras, «_» o «-», "
            "empezando por una letra."
        )
    if kind == "type":
        expected = error.validator_value
        names = [
            TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])
        ]
        return f"«{key}» debe ser {' o '.join(names)} (ahora vale {value!r})."
    if kind == "required":
        missing = error.message.split("'")[1]
        where = f"«{key}»" if error.absolute_path else "la configuración"
        return f"falta la clave obligatoria «{missing}» en {where}."
    if kind in ("minItems", "minProperties"):
        return f"«{key}» no puede estar vacío."
    if kind == "maxItems":
        return f"«{key}» debe tener como máximo {error.validator_value} elementos."
    if kind == "uniqueItems":
        return f"«{key}» tiene elementos repetidos: {value}."
    return f"«{key}»: {error.message}"


# Experiments that ``null`` (or leaving the key out) switches off.
EXPERIMENTS = ("batch_size", "momentum", "adadelta", "early_stopping")


def drop_switched_off(config: dict) -> None:
    """Remove, in place, the experiments set to null: null and a missing key mean the same
    (switched off), and Snakemake's schema defaults must not be filled in inside a null."""
    if "invitation" in config and config["invitation"] is None:
        del config["invitation"]
    spec = config.get("invitation") or {}
    for name in EXPERIMENTS:
        if name in spec and spec[name] is None:
            del spec[name]


def fit_size(n_train: int, validation_split: float) -> int:
    """Images left for the updates once ``fit(validation_split=...)`` holds out the last part."""
    return math.floor(n_train * (1.0 - validation_split))


def _setting(config: dict, schema: dict, section: str, key: str):
    """``config[section][key]``, or its default in the schema."""
    node = _schema_node(schema["properties"][section]["properties"][key], schema)
    return config.get(section, {}).get(key, node["default"])


def _batch_size_problems(config: dict, schema: dict) -> list[str]:
    """Every batch size must fit in the training images left after the validation split.

    The data size is known before any job: every MNIST source is checked against the same
    arrays (``training.data.SHAPES``), of which ``data.train_subset`` keeps the first N.
    """
    subset = _setting(config, schema, "data", "train_subset")
    total = SHAPES["y_train"][0]
    images = total if subset is None else min(subset, total)
    split = _setting(config, schema, "training", "validation_split")
    limit = fit_size(images, split)
    sizes = [("training.batch_size", _setting(config, schema, "training", "batch_size"))]
    sizes += [
        (f"optimizers.{name}.batch_size", spec["batch_size"])
        for name, spec in config.get("optimizers", {}).items()
        if "batch_size" in spec
    ]
    # The batch-size experiment, when it is on: its own sizes, or the schema's.
    experiment = (config.get("invitation") or {}).get("batch_size")
    if experiment is not None:
        node = schema["properties"]["invitation"]["properties"]["batch_size"]
        sizes += [
            (f"invitation.batch_size.sizes[{index}]", size)
            for index, size in enumerate(
                experiment.get("sizes", node["properties"]["sizes"]["default"])
            )
        ]
    origin = f"las {total} de MNIST" if subset is None else f"las {images} de «data.train_subset»"
    return [
        f"«{key}» vale {size}, más que las {limit} imágenes de entrenamiento que quedan tras "
        f"reservar la validación ({origin}, menos la fracción {split} de "
        f"«training.validation_split»); debe ser como mucho {limit}."
        for key, size in sizes
        if size > limit
    ]


def _semantic_problems(config: dict, schema: dict) -> list[str]:
    """Checks that a JSON schema cannot express."""
    problems = []
    gd = config.get("gradient_descent", {})
    for name in ("x_range", "y_range"):
        low, high = gd.get(name, (0, 1))
        if low >= high:
            problems.append(
                f"«gradient_descent.{name}»: el primer valor debe ser menor que el segundo."
            )
    # An optimizer's own grid keys override the shared grid's: check the grid it will run.
    shared = config.get("lr_grid", {})
    grids = [("lr_grid", shared)]
    grids += [
        (f"optimizers.{name}.lr_grid", {**shared, **spec["lr_grid"]})
        for name, spec in config.get("optimizers", {}).items()
        if isinstance(spec, dict) and "lr_grid" in spec
    ]
    for where, grid in grids:
        if grid.get("min", 1e-4) >= grid.get("max", 1e-1):
            problems.append(f"«{where}»: «min» debe ser menor que «max».")
    if "raw" not in config.get("training", {}).get("variants", ["raw"]):
        problems.append(
            "«training.variants» debe incluir «raw»: los capítulos de comparación usan la "
            "entrada del cuaderno (píxeles sin escalar); añada «raw» a la lista."
        )
    for name, spec in config.get("optimizers", {}).items():
        problems += argument_problems(name, spec["class"], spec.get("args", {}))

    problems += experiment_problems(config)
    problems += _batch_size_problems(config, schema)
    mnist_file = config.get("data", {}).get("mnist_file")
    if mnist_file and not Path(mnist_file).is_file():
        problems.append(
            f"«data.mnist_file»: no existe el archivo «{mnist_file}»; "
            "corrija la ruta o déjelo en null para usar las otras fuentes."
        )
    return problems


# Keys renamed since earlier versions: (section, old key) -> (new key, what else changed).
RENAMED_KEYS = {
    (None, "lr_sensitivity"): ("lr_grid", ""),
    ("gradient_descent", "variants"): (
        "methods",
        "; dentro de ella, «methods» se llama ahora «settings»",
    ),
}


# Keys that became one shared key elsewhere: (section, old key) -> the key that replaces it.
MERGED_KEYS = {("invitation", "thresholds"): "findings.tie"}


def _renamed(config: dict) -> tuple[list[str], dict]:
    """Problems naming each old key of ``config``, and the config with them renamed, so that
    the rest of it is still checked."""
    problems, renamed = [], copy.deepcopy(config)
    for (section, old), new in MERGED_KEYS.items():
        holder = renamed.get(section)
        if isinstance(holder, dict) and old in holder:
            holder.pop(old)
            problems.append(
                f"«{section}.{old}» ya no existe: todo el informe decide sus empates con un "
                f"solo umbral, «{new}». Borre «{section}.{old}» y, si había cambiado su "
                f"valor, póngalo en «{new}»."
            )
    for (section, old), (new, detail) in RENAMED_KEYS.items():
        holder = renamed if section is None else renamed.get(section)
        if not isinstance(holder, dict) or old not in holder:
            continue
        where = f"{section}." if section else ""
        problems.append(
            f"«{where}{old}» se llama ahora «{where}{new}»{detail}. Cambie el nombre de la "
            "clave en su configuración (sus valores no cambian)."
        )
        value = holder.pop(old)
        if (section, old) == ("gradient_descent", "variants") and isinstance(value, dict):
            value = {("settings" if k == "methods" else k): v for k, v in value.items()}
        holder.setdefault(new, value)
    return problems, renamed


def check_config(config: dict, schema: dict) -> None:
    """Raise ConfigError listing every problem in ``config`` (old key names, schema, semantics)."""
    problems, config = _renamed(config)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    problems += [describe(error) for error in errors]
    if not problems:
        problems = _semantic_problems(config, schema)
    if problems:
        raise ConfigError(
            "La configuración no es válida:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nCorrija config/config.yaml (o el archivo dado con --configfile); "
            "workflow/schemas/config.schema.yaml describe cada clave."
        )


def path_problems(workdir: Path, interpreter: str) -> list[str]:
    """Paths Snakemake cannot run ``script:`` rules from: it leaves them unquoted (#2645)."""
    problems = []
    for what, path in (
        ("La carpeta del proyecto", workdir),
        ("El intérprete de Python", interpreter),
    ):
        if any(character.isspace() for character in str(path)):
            problems.append(
                f"{what}, «{path}», contiene espacios. Snakemake no pone entre comillas esa "
                "ruta al ejecutar las reglas con scripts, y todas fallarían (después de borrar "
                "sus resultados anteriores). Mueva o clone el proyecto en una ruta sin "
                "espacios (por ejemplo ~/optimizadores) y vuelva a ejecutarlo; no se ha "
                "ejecutado ninguna tarea."
            )
    return problems


def in_schema_order(config: dict, schema: dict) -> dict:
    """``config`` with every mapping in one key order, whatever order the config files gave.

    Snakemake records a job's params as their repr() and reruns the job when it differs, so a
    dict's key order counts; and ``--configfile`` overlays reorder keys (the overlay's come
    first). A mapping with keys fixed by the schema takes the schema's order (unknown keys,
    such as an optimizer's Keras arguments, after them, sorted); a mapping of named entries
    (``optimizers``, the methods' ``settings``) keeps its order, which the report follows.
    """
    return _in_order(config, schema, schema)


def _schema_node(node: dict, schema: dict) -> dict:
    """``node`` with its ``$ref`` (``#/$defs/...``) resolved against ``schema``."""
    while "$ref" in node:
        target = schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _in_order(value, node, schema):
    node = _schema_node(node, schema)
    if isinstance(value, dict):
        known = node.get("properties", {})
        other = node.get("additionalProperties")
        other = other if isinstance(other, dict) else {}
        keys = list(value)
        if known:
            keys = [k for k in known if k in value] + sorted(set(keys) - set(known))
        return {key: _in_order(value[key], known.get(key, other), schema) for key in keys}
    if isinstance(value, list):
        items = node.get("items", {})
        return [_in_order(item, items, schema) for item in value]
    return value
