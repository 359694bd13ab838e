"""Generate the Quarto document from Jinja templates and ``results/summary.json``."""

from __future__ import annotations

import math
from pathlib import Path

import jinja2


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


def rate(value: float) -> str:
    """A learning rate in plain notation: 0.001, 0.0316."""
    return f"{value:.3g}" if value >= 1e-4 else f"{value:.1e}"


def thousands(value: int) -> str:
    """Spanish digit grouping with a thin space: 35 090."""
    return f"{value:,}".replace(",", "\u202f")


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(decimal=decimal, seconds=seconds, rate=rate, thousands=thousands)
    return env


def write_document(summary: dict, templates: Path, output: Path, root: str = "informe.qmd.j2"):
    """Render ``root`` with the summary and write it atomically to ``output``."""
    text = environment(templates).get_template(root).render(s=summary)
    partial = output.with_name(output.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(output)
