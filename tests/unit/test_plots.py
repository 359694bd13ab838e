"""Tests for optireport.figures.plots helpers that do not need training results."""

import numpy as np
from matplotlib.colors import to_hex

from optireport.descent import gd
from optireport.figures import gd_plots, plots
from optireport.figures import style as figure_style
from optireport.text import labels


def test_long_rule_names_split_at_the_middle_underscore():
    assert plots.wrap_rule_name("gd_methods_figures") == "gd_methods_\nfigures"
    assert plots.wrap_rule_name("rulegraph_figure") == "rulegraph_\nfigure"
    assert plots.wrap_rule_name("summary") == "summary"
    assert plots.wrap_rule_name("lr_grid") == "lr_grid"  # short enough
    assert plots.wrap_rule_name("averyveryverylongname") == "averyveryverylongname"


def test_rule_graph_draws_every_rule(tmp_path):
    edges = [("mnist", "train"), ("train", "summary"), ("gd_methods_figures", "summary")]
    nodes = ["mnist", "train", "summary", "gd_methods_figures"]
    path = tmp_path / "graph.svg"
    plots.plot_rule_graph(edges, nodes, path)
    svg = path.read_text(encoding="utf-8")
    for text in ("mnist", "train", "summary", "gd_methods_", "figures"):
        assert text in svg


def _legend_sizes(fig):
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [text.get_fontsize() for legend in legends for text in legend.get_texts()]


def _history(epochs=4, start=0.5):
    epoch = np.arange(1, epochs + 1, dtype=float)
    curve = start + (1 - start) * (1 - 1 / epoch)
    return {
        "epoch": epoch,
        "accuracy": curve,
        "val_accuracy": curve - 0.01,
        "loss": 1 / epoch,
        "val_loss": np.array([0.5, 0.3, 0.4, 0.6])[:epochs],
    }


def _all_figures(tmp_path, monkeypatch):
    """Draw every figure with small data; return the figures instead of writing them."""
    figures = []
    monkeypatch.setattr(figure_style, "save", lambda fig, path: figures.append(fig))
    histories = {"Adam": [_history(), _history()], "SGD": [_history(start=0.1)]}
    plots.plot_curves(histories, tmp_path / "a.svg", "accuracy", "Exactitud")
    plots.plot_curves(histories, tmp_path / "l.svg", "loss", "Pérdida")
    plots.plot_variants(
        {name: {"raw": runs, "scaled": runs} for name, runs in histories.items()},
        {"raw": "sin escalar", "scaled": "escalada"},
        tmp_path / "v.svg",
    )
    plots.plot_lr_grid(
        {"Adam": [(0.001, 0.9), (0.01, 0.8)], "SGD": [(0.001, 0.5), (0.01, 0.1)]},
        {"Adam": 0.001, "SGD": 0.01},
        tmp_path / "lr.svg",
        epochs=2,
    )
    plots.plot_predictions(
        [{"optimizer": "SGD", "counts": [0, 100] + [0] * 8, "title": "SGD"}],
        [10] * 10,
        tmp_path / "p.svg",
    )
    runs = [gd.gradient_descent(1.5, 0.01, n) for n in (5, 10, 20, 30, 40)]
    gd_plots.plot_runs(runs, ["1", "2", "3", "4", "5"], tmp_path / "r.svg")
    trajectories = {m: gd.run_method(m, -2.0, 50, learning_rate=0.01) for m in ("gd", "adam")}
    gd_plots.plot_methods(
        trajectories, labels.METHOD_NAMES, tmp_path / "gv.svg", gd.global_minimum(-2.5, 2.5)
    )
    return figures


def test_every_legend_is_at_least_11_px_in_the_html(tmp_path, monkeypatch):
    figures = _all_figures(tmp_path, monkeypatch)
    assert len(figures) == 7
    for fig in figures:
        sizes = _legend_sizes(fig)
        assert sizes, fig
        width = fig.get_size_inches()[0]
        assert (
            min(figure_style.legend_px(size, width) for size in sizes) >= figure_style.MIN_LEGEND_PX
        )


def test_one_colour_per_optimizer_in_every_figure(tmp_path, monkeypatch):
    figures = _all_figures(tmp_path, monkeypatch)
    line_colors = set()
    for fig in figures:
        for ax in fig.axes:
            line_colors |= {to_hex(line.get_color()) for line in ax.get_lines()}
    # Adam and SGD (= plain gradient descent) are drawn in their palette colours and in no other
    # optimizer's; the curve J(x) and guide lines are grey, which no optimizer uses.
    optimizer_colors = {to_hex(c) for c in figure_style.COLORS.values()}
    assert {figure_style.COLORS["Adam"], figure_style.COLORS["SGD"]} <= line_colors
    assert line_colors & optimizer_colors == {
        figure_style.COLORS["Adam"],
        figure_style.COLORS["SGD"],
    }
    assert to_hex(figure_style.REFERENCE) not in optimizer_colors


def test_palette_gives_known_names_fixed_colours_and_others_spares():
    colors = figure_style.colors(["Nadam", "Adam", "gd", "momentum", "AdamW"])
    assert colors["Adam"] == figure_style.COLORS["Adam"]
    assert colors["gd"] == figure_style.COLORS["SGD"]
    assert colors["momentum"] == figure_style.COLORS["Momento"]
    assert colors["Nadam"] == figure_style.SPARE[0] and colors["AdamW"] == figure_style.SPARE[1]
    assert len(set(colors.values())) == 5
