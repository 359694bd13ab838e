"""Figures of the MNIST and training chapters (SVG, Spanish labels)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from optireport import atomic, summary  # noqa: E402

plt.rcParams.update(
    {
        "svg.fonttype": "path",
        "font.size": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "optireport",  # stable ids: same data, same bytes
    }
)

COLORS = plt.get_cmap("tab10").colors


def save(fig, path) -> None:
    with atomic.replacing(path) as temporary:
        fig.savefig(temporary, bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)


def read_history(path) -> dict[str, np.ndarray]:
    """A training history CSV as one float array per column (see ``summary.read_history``)."""
    rows = summary.read_history(path)
    columns = rows[0].keys() if rows else ()
    return {c: np.array([r[c] for r in rows]) for c in columns}


def plot_digits(x: np.ndarray, y: np.ndarray, path) -> None:
    """The first training image of each digit, 0 to 9, on a 2x5 grid."""
    fig, axes = plt.subplots(2, 5, figsize=(6.5, 3.0))
    for digit, ax in enumerate(axes.flat):
        ax.imshow(x[np.flatnonzero(y == digit)[0]], cmap="Greys", interpolation="nearest")
        ax.set_title(str(digit))
        ax.set_axis_off()
    fig.tight_layout()
    save(fig, path)


def _band(ax, epochs, runs: Sequence[np.ndarray], color, style, label) -> None:
    """Median over seeds as a line, min-max range as a shaded band."""
    length = min(len(r) for r in runs)
    stack = np.vstack([r[:length] for r in runs])
    ax.plot(epochs[:length], np.median(stack, axis=0), style, color=color, label=label, lw=1.4)
    if len(runs) > 1:
        ax.fill_between(
            epochs[:length], stack.min(axis=0), stack.max(axis=0), color=color, alpha=0.15, lw=0
        )


def plot_curves(
    histories: Mapping[str, Sequence[dict[str, np.ndarray]]], path, metric: str, ylabel: str
) -> None:
    """Training (solid) and validation (dashed) ``metric`` per optimizer, median and range.

    The legend sits below the axes: one entry per optimizer (colour) and one per line style.
    """
    fig, ax = plt.subplots(figsize=(6.5, 5.0), layout="constrained")
    handles = []
    for index, (name, runs) in enumerate(histories.items()):
        color = COLORS[index % len(COLORS)]
        epochs = runs[0]["epoch"]
        _band(ax, epochs, [r[metric] for r in runs], color, "-", None)
        _band(ax, epochs, [r["val_" + metric] for r in runs], color, "--", None)
        handles.append(Line2D([], [], color=color, lw=2, label=name))
    handles += [
        Line2D([], [], color="0.3", ls="-", label="entrenamiento"),
        Line2D([], [], color="0.3", ls="--", label="validación"),
    ]
    ax.set_xlabel("Época")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    if metric == "loss":
        ax.set_yscale("log")
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    save(fig, path)


def plot_variants(
    histories: Mapping[str, Mapping[str, Sequence[dict[str, np.ndarray]]]],
    labels: Mapping[str, str],
    path,
) -> None:
    """Validation accuracy per optimizer, one panel each, one line per input variant."""
    names = list(histories)
    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(6.5, 2.2 * rows + 0.4), sharex=True, sharey=True, squeeze=False
    )
    for ax, name in zip(axes.flat, names, strict=False):
        for index, (variant, runs) in enumerate(histories[name].items()):
            epochs = runs[0]["epoch"]
            _band(
                ax, epochs, [r["val_accuracy"] for r in runs], COLORS[index], "-", labels[variant]
            )
        ax.set_title(name, fontsize=10)
        ax.set_ylim(0, 1)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Época")
    for ax in axes[:, 0]:
        ax.set_ylabel("Exactitud de validación")
    axes.flat[0].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    save(fig, path)


def plot_lr_sensitivity(
    points: Mapping[str, Sequence[tuple[float, float]]],
    defaults: Mapping[str, float],
    path,
    epochs: int,
) -> None:
    """Final validation accuracy against learning rate (log axis), one line per optimizer."""
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    for index, (name, pairs) in enumerate(points.items()):
        color = COLORS[index % len(COLORS)]
        rates, accuracies = zip(*sorted(pairs), strict=True)
        ax.plot(rates, accuracies, "o-", color=color, label=name, lw=1.4)
        ax.axvline(defaults[name], color=color, ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("Tasa de aprendizaje (escala logarítmica)")
    ax.set_ylabel(f"Exactitud de validación tras {epochs} época{'' if epochs == 1 else 's'}")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    save(fig, path)


def wrap_rule_name(name: str, limit: int = 12) -> str:
    """Split a long rule name in two lines after the underscore nearest its middle."""
    cuts = [i + 1 for i, char in enumerate(name) if char == "_"]
    if len(name) <= limit or not cuts:
        return name
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}\n{name[cut:]}"


def plot_rule_graph(edges: Sequence[tuple[str, str]], nodes: Sequence[str], path) -> None:
    """The workflow's rule graph drawn in layers (sources on top), without Graphviz."""
    parents = {node: [a for a, b in edges if b == node] for node in nodes}
    depth: dict[str, int] = {}

    def level(node: str) -> int:
        if node not in depth:
            depth[node] = 1 + max((level(p) for p in parents[node]), default=-1)
        return depth[node]

    layers: dict[int, list[str]] = {}
    for node in nodes:
        layers.setdefault(level(node), []).append(node)
    width = max(len(layer) for layer in layers.values())
    fig, ax = plt.subplots(figsize=(6.5, 0.9 * len(layers) + 0.5))
    position = {}
    for row, layer in layers.items():
        for column, node in enumerate(sorted(layer)):
            position[node] = ((column + 0.5) * width / len(layer), -row)
    for a, b in edges:
        (x0, y0), (x1, y1) = position[a], position[b]
        ax.annotate(
            "",
            xy=(x1, y1 + 0.25),
            xytext=(x0, y0 - 0.25),
            arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 0.8},
        )
    for node, (x, y) in position.items():
        ax.text(
            x,
            y,
            wrap_rule_name(node),
            ha="center",
            va="center",
            fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.3", "fc": "#eef3fb", "ec": "#4a6fa5", "lw": 0.8},
        )
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(-len(layers) + 0.5, 0.5)
    ax.axis("off")
    save(fig, path)


def plot_fair_comparison(rows: Sequence[Mapping], variant_labels: Mapping[str, str], path) -> None:
    """Test accuracy at the configured and at the tuned rate: median (marker) and seed range.

    One column per input variant; the top row spans 0 to 1, the bottom row zooms into the
    range of the results so that overlapping ranges can be told apart. ``rows`` are the
    ``tuning.compare`` rows; a missing result is written as «sin datos».
    """
    variants = list(dict.fromkeys(row["variant"] for row in rows))
    optimizers = list(dict.fromkeys(row["optimizer"] for row in rows))
    colors = {name: COLORS[index % len(COLORS)] for index, name in enumerate(optimizers)}
    lows = [
        row[side]["test_accuracy"]["min"]
        for row in rows
        for side in ("default", "tuned")
        if row[side] and row[side]["test_accuracy"] and row[side]["test_accuracy"]["median"] >= 0.5
    ]
    zoom_low = max(0.0, min(lows, default=0.5) - 0.01)
    fig, axes = plt.subplots(
        2,
        len(variants),
        figsize=(6.5, 5.6),
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
                                fontsize=7,
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
            ax.set_xticks(range(len(optimizers)), optimizers, fontsize=9, rotation=30)
            ax.set_xlim(-0.6, len(optimizers) - 0.4)
            if row_index == 0:
                ax.set_ylim(0, 1.02)
                ax.set_title(variant_labels[variant], fontsize=10)
            else:
                ax.set_ylim(zoom_low, 1.0)
        axes[0, column].axhspan(zoom_low, 1.0, color="0.85", alpha=0.4, lw=0)
    axes[0, 0].set_ylabel("Exactitud en prueba")
    axes[1, 0].set_ylabel("Detalle de la zona sombreada")
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
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    save(fig, path)
