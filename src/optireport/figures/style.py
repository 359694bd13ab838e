"""The figures' house style: colours, line styles, sizes, layout helpers and saving.

Every figure module (``plots``, ``gd_plots``, ``invitation_plots``) draws with this style and
saves through ``save``, so that the same data always gives the same bytes.

One colour per optimizer and one line style per input variant, shared by every figure. The
1-D methods of the gradient-descent chapter are the same update rules as the Keras
optimizers, so they take the same colours (plain gradient descent is SGD). Reference lines,
such as the curve J(x), are grey: no optimizer is grey.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

from optireport.store import atomic  # noqa: E402

# Applied once, on import, to every figure of the report.
# Sizes in pt: the smallest text of any figure is TEXT_PT (ticks, legends, notes).
TEXT_PT = 9
RC = {
    "svg.fonttype": "path",
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "xtick.labelsize": TEXT_PT,
    "ytick.labelsize": TEXT_PT,
    "legend.fontsize": TEXT_PT,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
plt.rcParams.update(RC)
# Fixed SVG ids and no creation date: the same data gives the same bytes.
HASH_SALT = "optireport"
METADATA = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}, ".png": {}}

COLORS = {
    "SGD": "#d62728",  # red, like the notebook's gradient-descent paths
    "Adam": "#1f77b4",
    "RMSprop": "#2ca02c",
    "Adagrad": "#ff7f0e",
    "Adadelta": "#9467bd",
    "Momento": "#17becf",
    "Nesterov": "#e377c2",
}
# Optimizers the palette does not name (added in config/) take these, in config order.
SPARE = ("#8c564b", "#bcbd22", "#393b79", "#8c6d31", "#843c39", "#7b4173", "#637939")

# The 1-D methods of optireport.descent.gd are named after their Keras optimizer, in lower
# case; plain gradient descent is SGD, and the momentum method has a colour of its own.
METHOD_COLORS = {"gd": "SGD", "momentum": "Momento"}

REFERENCE = "0.45"  # J(x), medians of references, guide lines
MARKER = "black"  # start/end/minimum markers

# Raw pixels: solid; scaled pixels: dashed (in figures that compare the two inputs).
VARIANT_STYLES = {"raw": "-", "scaled": "--"}
# Training: solid; validation: dashed (in figures of one input).
SPLIT_STYLES = {"train": "-", "val": "--"}

# Loss of a network that answers the uniform distribution over the 10 digits is ln 10 ≈ 2.30:
# the loss figure stops a little above it, so that the epochs where a run exploded do not
# squeeze every other curve into the bottom of the chart.
LOSS_CEILING = 1.25 * math.log(10)

# Two layouts of every figure, the same content and text sizes in pt:
# - SCREEN, for the HTML, chosen for two screens:
#   - a phone 390 px wide: the text column is 390 - 2 × 16 px = 358 px (styles.css) and a wider
#     figure is scaled down to it, so text of F pt in a figure W in wide is F × 358 / (72 W) px
#     on screen: 9 pt in 4.8 in (4.9 in saved, with the padding) is 9.1 px, the minimum legible.
#   - a desktop: the HTML shows an SVG at its natural size (1 pt = 96/72 px) when it is narrower
#     than the column (48rem = 768 px), so 9 pt is 12 px; a 4.8 in figure is 461 px wide.
#   Panels side by side: at most two in a row, the rest stacked; a chart that needs the width
#   (gd_methods' two charts, the predictions' bars) takes a row of its own.
# - PRINT, for the PDF (report/figures/print/, put in by report/print-figures.lua): A4 less
#   2 × 2 cm margins is 6.69 in of text; a figure sits at its natural size, so its smallest text
#   stays 9 pt beside the body's 10 pt. Up to three panels a row, two wide charts side by side,
#   and single charts wider and less tall: the PDF is shorter.


@dataclass(frozen=True)
class Layout:
    """A figure's width, how many panels share a row, and how tall a single chart is.

    ``panel_columns``: small panels (one per optimizer, run or experiment) a row;
    ``wide_columns``: charts that need the width a row; ``height``: the height of a figure whose
    height does not come from its rows of panels, as a fraction of the screen's.
    """

    width_in: float
    panel_columns: int
    wide_columns: int
    height: float

    def per_row(self, on_screen: int) -> int:
        """How many items (such as legend entries) fit a row when ``on_screen`` fit a screen
        row: as many more as the figure is wider."""
        return max(1, round(on_screen * self.width_in / SCREEN_WIDTH_IN))


SCREEN_WIDTH_IN = 4.8
SCREEN = Layout(width_in=SCREEN_WIDTH_IN, panel_columns=2, wide_columns=1, height=1.0)
PRINT = Layout(width_in=6.5, panel_columns=3, wide_columns=2, height=0.62)
LEGEND_FONTSIZE = TEXT_PT
HTML_WIDTH_PX = 768
MIN_LEGEND_PX = 11
PHONE_COLUMN_PX = 358
MIN_PHONE_TEXT_PX = 9
PDF_TEXT_WIDTH_IN = (21.0 - 2 * 2.0) / 2.54
# White margin around the drawing in a saved figure (matplotlib's default is 0.1 in).
PAD_INCHES = 0.04

# The gradient-descent chapter's figures use the same sizes (kept as a context for them).
COMPACT_RC = {
    "axes.titlesize": RC["axes.titlesize"],
    "axes.labelsize": RC["axes.labelsize"],
    "legend.fontsize": LEGEND_FONTSIZE,
    "xtick.labelsize": TEXT_PT,
    "ytick.labelsize": TEXT_PT,
}


def colors(names: Iterable[str]) -> dict[str, str]:
    """Colour of each optimizer (or 1-D method key) in ``names``.

    Known names always get the same colour; unknown ones take the spare colours in the
    order given, so every figure must pass the optimizers in config order.
    """
    result, spare = {}, iter(SPARE * 4)
    for name in names:
        result[name] = COLORS.get(_palette_name(name)) or next(spare)
    return result


def _palette_name(name: str) -> str:
    """The ``COLORS`` key of an optimizer, or of a 1-D method key such as ``adagrad``."""
    if name in COLORS or name in METHOD_COLORS:
        return METHOD_COLORS.get(name, name)
    return next((key for key in COLORS if key.lower() == name), name)


def legend_px(fontsize_pt: float, figure_width_in: float) -> float:
    """Screen size in px of legend text in an SVG figure ``figure_width_in`` wide, in the HTML."""
    natural_px = figure_width_in * 96
    return fontsize_pt * 96 / 72 * min(1.0, HTML_WIDTH_PX / natural_px)


def save(fig, path) -> Path:
    """Write ``fig`` atomically to ``path`` (format from its suffix), byte-stable, and close it."""
    path = Path(path)
    with matplotlib.rc_context({"svg.hashsalt": HASH_SALT}):
        with atomic.replacing(path) as temporary:
            fig.savefig(
                temporary,
                format=path.suffix[1:],
                bbox_inches="tight",
                pad_inches=PAD_INCHES,
                metadata=METADATA.get(path.suffix, {}),
            )
    plt.close(fig)
    return path


def legend_below(fig, handles, ncols: int) -> None:
    """One legend under the axes (the figure must use the constrained layout)."""
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=ncols,
        fontsize=LEGEND_FONTSIZE,
        frameon=False,
    )


def balanced_lines(text: str, limit: int) -> str:
    """``text`` in two lines split at the space nearest its middle when it is longer than
    ``limit`` characters (each line of a multi-line ``text`` on its own)."""
    lines = []
    for line in text.split("\n"):
        cuts = [i for i, char in enumerate(line) if char == " "]
        if len(line) <= limit or not cuts:
            lines.append(line)
            continue
        cut = min(cuts, key=lambda i: abs(i - len(line) / 2))
        lines += [line[:cut], line[cut + 1 :]]
    return "\n".join(lines)


def rows_and_columns(count: int, columns: int) -> tuple[int, int]:
    """The rows and columns of a grid of ``count`` panels, at most ``columns`` a row."""
    columns = min(columns, count)
    return -(-count // columns), columns


def panel_grid(count: int, row_height: float, extra_height: float, layout: Layout, **subplots):
    """A grid of ``count`` panels, ``layout.panel_columns`` a row, at its width, with the
    constrained layout: (fig, axes).

    ``axes`` is 2-D; ``label_panels`` hides the spare cells and labels the outer axes.
    """
    rows, columns = rows_and_columns(count, layout.panel_columns)
    return plt.subplots(
        rows,
        columns,
        figsize=(layout.width_in, row_height * rows + extra_height),
        sharex=True,
        squeeze=False,
        layout="constrained",
        **subplots,
    )


def layouts(output: Mapping[str, str], name: str) -> list[tuple[Layout, str]]:
    """(layout, path) of the figure ``name`` among a figure rule's ``output``: the screen one,
    ``name``, and the print one, ``name_print`` (workflow/rules/common.smk, with_print)."""
    return [(SCREEN, output[name]), (PRINT, output[f"{name}_print"])]


def label_panels(axes, count: int, xlabel: str, ylabel: str) -> None:
    """Hide the cells after the first ``count``; x label on the bottom row, y on the left."""
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    rows, columns = axes.shape
    for index, ax in enumerate(axes.flat[:count]):
        # The bottom panel of each column carries the x label and its tick labels.
        if index + columns >= count:
            ax.set_xlabel(xlabel)
            ax.tick_params(labelbottom=True)
    if rows > 1:
        # One label for the whole column of panels, not one per row.
        axes.flat[0].figure.supylabel(ylabel, fontsize=plt.rcParams["axes.labelsize"])
    else:
        axes[0, 0].set_ylabel(ylabel)


def plain_log_ticks(axis) -> None:
    """Plain numbers (0.2, 0.5, 1, 2) on a logarithmic ``axis`` instead of powers of ten."""
    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def legend_in_spare_or_below(fig, axes, count: int, handles, ncols: int) -> None:
    """The legend in the first cell left empty by ``count`` panels, else under the axes."""
    if count < axes.size:
        spare = axes.flat[count]
        spare.set_visible(True)
        spare.set_axis_off()
        spare.legend(handles=handles, loc="center", frameon=False, fontsize=LEGEND_FONTSIZE)
    else:
        legend_below(fig, handles, ncols=ncols)
