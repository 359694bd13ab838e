"""Figures of the MNIST and training chapters (SVG, Spanish labels)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from optireport.figures import style as figure_style
from optireport.figures.style import SCREEN, Layout, legend_below, plt


def plot_digits(x: np.ndarray, y: np.ndarray, path, layout: Layout = SCREEN) -> None:
    """The first training image of each digit, 0 to 9: five a row, ten with the wide layout."""
    rows, columns = figure_style.rows_and_columns(10, 5 * layout.wide_columns)
    height = rows * (layout.width_in / columns + 0.24)  # a square image and its title
    fig, axes = plt.subplots(rows, columns, figsize=(layout.width_in, height))
    for digit, ax in enumerate(axes.flat):
        ax.imshow(x[np.flatnonzero(y == digit)[0]], cmap="Greys", interpolation="nearest")
        ax.set_title(str(digit))
        ax.set_axis_off()
    fig.tight_layout()
    figure_style.save(fig, path)


def _band(ax, epochs, runs: Sequence[np.ndarray], color, style, label) -> np.ndarray:
    """Median over seeds as a line, min-max range as a shaded band; returns the median."""
    length = min(len(r) for r in runs)
    stack = np.vstack([r[:length] for r in runs])
    median = np.median(stack, axis=0)
    ax.plot(epochs[:length], median, style, color=color, label=label, lw=1.4)
    if len(runs) > 1:
        ax.fill_between(
            epochs[:length], stack.min(axis=0), stack.max(axis=0), color=color, alpha=0.15, lw=0
        )
    return median


def plot_curves(
    histories: Mapping[str, Sequence[dict[str, np.ndarray]]],
    path,
    metric: str,
    ylabel: str,
    layout: Layout = SCREEN,
) -> None:
    """Training (solid) and validation (dashed) ``metric`` per optimizer, median and range.

    The legend sits below the axes: one entry per optimizer (colour) and one per line style.
    For the loss, the y axis is logarithmic and stops a little above ln 10 or the highest final
    value, so that early blow-ups do not squeeze the other curves; a dot marks the
    epoch where each optimizer's median validation loss is lowest, so that its later rise
    (overfitting) stands out.
    """
    fig, ax = plt.subplots(figsize=(layout.width_in, 4.4 * layout.height), layout="constrained")
    colors = figure_style.colors(histories)
    handles = []
    lowest, final = [], []
    for name, runs in histories.items():
        color = colors[name]
        epochs = runs[0]["epoch"]
        train = _band(ax, epochs, [r[metric] for r in runs], color, "-", None)
        val = _band(ax, epochs, [r["val_" + metric] for r in runs], color, "--", None)
        lowest.append(np.nanmin(np.concatenate([train, val])))
        final += [train[-1], val[-1]]
        if metric == "loss" and np.isfinite(val).any():
            best = int(np.nanargmin(val))
            ax.plot(epochs[best], val[best], "o", color=color, ms=5, mec="white", zorder=4)
        handles.append(Line2D([], [], color=color, lw=2, label=name))
    handles += [
        Line2D(
            [],
            [],
            color=figure_style.REFERENCE,
            ls=figure_style.SPLIT_STYLES["train"],
            label="entrenamiento",
        ),
        Line2D(
            [],
            [],
            color=figure_style.REFERENCE,
            ls=figure_style.SPLIT_STYLES["val"],
            label="validación",
        ),
    ]
    ax.set_xlabel("Época")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    if metric == "loss":
        ax.set_yscale("log")
        figure_style.plain_log_ticks(ax.yaxis)
        bottom = min((v for v in lowest if np.isfinite(v) and v > 0), default=0.01)
        # Keep every curve's end in view, but not the blow-ups of early epochs.
        top = max([figure_style.LOSS_CEILING] + [1.3 * v for v in final if np.isfinite(v)])
        ax.set_ylim(bottom * 0.7, top)
        handles.append(
            Line2D(
                [],
                [],
                color=figure_style.REFERENCE,
                ls="",
                marker="o",
                label="mínimo de validación",
            )
        )
    legend_below(fig, handles, ncols=layout.per_row(3))
    figure_style.save(fig, path)


def plot_variants(
    histories: Mapping[str, Mapping[str, Sequence[dict[str, np.ndarray]]]],
    labels: Mapping[str, str],
    path,
    layout: Layout = SCREEN,
) -> None:
    """Validation accuracy per optimizer, one panel each (its colour), one line style per input."""
    names = list(histories)
    colors = figure_style.colors(names)
    fig, axes = figure_style.panel_grid(
        len(names), row_height=1.75, extra_height=0.3, layout=layout, sharey=True
    )
    variants = []
    for ax, name in zip(axes.flat, names, strict=False):
        for variant, runs in histories[name].items():
            epochs = runs[0]["epoch"]
            style = figure_style.VARIANT_STYLES[variant]
            _band(ax, epochs, [r["val_accuracy"] for r in runs], colors[name], style, None)
            variants.append(variant)
        ax.set_title(name, color=colors[name])
        ax.set_ylim(0, 1)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    figure_style.label_panels(axes, len(names), "Época", "Exactitud de validación")
    handles = [
        Line2D(
            [], [], color=figure_style.REFERENCE, ls=figure_style.VARIANT_STYLES[v], label=labels[v]
        )
        for v in dict.fromkeys(variants)
    ]
    figure_style.legend_in_spare_or_below(fig, axes, len(names), handles, ncols=layout.per_row(2))
    figure_style.save(fig, path)


def plot_predictions(
    panels: Sequence[Mapping], true_counts: Sequence[int], path, layout: Layout = SCREEN
) -> None:
    """How often each digit is predicted on the test set, one panel per run: stacked, or side
    by side with the wide layout.

    Each panel is ``{"title", "optimizer", "counts"}``; ``colors`` come from the palette, and
    the grey outline is how often each digit really occurs.
    """
    rows, columns = figure_style.rows_and_columns(len(panels), layout.wide_columns)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(layout.width_in, 1.95 * rows + 0.5),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    colors = figure_style.colors(dict.fromkeys(p["optimizer"] for p in panels))
    digits = np.arange(10)
    total = max(sum(true_counts), 1)
    for ax, panel in zip(axes.flat, panels, strict=True):
        counts = np.asarray(panel["counts"], dtype=float)
        ax.bar(digits, counts / max(counts.sum(), 1), color=colors[panel["optimizer"]], width=0.7)
        ax.step(
            np.append(digits - 0.5, 9.5),
            np.append(np.asarray(true_counts) / total, true_counts[-1] / total),
            where="post",
            color=figure_style.REFERENCE,
            lw=1.2,
        )
        ax.set_title(panel["title"], fontsize=figure_style.TEXT_PT)
        ax.set_xticks(digits)
        ax.set_ylim(0, 1.05)
    for ax in axes[-1]:
        ax.set_xlabel("Dígito predicho")
    fig.supylabel("Proporción de imágenes de prueba", fontsize=plt.rcParams["axes.labelsize"])
    handles = [
        Line2D([], [], color=figure_style.REFERENCE, lw=1.2, label="proporción real de cada dígito")
    ]
    legend_below(fig, handles, ncols=1)
    figure_style.save(fig, path)


def plot_lr_grid(
    points: Mapping[str, Sequence[tuple[float, float]]],
    defaults: Mapping[str, float],
    path,
    epochs: int,
    layout: Layout = SCREEN,
) -> None:
    """Final validation accuracy against learning rate (log axis), one line per optimizer.

    A dotted vertical line in the optimizer's colour marks its configured rate.
    """
    fig, ax = plt.subplots(figsize=(layout.width_in, 3.9 * layout.height), layout="constrained")
    colors = figure_style.colors(points)
    for name, pairs in points.items():
        rates, accuracies = zip(*sorted(pairs), strict=True)
        ax.plot(rates, accuracies, "o-", color=colors[name], label=name, lw=1.4)
        ax.axvline(defaults[name], color=colors[name], ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("Tasa de aprendizaje (escala logarítmica)")
    ax.set_ylabel(f"Exactitud de validación\ntras {epochs} época{'' if epochs == 1 else 's'}")
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color=figure_style.REFERENCE, ls=":", label="tasa configurada"))
    legend_below(fig, handles, ncols=layout.per_row(3))
    figure_style.save(fig, path)


def wrap_rule_name(name: str, limit: int = 12) -> str:
    """Split a long rule name in two lines after the underscore nearest its middle."""
    cuts = [i + 1 for i, char in enumerate(name) if char == "_"]
    if len(name) <= limit or not cuts:
        return name
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}\n{name[cut:]}"


# The rule graph: at most this many rules side by side, so that their names stay legible.
RULES_PER_ROW = 5


def plot_rule_graph(
    edges: Sequence[tuple[str, str]], nodes: Sequence[str], path, layout: Layout = SCREEN
) -> None:
    """The workflow's rule graph drawn in layers (sources on top), without Graphviz.

    A layer of more than ``RULES_PER_ROW`` rules takes two or more rows, closer together than
    the layers.
    """
    parents = {node: [a for a, b in edges if b == node] for node in nodes}
    depth: dict[str, int] = {}

    def level(node: str) -> int:
        if node not in depth:
            depth[node] = 1 + max((level(p) for p in parents[node]), default=-1)
        return depth[node]

    layers: dict[int, list[str]] = {}
    for node in nodes:
        layers.setdefault(level(node), []).append(node)
    rows: list[tuple[float, list[str]]] = []  # (y, rules), y in inches from the top
    y = 0.0
    for _, layer in sorted(layers.items()):
        layer = sorted(layer)
        count = -(-len(layer) // RULES_PER_ROW)
        size = -(-len(layer) // count)
        for index in range(count):
            rows.append((y, layer[index * size : (index + 1) * size]))
            y += 0.5 if index < count - 1 else 0.72
    width = max(len(row) for _, row in rows)
    height = rows[-1][0] + 0.5
    fig, ax = plt.subplots(figsize=(layout.width_in, height))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    position = {}
    for y, row in rows:
        for column, node in enumerate(row):
            position[node] = ((column + 0.5) * width / len(row), -y)
    for a, b in edges:
        (x0, y0), (x1, y1) = position[a], position[b]
        ax.annotate(
            "",
            xy=(x1, y1 + 0.17),
            xytext=(x0, y0 - 0.17),
            arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 0.7, "shrinkA": 0, "shrinkB": 0},
            zorder=1,
        )
    for node, (x, y) in position.items():
        ax.text(
            x,
            y,
            wrap_rule_name(node),
            ha="center",
            va="center",
            fontsize=figure_style.TEXT_PT,
            linespacing=1.1,
            bbox={"boxstyle": "round,pad=0.25", "fc": "#eef3fb", "ec": "#4a6fa5", "lw": 0.8},
        )
    ax.set_xlim(0, width)
    ax.set_ylim(-height + 0.25, 0.25)
    ax.axis("off")
    figure_style.save(fig, path)


def plot_fair_comparison(
    rows: Sequence[Mapping], variant_labels: Mapping[str, str], path, layout: Layout = SCREEN
) -> None:
    """Test accuracy at the configured and at the tuned rate: median (marker) and seed range.

    One column per input variant; the top row spans 0 to 1, the bottom row zooms into the
    range of the results so that overlapping ranges can be told apart. ``rows`` are the
    ``tuning.compare`` rows; a missing result is written as «sin datos».
    """
    variants = list(dict.fromkeys(row["variant"] for row in rows))
    optimizers = list(dict.fromkeys(row["optimizer"] for row in rows))
    colors = figure_style.colors(optimizers)
    # The zoom frames the tuned results (the chapter's comparison); configured-rate results
    # far below them show in the top row only.
    tuned = [
        row["tuned"]["test_accuracy"]
        for row in rows
        if row["tuned"]
        and row["tuned"]["test_accuracy"]
        and row["tuned"]["test_accuracy"]["median"] >= 0.5
    ]
    zoom_low = max(0.0, min((t["min"] for t in tuned), default=0.5) - 0.01)
    zoom_high = min(1.0, max((t["max"] for t in tuned), default=1.0) + 0.01)
    fig, axes = plt.subplots(
        2,
        len(variants),
        figsize=(layout.width_in, 5.4 * layout.height),
        squeeze=False,
        sharex=True,
        layout="constrained",
        height_ratios=[1, 1.3],
    )
    offsets = {"default": -0.17, "tuned": 0.17}
    for column, variant in enumerate(variants):
        in_variant = {row["optimizer"]: row for row in rows if row["variant"] == variant}
        for row_index, ax in enumerate(axes[:, column]):
            for x, name in enumerate(optimizers):
                row = in_variant.get(name)
                for side, offset in offsets.items():
                    result = row and row[side]
                    if not result or not result["test_accuracy"]:
                        if row_index == 0:
                            ax.text(
                                x + offset,
                                0.5,
                                "sin datos",
                                rotation=90,
                                fontsize=figure_style.TEXT_PT,
                                ha="center",
                                va="center",
                                color="0.4",
                            )
                        continue
                    stats = result["test_accuracy"]
                    filled = side == "tuned"
                    ax.errorbar(
                        x + offset,
                        stats["median"],
                        yerr=[[stats["median"] - stats["min"]], [stats["max"] - stats["median"]]],
                        fmt="o" if filled else "o",
                        color=colors[name],
                        markerfacecolor=colors[name] if filled else "white",
                        markersize=6,
                        capsize=3,
                        lw=1.4,
                    )
            ax.set_xticks(
                range(len(optimizers)), optimizers, rotation=45, ha="right", rotation_mode="anchor"
            )
            ax.set_xlim(-0.6, len(optimizers) - 0.4)
            if row_index == 0:
                ax.set_ylim(0, 1.02)
                ax.set_title(figure_style.balanced_lines(variant_labels[variant], 20))
            else:
                ax.set_ylim(zoom_low, zoom_high)
        axes[0, column].axhspan(zoom_low, zoom_high, color="0.85", alpha=0.4, lw=0)
    # Each y label fits its row: the shorter rows of a less tall layout take it in two lines.
    for ax, label in zip(
        axes[:, 0], ("Exactitud en prueba", "Detalle de la zona sombreada"), strict=True
    ):
        ax.set_ylabel(label if layout.height >= 1 else figure_style.balanced_lines(label, 12))
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color="0.3",
            markerfacecolor="white",
            label="tasa configurada",
        ),
        Line2D([], [], marker="o", ls="", color="0.3", label="tasa ajustada"),
        Line2D([], [], color="0.3", lw=1.4, label="rango de las semillas"),
    ]
    legend_below(fig, handles, ncols=layout.per_row(2))
    figure_style.save(fig, path)
