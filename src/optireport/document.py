"""Generate the Quarto document from Jinja templates and ``results/summary.json``."""

from __future__ import annotations

import math
from pathlib import Path

import jinja2
import yaml

from optireport import atomic, gd, wording
from optireport import summary as summary_module
from optireport.gd import METHOD_NAMES

# One name per input variant, everywhere in the report (tables, text and figure legends).
VARIANT_NAMES = {"raw": "entrada sin escalar (de 0 a 255)", "scaled": "entrada escalada a [0, 1]"}
# The same names for table cells under an «Entrada» column.
VARIANT_CELLS = {"raw": "sin escalar (de 0 a 255)", "scaled": "escalada a [0, 1]"}

SETTING_SYMBOLS = {
    "learning_rate": "$\\eta$",
    "momentum": "momento",
    "rho": "$\\rho$",
    "beta_1": "$\\beta_1$",
    "beta_2": "$\\beta_2$",
    "epsilon": "$\\varepsilon$",
    "initial_accumulator_value": "acumulador inicial",
}


def decimal(value: float | None, digits: int = 4) -> str:
    """A number with a fixed count of decimals; an em dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def seconds(value: float | None) -> str:
    """Seconds as «12.3 s» or «2 min 05 s»."""
    if value is None:
        return "—"
    if value < 90:
        return f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest:02d} s"


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def magnitude(value: float | None, digits: int = 2) -> str:
    """A number of any size for prose: 63.4, 2.3·10⁸; an em dash when missing."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0 or 0.01 <= abs(value) < 10_000:
        return f"{value:.0f}" if abs(value) >= 10 else f"{value:.{digits}f}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPTS)}"


def rate(value: float) -> str:
    """A learning rate in plain notation: 0.001, 0.0316."""
    return f"{value:.3g}" if value >= 1e-4 else f"{value:.1e}"


def thousands(value: int) -> str:
    """Spanish digit grouping: 35 090 with a thin space; four-digit numbers stay whole (1000)."""
    return f"{value:,}".replace(",", "\u202f") if abs(value) >= 10_000 else str(value)


def spanish_list(items) -> str:
    """«A», «A y B», «A, B y C»."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """«1 época», «3 épocas»."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def settings(values: dict) -> str:
    """Optimizer settings for a table cell: «$\\eta$ = 0.06, momento = 0.99»."""
    return ", ".join(f"{SETTING_SYMBOLS.get(k, k)} = {v}" for k, v in values.items())


# 1-D methods named by a common noun read differently inside a sentence.
METHOD_PHRASES = {"gd": "el descenso por gradiente simple", "momentum": "el método del momento"}


def method_phrase(method: str) -> str:
    """A 1-D method's name inside a sentence: «el método del momento», «Adam»."""
    return METHOD_PHRASES.get(method, METHOD_NAMES.get(method, method))


def median(stats: dict | None) -> float | None:
    """The median of a statistics record from the summary; None when no run gave a value."""
    return stats["median"] if stats else None


def spread(stats: dict | None, digits: int = 4) -> str:
    """«median [min, max]» of a statistics record; an em dash when no run gave a value."""
    if not stats:
        return "—"
    low, high = decimal(stats["min"], digits), decimal(stats["max"], digits)
    return f"{decimal(stats['median'], digits)} [{low}, {high}]"


def epoch(value: float | None) -> str:
    """An epoch number (a median may be fractional: rounded); an em dash when missing."""
    return "—" if value is None else str(round(value))


def signed(value: float | None, digits: int = 4) -> str:
    """A difference with its sign, «+0.0123»; an em dash when missing."""
    return "—" if value is None else f"{value:+.{digits}f}"


def target_cell(stats: dict | None) -> str:
    """Median time to the target accuracy, or why there is none."""
    return seconds(stats["median"]) if stats else "no lo alcanza"


def run_cell(run: dict) -> str:
    """One training's test accuracy for a table cell, with its state when not a normal run."""
    if run.get("diverged"):
        return f"{decimal(run.get('test_accuracy'))} (diverge)"
    if summary_module.collapsed(run):
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


def environment(templates: Path) -> jinja2.Environment:
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
    env.filters.update(
        decimal=decimal,
        seconds=seconds,
        rate=rate,
        magnitude=magnitude,
        thousands=thousands,
        spanish_list=spanish_list,
        plural=plural,
        settings=settings,
        yaml=to_yaml,
        method_name=lambda method: METHOD_NAMES.get(method, method),
        median=median,
        spread=spread,
        epoch=epoch,
        signed=signed,
        target_cell=target_cell,
        run_cell=run_cell,
        method_phrase=method_phrase,
    )
    env.globals["w"] = wording
    return env


def explorer_data(summary: dict) -> dict:
    """What the gradient-descent explorer needs: axes, minimum, defaults and presets.

    Presets are the report's own runs and variants, with the settings that produced its tables.
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
    variants = [
        {
            "group": "variants",
            "label": METHOD_NAMES[v["method"]],
            "method": v["method"],
            "start": v["start"],
            "iterations": v["iterations"],
            "settings": v["settings"],
        }
        for v in summary["gd_variants"]
    ]
    presets = [{"id": index, **preset} for index, preset in enumerate(runs + variants)]
    rates = [p["settings"]["learning_rate"] for p in presets]
    return {
        "x_range": spec["x_range"],
        "y_range": spec["y_range"],
        "global_min": {k: summary["gd_global_min"][k] for k in ("x", "J")},
        "tolerance": summary["gd_tolerance"],
        "defaults": {method: gd.default_settings(method) for method in METHOD_NAMES},
        "presets": presets,
        "variants_start": spec["variants"]["start"],
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
        "thresholds": {**wording.THRESHOLDS, **config.get("findings", {})},
        "groups": {f"{g['optimizer']}/{g['variant']}": g for g in summary["training_groups"]},
        "runs": {f"{r['optimizer']}/{r['variant']}/{r['seed']}": r for r in summary["trainings"]},
        "notes": {
            f"{g['optimizer']}/{g['variant']}": group_notes(g) for g in summary["training_groups"]
        },
        "method_names": METHOD_NAMES,
        "variant_names": VARIANT_NAMES,
        "variant_cells": VARIANT_CELLS,
    }


def write_document(summary: dict, templates: Path, output: Path, root: str = "informe.qmd.j2"):
    """Render ``root`` with the summary and write it atomically to ``output``."""
    text = environment(templates).get_template(root).render(context(summary))
    atomic.write_text(output, text)
