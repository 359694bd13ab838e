"""``config/README.md``: every configuration key, rendered from the schema so it cannot drift.

The schema (``workflow/schemas/config.schema.yaml``) is the one source: each key's type,
default and bounds come from its JSON-schema keywords, and its text from its ``description``.
Every key the schema names must have a description; a key without one is an error that names
it, so a new key cannot reach the documentation undocumented.

    python -m optireport.devtools.config_docs           # rewrite config/README.md
    python -m optireport.devtools.config_docs --check   # exit 1 if it differs from the schema

Keys are written as dotted paths (``training.seeds``). An entry whose name the user chooses
(an optimizer, a 1-D method) appears as a placeholder in angle brackets
(``optimizers.<optimizador>.class``), and the fields of a list's items as ``runs[].start``.
Standard library and PyYAML only.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from optireport.store import atomic
from optireport.store.paths import ROOT

SCHEMA_PATH = ROOT / "workflow" / "schemas" / "config.schema.yaml"
README_PATH = ROOT / "config" / "README.md"
COMMAND = "python -m optireport.devtools.config_docs"

# The placeholder that stands for a user-chosen name, by the dotted path of its mapping.
PLACEHOLDERS = {
    "optimizers": "<optimizador>",
    "gradient_descent.methods.settings": "<método>",
    "report.reference_accuracy": "<optimizador>",
    "report.reference_loss": "<optimizador>",
}
DEFAULT_PLACEHOLDER = "<nombre>"

TYPE_NAMES = {
    "number": ("número", "números"),
    "integer": ("entero", "enteros"),
    "string": ("texto", "textos"),
    "boolean": ("booleano", "booleanos"),
    "object": ("diccionario", "diccionarios"),
    "array": ("lista", "listas"),
    "null": ("null", "null"),
}

HEADER = (
    "<!-- Archivo generado por `{command}` a partir de "
    "workflow/schemas/config.schema.yaml: no lo edite a mano. -->"
)

INTRO = """\
# Claves de configuración

El flujo lee [`config.yaml`](config.yaml) y, encima, los archivos que se le den con
`--configfile` (por ejemplo [`quick.yaml`](quick.yaml) o [`extended.yaml`](extended.yaml)),
que solo cambian las claves que nombran. Antes de ejecutar ninguna tarea, la configuración
resultante se comprueba contra el esquema
[`workflow/schemas/config.schema.yaml`](../workflow/schemas/config.schema.yaml): una clave
desconocida o un valor fuera de sus límites se rechaza con un mensaje que dice qué clave está
mal y qué admite. Cada tabla da, para cada clave, su ruta completa, su tipo, el valor que toma
si se omite («obligatoria» si no puede faltar) y los valores que admite. Un nombre entre
corchetes angulares, como `<optimizador>`, representa uno que elige usted, y `[]` marca cada
elemento de una lista. Qué se vuelve a calcular al cambiar cada clave está en
[`docs/configuracion.md`](../docs/configuracion.md).

Este archivo se genera a partir de las descripciones del esquema: para cambiar un texto, edite
el esquema y ejecute `{command}`.
"""


class SchemaDocError(ValueError):
    """The schema cannot be documented (a key without a description, an unknown reference)."""


@dataclass(frozen=True)
class Row:
    key: str
    type: str
    default: str
    allowed: str
    description: str


def resolve(node: dict, schema: dict) -> dict:
    """``node`` with its local ``$ref`` (``#/$defs/name``) merged in; its own keywords win."""
    while "$ref" in node:
        reference = node["$ref"]
        if not reference.startswith("#/"):
            raise SchemaDocError(f"Referencia no local en el esquema: «{reference}».")
        target: object = schema
        for part in reference[2:].split("/"):
            if not isinstance(target, dict) or part not in target:
                raise SchemaDocError(f"Referencia desconocida en el esquema: «{reference}».")
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def value_text(value: object) -> str:
    """A value as YAML writes it in flow style: ``null``, ``[raw, scaled]``, ``0.0001``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def code(value: object) -> str:
    return f"`{value_text(value)}`"


def _value_type(value: object) -> str:
    """The JSON-schema type of one value (for an ``enum`` without a ``type``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string" if isinstance(value, str) else "object"


def _types(node: dict) -> list[str]:
    kind = node.get("type")
    if kind is None:
        return sorted({_value_type(v) for v in node.get("enum", [])})
    return kind if isinstance(kind, list) else [kind]


def type_text(node: dict, schema: dict) -> str:
    """The Spanish name of a node's type: ``entero``, ``texto o null``, ``lista de enteros``."""
    names = []
    for kind in _types(node):
        if kind == "array" and isinstance(node.get("items"), dict):
            item_types = _types(resolve(node["items"], schema))
            plural = " o ".join(TYPE_NAMES.get(t, (t, t))[1] for t in item_types)
            names.append(f"lista de {plural}" if plural else "lista")
        else:
            names.append(TYPE_NAMES.get(kind, (kind, kind))[0])
    return " o ".join(names) or "—"


def _bounds(node: dict) -> list[str]:
    bounds = []
    for keyword, sign in (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ):
        if keyword in node:
            bounds.append(f"{sign} {value_text(node[keyword])}")
    return [" y ".join(bounds)] if bounds else []


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def allowed_text(node: dict, schema: dict) -> str:
    """What a node admits beyond its type: its values, bounds, sizes and names."""
    parts = []
    if "enum" in node:
        parts.append(", ".join(code(v) for v in node["enum"]))
    parts += _bounds(node)
    if node.get("minLength") == 1:
        parts.append("no vacío")
    elif "minLength" in node:
        parts.append(f"al menos {_count(node['minLength'], 'carácter', 'caracteres')}")
    low, high = node.get("minItems"), node.get("maxItems")
    if low is not None and low == high:
        parts.append(f"exactamente {_count(low, 'elemento', 'elementos')}")
    else:
        if low is not None:
            parts.append(f"al menos {_count(low, 'elemento', 'elementos')}")
        if high is not None:
            parts.append(f"como máximo {_count(high, 'elemento', 'elementos')}")
    if node.get("uniqueItems"):
        parts.append("sin repetidos")
    items = node.get("items")
    if isinstance(items, dict) and "properties" not in resolve(items, schema):
        items = resolve(items, schema)
        if "enum" in items:
            parts.append("cada elemento: " + ", ".join(code(v) for v in items["enum"]))
        parts += [f"cada elemento {bound}" for bound in _bounds(items)]
    if "minProperties" in node:
        parts.append(f"al menos {_count(node['minProperties'], 'entrada', 'entradas')}")
    names = node.get("propertyNames", {})
    if "enum" in names:
        parts.append("nombres: " + ", ".join(code(v) for v in names["enum"]))
    if "pattern" in names:
        parts.append(f"nombres que cumplen `{names['pattern']}`")
    if "properties" in node and node.get("additionalProperties", True) is True:
        parts.append("admite otras claves")
    return "; ".join(parts) or "—"


def default_text(node: dict, required: bool) -> str:
    if required:
        return "obligatoria"
    if "default" in node:
        return code(node["default"])
    return "—"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _walk(
    node: dict, path: str, generic: str, required: bool, schema: dict, rows: list, missing: list
) -> None:
    """Append the rows of ``node`` (at dotted ``path``) and of every key below it."""
    node = resolve(node, schema)
    description = node.get("description")
    if not isinstance(description, str) or not description.strip():
        missing.append(path)
        description = ""
    rows.append(
        Row(
            key=path,
            type=type_text(node, schema),
            default=default_text(node, required),
            allowed=allowed_text(node, schema),
            description=description,
        )
    )
    children = []
    for name, child in node.get("properties", {}).items():
        children.append(
            (child, f"{path}.{name}", f"{generic}.{name}", name in node.get("required", []))
        )
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        placeholder = PLACEHOLDERS.get(generic, DEFAULT_PLACEHOLDER)
        children.append((extra, f"{path}.{placeholder}", f"{generic}.*", False))
    items = node.get("items")
    if isinstance(items, dict):
        item = resolve(items, schema)
        for name, child in item.get("properties", {}).items():
            children.append(
                (child, f"{path}[].{name}", f"{generic}[].{name}", name in item.get("required", []))
            )
    for child, child_path, child_generic, child_required in children:
        _walk(child, child_path, child_generic, child_required, schema, rows, missing)


def sections(schema: dict) -> dict[str, list[Row]]:
    """The rows of each top-level key, in the schema's order.

    Raises SchemaDocError naming every key of the schema that has no description.
    """
    result, missing = {}, []
    required = schema.get("required", [])
    for name, node in schema.get("properties", {}).items():
        rows: list[Row] = []
        _walk(node, name, name, name in required, schema, rows, missing)
        result[name] = rows
    if missing:
        raise SchemaDocError(
            "Estas claves del esquema no tienen «description»: "
            + ", ".join(f"«{key}»" for key in missing)
            + f". Añada a cada una, en {_shown(SCHEMA_PATH)}, una descripción en "
            f"español y vuelva a ejecutar {COMMAND}."
        )
    return result


def render(schema: dict) -> str:
    """The whole of ``config/README.md`` for ``schema``."""
    lines = [HEADER.format(command=COMMAND), "", INTRO.format(command=COMMAND)]
    lines += ["Secciones:", ""]
    documented = sections(schema)
    for name in documented:
        lines.append(f"- [`{name}`](#{name})")
    for name, rows in documented.items():
        lines += ["", f"## `{name}`", ""]
        lines += [
            "| Clave | Tipo | Por defecto | Valores admitidos | Descripción |",
            "|:--|:--|:--|:--|:--|",
        ]
        for row in rows:
            cells = [f"`{row.key}`", row.type, row.default, row.allowed, row.description]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def load_schema(path: Path = SCHEMA_PATH) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Genera config/README.md a partir del esquema de la configuración.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="no escribe nada; falla si config/README.md no es lo que genera el esquema",
    )
    args = parser.parse_args(argv)
    try:
        text = render(load_schema(SCHEMA_PATH))
    except SchemaDocError as error:
        print(error, file=sys.stderr)
        return 1
    target = _shown(README_PATH)
    current = README_PATH.read_text(encoding="utf-8") if README_PATH.exists() else None
    if args.check:
        if current != text:
            print(
                f"{target} no coincide con el esquema ({_shown(SCHEMA_PATH)}). "
                f"Regenérelo con: {COMMAND}",
                file=sys.stderr,
            )
            return 1
        print(f"{target} está al día.")
        return 0
    if current == text:
        print(f"{target} ya estaba al día.")
    else:
        atomic.write_text(README_PATH, text)
        print(f"Escrito {target}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
