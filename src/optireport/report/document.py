"""Generate the Quarto document from Jinja templates and ``results/summary.json``."""

from __future__ import annotations

import math
from pathlib import Path

import jinja2
import yaml

from optireport.analysis.stats import collapsed
from optireport.descent import gd
from optireport.figures import style as figure_style
from optireport.report import wording
from optireport.store import atomic
from optireport.text import labels
from optireport.text.formats import (
    decimal,
    epoch,
    interval,
    magnitude,
    median,
    plural,
    rate,
    seconds,
    signed,
    spanish_list,
    spread,
    thousands,
)


def target_cell(stats: dict | None) -> str:
    """Median time to the target accuracy, or why there is none."""
    return seconds(stats["median"]) if stats else "no lo alcanza"


def run_cell(run: dict, collapse_share: float) -> str:
    """One training's test accuracy for a table cell, with its state when not a normal run."""
    if run.get("diverged"):
        return f"{decimal(run.get('test_accuracy'))} (diverge)"
    if collapsed(run, collapse_share):
        return f"{decimal(run.get('test_accuracy'))} (colapsa)"
    return decimal(run.get("test_accuracy"))


def group_notes(group: dict) -> list[str]:
    """Spanish sentences for the states of one configuration's runs that the figures hide.

    Diverged runs (their test figures are left out of the statistics), missing values and a
    validation accuracy never recorded; collapsed runs have their own paragraph.
    """
    runs = len(group["seeds"])
    diverged = group["diverged_runs"]
    notes = []
    if diverged:
        verb = "divergió" if diverged == 1 else "divergieron"
        notes.append(
            f"**{diverged} de {plural(runs, 'entrenamiento')} {verb}**: la pérdida se volvió "
            "infinita o indefinida y el entrenamiento se detuvo en esa época."
        )
        if diverged == runs:
            notes.append(
                "Sin pesos finitos no hay exactitud ni pérdida en prueba que dar: esta "
                "configuración queda fuera de la clasificación. Una tasa de aprendizaje menor "
                "suele evitarlo."
            )
        else:
            notes.append(
                "Las cifras en prueba de arriba son las de los entrenamientos que no divergieron."
            )
    elif not group["test_accuracy"]:
        notes.append("No hay exactitud en prueba registrada para esta configuración.")
    if not group["best_val_accuracy"]:
        notes.append(
            "Ninguna época terminó con una pérdida de validación finita, así que no hay mejor "
            "época de validación."
        )
    return notes


def to_yaml(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False).rstrip()


def caption_reader(captions: Path):
    """``caption(name)``: the text of ``<captions>/<name>.rst``, the lead of a figure's caption.

    The same files are the figures' captions in ``snakemake --report``: one source for both.
    """

    def caption(name: str) -> str:
        return " ".join((captions / f"{name}.rst").read_text(encoding="utf-8").split())

    return caption


def environment(templates: Path, captions: Path | None = None) -> jinja2.Environment:
    """The Jinja environment of the templates in ``templates``; figure captions come from
    ``captions`` (by default ``workflow/report`` beside the templates folder)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        # Quarto attributes such as {#fig-x} must not read as Jinja comments.
        comment_start_string="<#--",
        comment_end_string="--#>",
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A file from the templates folder, verbatim (no Jinja): the explorer's script and style.
    env.globals["verbatim"] = lambda name: env.loader.get_source(env, name)[0]
    env.globals["explorer_data"] = explorer_data
    env.globals["caption"] = caption_reader(captions or templates.parent / "workflow" / "report")
    env.filters.update(
        decimal=decimal,
        seconds=seconds,
        rate=rate,
        magnitude=magnitude,
        thousands=thousands,
        spanish_list=spanish_list,
        plural=plural,
        settings=labels.settings,
        yaml=to_yaml,
        method_name=labels.method_name,
        median=median,
        spread=spread,
        interval=interval,
        epoch=epoch,
        signed=signed,
        target_cell=target_cell,
        run_cell=jinja2.pass_context(
            lambda context, run: run_cell(run, context["thresholds"]["collapse_share"])
        ),
        method_phrase=labels.method_phrase,
    )
    env.globals["w"] = wording
    return env


def explorer_data(summary: dict) -> dict:
    """What the gradient-descent explorer needs: axes, minimum, defaults and presets.

    Presets are the report's own runs and compared methods, with the settings of its tables.
    """
    spec = summary["config"]["gradient_descent"]
    runs = [
        {
            "group": "runs",
            "label": f"Ejecución {number}",
            "method": "gd",
            "start": run["start"],
            "iterations": run["iterations"],
            "settings": {"learning_rate": run["learning_rate"]},
        }
        for number, run in enumerate(summary["gd_runs"], start=1)
    ]
    methods = [
        {
            "group": "methods",
            "label": labels.method_name(v["method"]),
            "method": v["method"],
            "start": v["start"],
            "iterations": v["iterations"],
            "settings": v["settings"],
        }
        for v in summary["gd_methods"]
    ]
    presets = [{"id": index, **preset} for index, preset in enumerate(runs + methods)]
    rates = [p["settings"]["learning_rate"] for p in presets]
    return {
        "x_range": spec["x_range"],
        "y_range": spec["y_range"],
        "global_min": {k: summary["gd_global_min"][k] for k in ("x", "J")},
        "tolerance": summary["gd_tolerance"],
        "defaults": {method: gd.default_settings(method) for method in ("gd", *gd.METHODS)},
        # Each method's colour in the static figures (optireport.figures.style).
        "colors": figure_style.colors(("gd", *gd.METHODS)),
        "presets": presets,
        "methods_start": spec["methods"]["start"],
        "log_rate_range": [
            min(-4, math.floor(math.log10(min(rates)))),
            max(1, math.ceil(math.log10(max(rates)))),
        ],
        "max_iterations": max(2000, *(p["iterations"] for p in presets)),
    }


def context(summary: dict) -> dict:
    """The summary plus lookups by key, so templates index results instead of searching."""
    config = summary.get("config", {})
    return {
        "s": summary,
        # The thresholds that decide the wording of comparisons (config ``findings``).
        "thresholds": config.get("findings", {}),
        "groups": {f"{g['optimizer']}/{g['variant']}": g for g in summary["training_groups"]},
        "runs": {f"{r['optimizer']}/{r['variant']}/{r['seed']}": r for r in summary["trainings"]},
        "notes": {
            f"{g['optimizer']}/{g['variant']}": group_notes(g) for g in summary["training_groups"]
        },
        "method_names": labels.METHOD_NAMES,
        "variant_names": labels.VARIANT_NAMES,
        "variant_cells": labels.VARIANT_CELLS,
    }


class TemplateError(RuntimeError):
    """A template that cannot be rendered, explained in Spanish with its file and line."""


# Jinja tags that open a block closed by ``end<tag>`` (``set`` only in its block form).
BLOCK_TAGS = {"if", "for", "macro", "call", "filter", "block", "with", "raw", "autoescape"}


def unclosed_tag(env: jinja2.Environment, source: str) -> tuple[str, int] | None:
    """The innermost block tag of ``source`` still open at its end, with its line."""
    stack: list[tuple[str, int]] = []
    tokens = list(env.lex(source))
    for index, (line, kind, _) in enumerate(tokens):
        if kind != "block_begin" or index + 2 >= len(tokens):
            continue
        _, name_kind, name = (
            tokens[index + 2] if tokens[index + 1][1] == "whitespace" else tokens[index + 1]
        )
        if name_kind != "name":
            continue
        if name in BLOCK_TAGS or (name == "set" and _block_set(tokens, index)):
            stack.append((name, line))
        elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
            stack.pop()
    return stack[-1] if stack else None


def _block_set(tokens: list, start: int) -> bool:
    """Whether the ``{% set %}`` at ``start`` is a block (no ``=`` before its ``%}``)."""
    for _, kind, value in tokens[start + 1 :]:
        if kind == "block_end":
            return True
        if kind == "operator" and value == "=":
            return False
    return False


def explain(error: jinja2.TemplateError, env: jinja2.Environment, templates: Path) -> str:
    """A Spanish explanation of a template error: which file, which line, what to do."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.name or error.filename or "?"
        where = templates / name if error.name else Path(name)
        if "Unexpected end of template" in error.message:
            found = unclosed_tag(env, error.source or "")
            if found:
                tag, line = found
                return (
                    f"Error en la plantilla {where}, línea {line}: la etiqueta «{{% {tag} %}}» "
                    f"que se abre ahí no se cierra; añada «{{% end{tag} %}}» donde termina. "
                    "El informe anterior se conserva."
                )
        return (
            f"Error de sintaxis en la plantilla {where}, línea {error.lineno}: "
            f"{error.message}. Corríjala y vuelva a generar el informe; el informe anterior se "
            "conserva."
        )
    frame = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(".j2"):
            frame = traceback
        traceback = traceback.tb_next
    where = (
        f"la plantilla {frame.tb_frame.f_code.co_filename}, línea {frame.tb_lineno}"
        if frame
        else "las plantillas"
    )
    return (
        f"Error al generar el documento en {where}: {error}. Corríjala y vuelva a generar el "
        "informe; el informe anterior se conserva."
    )


def write_document(summary: dict, templates: Path, output: Path, root: str = "informe.qmd.j2"):
    """Render ``root`` with the summary and write it atomically to ``output``.

    The whole text is rendered before anything is written: a template error leaves the
    previous document as it was and raises ``TemplateError`` (in Spanish, with file and line).
    """
    write_documents(summary, templates, {root: output})


def write_documents(summary: dict, templates: Path, outputs: dict[str, Path]) -> None:
    """Render every template of ``outputs`` (template name → file), then write them all.

    Nothing is written until every document rendered: a template error leaves all the
    previous documents as they were and raises ``TemplateError`` (in Spanish, with file and
    line).
    """
    env = environment(templates)
    texts = {}
    for root, output in outputs.items():
        try:
            texts[output] = env.get_template(root).render(context(summary))
        except jinja2.TemplateError as error:
            raise TemplateError(explain(error, env, templates)) from error
    for output, text in texts.items():
        atomic.write_text(output, text)
