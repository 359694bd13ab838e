"""Figures of the invitation's experiments (SVG, Spanish labels), in the report's house style."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from optireport.figures import style as figure_style
from optireport.figures.style import SCREEN, Layout, plt

# Within one optimizer's colour, configurations differ by line style (then marker).
STYLES = ("-", "--", ":", "-.")


def _median_band(ax, histories: Sequence[Mapping[str, np.ndarray]], metric, color, style, label):
    """Median over seeds as a line, the seeds' range as a shaded band."""
    length = min(len(h[metric]) for h in histories)
    if length == 0:
        return
    stack = np.vstack([h[metric][:length] for h in histories])
    epochs = histories[0]["epoch"][:length]
    ax.plot(epochs, np.median(stack, axis=0), style, color=color, lw=1.6, label=label)
    if len(histories) > 1:
        ax.fill_between(epochs, stack.min(axis=0), stack.max(axis=0), color=color, alpha=0.12, lw=0)


def plot_configurations(
    panels: Sequence[dict], path, ylabel="Exactitud de validación", layout: Layout = SCREEN
) -> None:
    """Validation accuracy per epoch, one panel per entry of ``panels``, ``layout.panel_columns``
    a row.

    Each panel is ``{"title": str, "lines": [{"label", "color", "histories"}]}``; the lines of a
    panel take the line styles in order.
    """
    rows, columns = figure_style.rows_and_columns(len(panels), layout.panel_columns)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(layout.width_in, (3.2 if columns > 1 else 2.8) * rows * layout.height),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for ax, panel in zip(axes.flat, panels, strict=True):
        for index, line in enumerate(panel["lines"]):
            style = STYLES[index % len(STYLES)]
            _median_band(ax, line["histories"], "val_accuracy", line["color"], style, line["label"])
        if panel.get("title"):
            ax.set_title(panel["title"])
        ax.set_xlabel("Época")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.legend(fontsize=figure_style.LEGEND_FONTSIZE, loc="lower right", handlelength=3)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    low = min(
        (
            np.nanmin(h["val_accuracy"])
            for panel in panels
            for line in panel["lines"]
            for h in line["histories"]
            if np.isfinite(h["val_accuracy"]).any()
        ),
        default=0.0,
    )
    # Below 0.8 everything is shown; above, the axis starts near the lowest curve.
    axes.flat[0].set_ylim(0.0 if low < 0.8 else np.floor(low * 20) / 20, 1.0)
    figure_style.save(fig, path)


def plot_early_stopping(
    histories: Mapping[str, Mapping[str, Sequence[Mapping[str, np.ndarray]]]],
    stops: Mapping[tuple[str, str, int], Mapping],
    colors: Mapping[str, tuple],
    variant_styles: Mapping[str, str],
    variant_labels: Mapping[str, str],
    path,
    layout: Layout = SCREEN,
) -> None:
    """Validation loss per epoch of every main training, one panel per optimizer.

    A dot marks the epoch whose weights early stopping restores; a cross, the epoch where it
    stops (none when it never stops). ``histories[optimizer][variant]`` lists the seeds'
    histories; ``stops[(optimizer, variant, seed)]`` holds ``best_epoch`` and ``stop_epoch``.
    """
    names = list(histories)
    fig, axes = figure_style.panel_grid(
        len(names), row_height=1.75, extra_height=0.3, layout=layout
    )
    for ax, name in zip(axes.flat, names, strict=False):
        finite = []
        for variant, runs in histories[name].items():
            for history in runs:
                epochs, loss = history["epoch"], history["val_loss"]
                ax.plot(epochs, loss, variant_styles[variant], color=colors[name], lw=1.0)
                finite.append(loss[np.isfinite(loss)])
                stop = stops[(name, variant, int(history["seed"]))]
                for key, marker in (("best_epoch", "o"), ("stop_epoch", "x")):
                    if stop[key] is not None and stop[key] <= len(loss):
                        ax.plot(
                            stop[key],
                            loss[stop[key] - 1],
                            marker,
                            color="black",
                            ms=4,
                            mew=1.2,
                            zorder=3,
                        )
        ax.set_title(name, color=colors[name])
        ax.set_yscale("log")
        figure_style.plain_log_ticks(ax.yaxis)
        values = np.concatenate(finite) if finite else np.array([])
        if values.size:
            ax.set_ylim(values.min() * 0.8, values.max() * 1.25)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    figure_style.label_panels(axes, len(names), "Época", "Pérdida de validación")
    handles = [
        Line2D([], [], color="0.3", ls=variant_styles[v], label=variant_labels[v])
        for v in variant_styles
    ] + [
        Line2D([], [], color="black", marker="o", ls="", label="pesos restaurados"),
        Line2D([], [], color="black", marker="x", ls="", label="parada"),
    ]
    figure_style.legend_in_spare_or_below(fig, axes, len(names), handles, ncols=layout.per_row(3))
    figure_style.save(fig, path)
