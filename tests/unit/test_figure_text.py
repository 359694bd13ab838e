"""Every figure the workflow draws is legible on a phone: its smallest text is at least
``style.MIN_PHONE_TEXT_PX`` px high on screen when the HTML is 390 px wide. Its print layout,
for the PDF, fits the text width with text of at least ``style.TEXT_PT`` pt, and is less tall.

The SVGs hold their text as paths (``svg.fonttype: path``), so the font sizes come from the
text artists matplotlib draws while saving, and the figure's width from the saved file (the
SVG's ``width`` attribute in pt, the GIF's width in pixels). The HTML scales a figure down to
the text column, so text of F pt in a figure W pt wide is F × column / W px on screen.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

from optireport.descent import gd
from optireport.figures import gd_plots, invitation_plots, plots
from optireport.figures import style as figure_style
from optireport.text import labels

OPTIMIZERS = ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta")
VARIANTS = labels.VARIANT_NAMES
RULE_GRAPH = Path(__file__).parent / "data" / "rulegraph.dot"


def _history(epochs=6, start=0.5, seed=0):
    epoch = np.arange(1, epochs + 1, dtype=float)
    curve = start + (1 - start) * (1 - 1 / epoch) - 0.01 * seed
    return {
        "epoch": epoch,
        "accuracy": curve,
        "val_accuracy": curve - 0.01,
        "loss": 1 / epoch,
        "val_loss": 0.4 + 0.05 * (epoch - 3) ** 2 / epochs,
        "seed": seed,
    }


def _rule_graph():
    dot = RULE_GRAPH.read_text(encoding="utf-8")
    names = dict(re.findall(r'^\s*(\d+)\[label = "([^"]+)"', dot, flags=re.M))
    edges = [(names[a], names[b]) for a, b in re.findall(r"^\s*(\d+) -> (\d+)", dot, flags=re.M)]
    return edges, list(names.values())


def draw_every_figure(directory: Path, layout=figure_style.SCREEN) -> dict[str, Path]:
    """Draw every figure of the workflow in ``layout`` with small data shaped like a full
    build's (five optimizers, two input variants, two seeds, five plain runs, seven 1-D
    methods); returns each figure's path by name. The GIF is drawn for the screen only."""
    directory = Path(directory)
    out = {}

    def path(name, suffix=".svg"):
        out[name] = directory / f"{name}{suffix}"
        return out[name]

    y = np.repeat(np.arange(10), 3)
    x = np.random.default_rng(0).integers(0, 255, size=(y.size, 28, 28))
    plots.plot_digits(x, y, path("digits"), layout)
    histories = {
        name: [_history(start=0.1 + 0.15 * i, seed=s) for s in (0, 1)]
        for i, name in enumerate(OPTIMIZERS)
    }
    plots.plot_curves(histories, path("accuracy"), "accuracy", "Exactitud", layout)
    plots.plot_curves(histories, path("loss"), "loss", "Pérdida (entropía cruzada)", layout)
    plots.plot_variants(
        {name: {"raw": runs, "scaled": runs} for name, runs in histories.items()},
        VARIANTS,
        path("variants"),
        layout,
    )
    plots.plot_lr_grid(
        {
            name: [(r, 0.5 + 0.4 * r) for r in (0.0001, 0.001, 0.01, 0.1, 1.0)]
            for name in OPTIMIZERS
        },
        {name: 0.001 for name in OPTIMIZERS},
        path("lr_grid"),
        epochs=3,
        layout=layout,
    )
    plots.plot_predictions(
        [
            {
                "optimizer": "Adadelta",
                "counts": [0, 9000] + [100] * 8,
                "title": f"Adadelta, {VARIANTS['raw']}\nsemilla 1: exactitud 0,114",
            },
            {
                "optimizer": "Adadelta",
                "counts": [1000] * 10,
                "title": f"Adadelta, {VARIANTS['scaled']}\nsemilla 1: exactitud 0,912",
            },
        ],
        [1000] * 10,
        path("predictions"),
        layout,
    )
    plots.plot_rule_graph(*_rule_graph(), path("rulegraph"), layout)
    stats = {"median": 0.9, "min": 0.88, "max": 0.93}
    rows = [
        {
            "optimizer": name,
            "variant": variant,
            "default": {"test_accuracy": stats},
            "tuned": None if name == "Adadelta" else {"test_accuracy": stats},
        }
        for variant in VARIANTS
        for name in OPTIMIZERS
    ]
    plots.plot_fair_comparison(rows, VARIANTS, path("fair_comparison"), layout)

    gd_plots.plot_curve(path("gd_curve"), layout=layout)
    settings = [(1.5, 0.01, 10), (1.5, 0.01, 100), (1.5, 0.001, 100), (-2.0, 0.01, 100)]
    settings.append((-2.0, 0.01, 1000))
    runs = [gd.gradient_descent(start, rate, n) for start, rate, n in settings]
    titles = [
        f"{i}: $x_0$ = {start}, $\\eta$ = {rate}, {n} it."
        for i, (start, rate, n) in enumerate(settings, start=1)
    ]
    titles[-1] += "\ndiverge en el paso 12"
    gd_plots.plot_runs(runs, titles, path("gd_runs"), layout=layout)
    trajectories = {
        "gd": gd.run_method("gd", -2.0, 200, learning_rate=0.01),
        "momentum": gd.run_method("momentum", -2.0, 200, learning_rate=0.06, momentum=0.99),
        **{m: gd.run_method(m, -2.0, 200, learning_rate=0.1) for m in gd.METHODS[1:]},
    }
    minimum = gd.global_minimum(-2.5, 2.5)
    gd_plots.plot_methods(
        trajectories, labels.METHOD_NAMES, path("gd_methods"), minimum, layout=layout
    )
    if layout == figure_style.SCREEN:
        gd_plots.animate_methods(
            trajectories, labels.METHOD_NAMES, path("gd_methods_animation", ".gif"), frames=4
        )

    def line(name, label, start):
        color = figure_style.colors(OPTIMIZERS)[name]
        return {"label": label, "color": color, "histories": [_history(start=start)] * 2}

    # The three figures of the invitation's trainings: panel title and (optimizer, label,
    # starting accuracy) of each line.
    experiments = {
        "batch_size": {
            name: [(name, f"lotes de {size}", 0.3) for size in (10, 50, 250)]
            for name in ("SGD", "Adam")
        },
        "momentum": {
            None: [
                ("SGD", "sin momento", 0.3),
                ("SGD", "momento clásico (0.9)", 0.5),
                ("SGD", "momento de Nesterov (0.9)", 0.6),
            ]
        },
        "adadelta": {
            None: [
                ("Adadelta", "tasa configurada (0.001)", 0.2),
                ("Adadelta", "tasa del artículo (1.0)", 0.6),
            ]
        },
    }
    for figure, panels in experiments.items():
        invitation_plots.plot_configurations(
            [
                {"title": title, "lines": [line(*spec) for spec in lines]}
                for title, lines in panels.items()
            ],
            path(figure),
            layout=layout,
        )
    stops = {
        (name, variant, seed): {"best_epoch": 3, "stop_epoch": 5 if seed else None}
        for name in OPTIMIZERS
        for variant in VARIANTS
        for seed in (0, 1)
    }
    invitation_plots.plot_early_stopping(
        {name: {"raw": runs, "scaled": runs} for name, runs in histories.items()},
        stops,
        figure_style.colors(OPTIMIZERS),
        figure_style.VARIANT_STYLES,
        labels.VARIANT_CELLS,
        path("early_stopping"),
        layout,
    )
    return out


def size_pt(path: Path) -> tuple[float, float]:
    """Width and height of a saved figure in pt: the SVG's attributes, or a GIF's pixels at the
    figure dpi."""
    if path.suffix == ".svg":
        root = ET.parse(path).getroot()
        sizes = [root.get(key) for key in ("width", "height")]
        assert all(size.endswith("pt") for size in sizes), sizes
        return float(sizes[0][:-2]), float(sizes[1][:-2])
    with Image.open(path) as image:
        dpi = figure_style.plt.rcParams["figure.dpi"]
        return image.width * 72 / dpi, image.height * 72 / dpi


def width_pt(path: Path) -> float:
    return size_pt(path)[0]


def draw_and_measure(directory: Path, layout) -> dict[str, tuple[Path, list[float]]]:
    """Every figure in ``layout``, with the font sizes of the text drawn into it:
    {name: (path, sizes)}."""
    sizes: list[float] = []
    original = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            sizes.append(self.get_fontsize())
        return original(self, renderer)

    per_figure = {}
    saving = figure_style.save
    animate = gd_plots.animate_methods

    def save(fig, path):
        sizes.clear()
        result = saving(fig, path)
        per_figure[Path(path).stem] = list(sizes)
        return result

    def animate_methods(*args, **kwargs):
        sizes.clear()
        result = animate(*args, **kwargs)
        per_figure["gd_methods_animation"] = list(sizes)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Text, "draw", draw)
        patch.setattr(figure_style, "save", save)
        patch.setattr(gd_plots, "animate_methods", animate_methods)
        paths = draw_every_figure(directory, layout)
    return {name: (path, per_figure[name]) for name, path in paths.items()}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Every screen figure (the HTML's): {name: (path, font sizes)}."""
    return draw_and_measure(tmp_path_factory.mktemp("figures"), figure_style.SCREEN)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every print figure (the PDF's): {name: (path, font sizes)}."""
    return draw_and_measure(tmp_path_factory.mktemp("print"), figure_style.PRINT)


def smallest_text_px(path: Path, sizes: list[float], column_px: float) -> float:
    """Height in CSS px of the smallest text of a figure shown ``column_px`` wide (or at its
    natural size, 1 pt = 4/3 px, when that is narrower)."""
    width = width_pt(path)
    shown = min(column_px, width * 96 / 72)
    return min(sizes) * shown / width


def test_every_figure_of_the_workflow_is_drawn(drawn, printed):
    assert len(drawn) == 16
    # Every one in print too, but the GIF (the HTML's only).
    assert set(printed) == set(drawn) - {"gd_methods_animation"}
    for name, (path, sizes) in [*drawn.items(), *printed.items()]:
        assert path.stat().st_size > 0, name
        assert sizes, f"{name}: no text drawn"


def test_smallest_text_is_legible_on_a_390_px_phone(drawn):
    # The phone's text column: 390 px less the page's side padding (styles.css).
    small = {
        name: round(smallest_text_px(path, sizes, figure_style.PHONE_COLUMN_PX), 2)
        for name, (path, sizes) in drawn.items()
    }
    assert min(small.values()) >= figure_style.MIN_PHONE_TEXT_PX, small


@pytest.mark.parametrize("layout", ["drawn", "printed"])
def test_figures_fit_the_pdf_text_width(layout, request):
    # A4 with 2 cm side margins: a figure up to the text width is shown at its natural size,
    # so its text keeps its size in pt, TEXT_PT at least (the body is 10 pt).
    for name, (path, sizes) in request.getfixturevalue(layout).items():
        assert width_pt(path) <= figure_style.PDF_TEXT_WIDTH_IN * 72, name
        assert min(sizes) >= figure_style.TEXT_PT, (name, min(sizes))


def test_print_figures_are_wider_and_a_third_less_tall(drawn, printed):
    # The PDF's layout: the text's width, up to three panels a row; the rule graph (the
    # annex's) is only wider.
    for name, (path, _) in printed.items():
        (width, height), (screen_width, screen_height) = size_pt(path), size_pt(drawn[name][0])
        assert width > screen_width, name
        if name != "rulegraph":
            assert height <= 0.7 * screen_height, (name, height, screen_height)
