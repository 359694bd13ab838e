"""SVG figures (Spanish labels) for the gradient-descent section of the report."""

from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import numpy as np

from optireport.descent.gd import objective
from optireport.figures import style as figure_style
from optireport.figures.style import SCREEN, Layout, plt
from optireport.store import atomic

# Heights on screen: the curve, and the methods' figure (the paths on the curve above J(x_t)
# per iteration, and the legend).
CURVE_HEIGHT_IN = 3.1
METHODS_HEIGHT_IN = 5.9
X_RANGE = (-2.5, 2.5)
Y_RANGE = (-3.0, 3.0)


def _draw_curve(ax, x_range, y_range, color=figure_style.REFERENCE, **kwargs):
    """Draw J(x) on ``ax`` and set limits, grid and axis labels."""
    xs = np.linspace(*x_range, 1000)
    ax.plot(xs, objective(xs), **{"color": color, "linewidth": 1.5, **kwargs})
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_xlabel("x")
    ax.set_ylabel("J(x)")
    ax.grid(True, alpha=0.3)


def read_methods(path) -> tuple[dict[str, dict], tuple[float, float]]:
    """``results/gd/methods.json``: each method's trajectory by method key, and (x, J) of the
    global minimum."""
    result = atomic.read_json(path)
    best = result["global_min"]
    return {m["method"]: m for m in result["methods"]}, (best["x"], best["J"])


def plot_curve(path, x_range=X_RANGE, y_range=Y_RANGE, layout: Layout = SCREEN) -> Path:
    """Plot the objective J(x) = x·sin(x²)."""
    with mpl.rc_context(figure_style.COMPACT_RC):
        figsize = (layout.width_in, CURVE_HEIGHT_IN * layout.height)
        fig = plt.figure(figsize=figsize, layout="constrained")
        ax = fig.subplots()
        _draw_curve(ax, x_range, y_range, label=r"$J(x) = x\,\sin(x^2)$")
        ax.set_title("Función objetivo")
        ax.legend(loc="upper left")
        return figure_style.save(fig, path)


def plot_runs(
    runs: list[dict],
    titles: list[str],
    path,
    x_range=X_RANGE,
    y_range=Y_RANGE,
    layout: Layout = SCREEN,
) -> Path:
    """Every plain gradient-descent run on one grid: the curve, the iterates, start and end.

    The iterates take the colour of SGD (plain gradient descent) from the palette;
    ``layout.panel_columns`` panels a row, and a spare cell holds the legend.
    """
    rows, columns = figure_style.rows_and_columns(len(runs), layout.panel_columns)
    color = figure_style.colors(["gd"])["gd"]
    with mpl.rc_context(figure_style.COMPACT_RC):
        fig = plt.figure(figsize=(layout.width_in, 1.95 * rows + 0.2), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, columns, sharex=True, sharey=True)).ravel()
        for ax, run, title in zip(axes, runs, titles, strict=False):
            x, j = run["x"], run["J"]
            _draw_curve(ax, x_range, y_range, linewidth=1.0)
            ax.plot(x, j, "o-", color=color, markersize=2.5, linewidth=0.8, zorder=3)
            ax.plot(x[0], j[0], "o", mfc="white", mec=figure_style.MARKER, markersize=7, zorder=4)
            ax.plot(x[-1], j[-1], "s", color=figure_style.MARKER, markersize=5, zorder=5)
            ax.set_title(title, fontsize=figure_style.TEXT_PT)
            ax.label_outer()
        handles = [
            mpl.lines.Line2D([], [], color=figure_style.REFERENCE, label=r"$J(x)$"),
            mpl.lines.Line2D(
                [], [], color=color, marker="o", ms=3, lw=0.8, label="iteraciones $x_t$"
            ),
            mpl.lines.Line2D(
                [],
                [],
                ls="",
                marker="o",
                mfc="white",
                mec=figure_style.MARKER,
                label="inicio $x_0$",
            ),
            mpl.lines.Line2D([], [], ls="", marker="s", color=figure_style.MARKER, label="final"),
        ]
        spare = axes[len(runs) :]
        for ax in spare:
            ax.set_axis_off()
        # The panel above a spare cell shows its own x ticks (label_outer hid them).
        for ax in axes[max(0, len(runs) - columns) : len(runs)]:
            ax.tick_params(labelbottom=True)
            ax.set_xlabel("x")
        if len(spare):
            spare[0].legend(handles=handles, loc="center", frameon=False)
        else:
            fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        return figure_style.save(fig, path)


def _finite_extent(trajectories: dict[str, dict], key: str, bounds: tuple[float, float]):
    """Smallest interval containing ``bounds`` and every finite trajectory value."""
    values = np.concatenate([np.asarray(t[key], dtype=float) for t in trajectories.values()])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return bounds
    return min(bounds[0], float(values.min())), max(bounds[1], float(values.max()))


def plot_methods(
    trajectories: dict[str, dict],
    names: Mapping[str, str],
    path,
    global_min: tuple[float, float],
    x_range=X_RANGE,
    y_range=Y_RANGE,
    layout: Layout = SCREEN,
) -> Path:
    """Compare methods: paths on the curve (top, or left with the wide layout) and J(x_t) per
    iteration (bottom, or right).

    ``names`` are the methods' display names (``labels.METHOD_NAMES``, passed by the rule).
    """
    x_lo, x_hi = _finite_extent(trajectories, "x", x_range)
    pad = 0.02 * (x_hi - x_lo)
    colors = figure_style.colors(trajectories)
    with mpl.rc_context(figure_style.COMPACT_RC):
        figsize = (layout.width_in, METHODS_HEIGHT_IN * layout.height)
        fig = plt.figure(figsize=figsize, layout="constrained")
        left, right = fig.subplots(*figure_style.rows_and_columns(2, layout.wide_columns))
        _draw_curve(left, (x_lo - pad, x_hi + pad), y_range, label="J(x)")
        if (x_lo, x_hi) != tuple(x_range):
            # Paths that leave the studied interval widen the axis: shade what lies outside.
            for edge, outer in ((x_range[0], x_lo - pad), (x_range[1], x_hi + pad)):
                if outer != edge:
                    left.axvspan(min(edge, outer), max(edge, outer), color="0.9", zorder=0)
        for method, traj in trajectories.items():
            color = colors[method]
            label = names.get(method, method)
            left.plot(traj["x"], traj["J"], "-", color=color, linewidth=0.8, alpha=0.8)
            left.plot(traj["x"][-1], traj["J"][-1], "s", color=color, markersize=5)
            right.plot(
                np.arange(len(traj["J"])), traj["J"], color=color, linewidth=1.2, label=label
            )
        left.plot(
            *global_min,
            "*",
            color=figure_style.MARKER,
            markersize=10,
            label="mínimo global",
            zorder=5,
        )
        left.plot([], [], "s", color=figure_style.REFERENCE, markersize=5, label="posición final")
        left.set_title("Trayectorias sobre la curva")
        left.legend(loc="lower center", ncols=3 // layout.wide_columns)
        right.axhline(global_min[1], color=figure_style.MARKER, linestyle="--", linewidth=1)
        right.text(
            0.02,
            global_min[1] + 0.1,
            f"mínimo global ({global_min[1]:.3f})",
            transform=right.get_yaxis_transform(),
            fontsize=figure_style.LEGEND_FONTSIZE,
        )
        right.set_xscale("symlog", linthresh=1)
        right.set_xlim(left=0)
        right.set_ylim(*y_range)
        right.set_xlabel("iteración t (escala logarítmica)")
        right.set_ylabel(r"$J(x_t)$")
        right.set_title("Valor de la función por iteración")
        right.grid(True, which="both", alpha=0.3)
        fig.legend(
            *right.get_legend_handles_labels(),
            loc="outside lower center",
            ncols=layout.per_row(3),
        )
        return figure_style.save(fig, path)


def animate_methods(
    trajectories: dict[str, dict],
    names: Mapping[str, str],
    path,
    frames: int = 60,
    x_range=X_RANGE,
    y_range=Y_RANGE,
) -> Path:
    """GIF of every method moving along the curve, frames spaced logarithmically in t."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    length = max(len(t["x"]) for t in trajectories.values())
    steps = np.unique(np.geomspace(1, length, frames).astype(int)) - 1
    colors = figure_style.colors(trajectories)
    with mpl.rc_context(figure_style.COMPACT_RC):
        fig = plt.figure(figsize=(SCREEN.width_in, 3.8), layout="constrained")
        ax = fig.subplots()
        _draw_curve(ax, x_range, y_range)
        points = {
            method: ax.plot(
                [],
                [],
                "o",
                color=colors[method],
                markersize=7,
                label=names.get(method, method),
            )[0]
            for method in trajectories
        }
        title = ax.set_title("Iteración 0")
        fig.legend(loc="outside lower center", ncols=3)

        def draw(step):
            for method, point in points.items():
                t = min(step, len(trajectories[method]["x"]) - 1)
                point.set_data([trajectories[method]["x"][t]], [trajectories[method]["J"][t]])
            title.set_text(f"Iteración {step}")
            return [*points.values(), title]

        path = Path(path)
        with atomic.replacing(path) as temporary:
            FuncAnimation(fig, draw, frames=steps, blit=False).save(
                temporary, writer=PillowWriter(fps=8)
            )
        plt.close(fig)
    return path
