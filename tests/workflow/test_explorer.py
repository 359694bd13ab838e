"""The gradient-descent explorer, driven in a real headless Chromium on the quick build's HTML.

The page's own JavaScript must compute the same trajectories as ``optireport.descent.gd`` (to
1e-9), its presets must reproduce the report's tables, its paths must take the methods' colours
of the static figures and be drawn whole, and its controls must work from the keyboard and at
phone width.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers.browser import console_errors, file_url, requested_urls

from optireport.descent import gd
from optireport.figures import style as figure_style
from optireport.report import render
from optireport.report.document import decimal, thousands

if TYPE_CHECKING:
    from helpers.build import BuiltReport

pytestmark = pytest.mark.slow

TOLERANCE = 1e-9

# (method, start, iterations, settings): the report's variants plus settings that exercise
# every branch of every update rule (momentum, centring, AMSGrad, other starts and rates).
CASES = [
    ("gd", 1.5, 100, {"learning_rate": 0.01}),
    ("gd", -2.0, 1000, {"learning_rate": 0.01}),
    ("gd", 0.3, 400, {"learning_rate": 0.05}),
    ("momentum", -2.0, 1000, {"learning_rate": 0.06, "momentum": 0.99}),
    ("momentum", 1.2, 300, {"learning_rate": 0.01, "momentum": 0.5}),
    ("nesterov", -2.0, 1000, {"learning_rate": 0.06, "momentum": 0.99}),
    ("nesterov", 0.7, 300, {"learning_rate": 0.02, "momentum": 0.9}),
    ("adagrad", -2.0, 1000, {"learning_rate": 0.5, "initial_accumulator_value": 0.1}),
    ("adagrad", 1.9, 500, {"learning_rate": 0.1, "epsilon": 1e-4}),
    ("rmsprop", -2.0, 1000, {"learning_rate": 0.01, "rho": 0.9}),
    ("rmsprop", 1.0, 500, {"learning_rate": 0.02, "momentum": 0.8, "centered": True}),
    ("adadelta", -2.0, 1000, {"learning_rate": 1.0, "rho": 0.95}),
    ("adadelta", 2.2, 800, {"learning_rate": 0.5, "rho": 0.8, "epsilon": 1e-6}),
    ("adam", -2.0, 1000, {"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.999}),
    ("adam", 0.5, 600, {"learning_rate": 0.05, "beta_1": 0.8, "amsgrad": True}),
]


@pytest.fixture(scope="module")
def summary(built_report: BuiltReport) -> dict:
    return json.loads(built_report.summary.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["pandoc", "quarto"])
def html(request, built_report: BuiltReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quick build's document rendered by each renderer (the build itself used "auto")."""
    if request.param == "quarto":
        request.getfixturevalue("quarto")  # skipped with an install hint; in CI, a failure
    out = tmp_path_factory.mktemp(request.param)
    return render.render_report(built_report.qmd, out, request.param)["html"]


@pytest.fixture
def page(browser, html: Path):
    """The report's HTML at desktop width, scrolled to the explorer."""
    browser.set_window_size(1280, 900)
    browser.get(file_url(html))
    requested_urls(browser)  # drop what earlier pages logged
    show_explorer(browser)
    return browser


def show_explorer(driver) -> None:
    """Scroll the explorer into view at once (the page scrolls smoothly, which moves targets)."""
    driver.execute_script(
        "document.documentElement.style.scrollBehavior = 'auto';"
        "document.getElementById('gd-explorer').scrollIntoView();"
    )


def find(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f"#gd-explorer {selector}")


def find_all(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, f"#gd-explorer {selector}")


def shown(driver) -> dict[str, str]:
    """The result fields as the reader sees them."""
    return {el.get_attribute("data-out"): el.text for el in find_all(driver, "[data-out]")}


def path_points(driver) -> str:
    return find(driver, "polyline.gd-path").get_attribute("points")


def nan_to_none(values: list[float]) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in values]


def test_page_trajectories_equal_numpy_for_every_method(page) -> None:
    methods = {case[0] for case in CASES}
    assert methods == {"gd", *gd.METHODS}
    for method, start, iterations, settings in CASES:
        full = {**gd.default_settings(method), **settings}
        in_page = page.execute_script(
            "return window.optireportGD.runMethod(arguments[0], arguments[1], arguments[2],"
            " arguments[3]);",
            method,
            start,
            iterations,
            full,
        )
        expected = gd.run_method(method, start, iterations, **settings)
        for key in ("x", "J"):
            assert len(in_page[key]) == iterations + 1
            assert all(math.isfinite(v) for v in expected[key]), (method, settings)
            error = max(abs(a - b) for a, b in zip(in_page[key], expected[key], strict=True))
            assert error <= TOLERANCE, f"{method} {settings}: max |JS - NumPy| in {key} = {error}"


def test_page_defaults_are_those_of_the_python_rules(page) -> None:
    """The explorer's per-method settings start from gd.py's (Keras) defaults."""
    data = page.execute_script("return window.optireportGD.explorers[0].data;")
    assert data["defaults"] == {m: gd.default_settings(m) for m in ("gd", *gd.METHODS)}
    for method, defaults in data["defaults"].items():
        for name, value in defaults.items():
            if name == "learning_rate":
                continue
            field = find(page, f"[data-settings-for='{method}'] [data-setting='{name}']")
            if isinstance(value, bool):
                assert field.get_attribute("type") == "checkbox"
                assert field.is_selected() is value
            else:
                assert float(field.get_attribute("value")) == value


def test_every_preset_reproduces_the_report_tables(page, summary: dict) -> None:
    rows = [("runs", run) for run in summary["gd_runs"]]
    rows += [("methods", method) for method in summary["gd_methods"]]
    buttons = find_all(page, "button[data-preset]")
    assert len(buttons) == len(rows)
    best_x, tolerance = summary["gd_global_min"]["x"], summary["gd_tolerance"]

    def setup(group: str, row: dict) -> tuple:
        if group == "runs":
            method, settings = "gd", {"learning_rate": row["learning_rate"]}
        else:
            method, settings = row["method"], row["settings"]
        full = {**gd.default_settings(method), **settings}
        return method, row["start"], row["iterations"], sorted(full.items())

    for button, (group, row) in zip(buttons, rows, strict=True):
        button.click()
        # Pressed: this preset, and any other with the very same settings (run 5 is plain GD
        # from the variants' start, for instance).
        pressed = [b for b in buttons if b.get_attribute("aria-pressed") == "true"]
        same = [b for b, o in zip(buttons, rows, strict=True) if setup(*o) == setup(group, row)]
        assert button in pressed and pressed == same
        values = shown(page)
        label = button.text
        assert values["final_x"] == decimal(row["final_x"]), label
        assert values["final_J"] == decimal(row["final_J"]), label
        assert values["reached"] == ("sí" if row["reached_global_min"] else "no"), label
        result = page.execute_script("return window.optireportGD.explorers[0].result;")
        assert abs(result["final_x"] - row["final_x"]) <= TOLERANCE, label
        assert abs(result["final_J"] - row["final_J"]) <= TOLERANCE, label
        assert len(result["x"]) == row["iterations"] + 1, label
        if group == "runs":
            assert values["last_step"] == f"{row['last_step']:.1e}", label
            reached = abs(row["final_x"] - best_x) <= tolerance
            assert values["reached"] == ("sí" if reached else "no"), label
        else:
            steps = row["steps_to_global_min"]
            assert values["steps"] == ("—" if steps is None else thousands(steps)), label
            assert result["steps"] == steps, label
    assert console_errors(page) == []
    assert requested_urls(page) == []


def test_sliders_move_the_path_from_the_keyboard(page) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    find_all(page, "button[data-preset]")[0].click()
    before = path_points(page)
    start_slider = find(page, "#gd-start-slider")
    start_slider.send_keys(Keys.ARROW_RIGHT)
    assert page.switch_to.active_element == start_slider
    moved = path_points(page)
    assert moved != before
    assert float(find(page, "[data-field='start']").get_attribute("value")) == pytest.approx(1.51)

    rate_box = find(page, "[data-field='learning_rate']")
    rate = float(rate_box.get_attribute("value"))
    rate_slider = find(page, "#gd-rate-slider")
    for _ in range(10):
        rate_slider.send_keys(Keys.ARROW_UP)
    new_rate = float(rate_box.get_attribute("value"))
    assert new_rate == pytest.approx(rate * 10**0.1, rel=5e-3)
    assert rate_slider.get_attribute("aria-valuetext") == f"η = {rate_box.get_attribute('value')}"
    assert path_points(page) != moved

    iterations = find(page, "[data-field='iterations']")
    iterations.send_keys(Keys.CONTROL, "a")
    iterations.send_keys("3")
    result = page.execute_script("return window.optireportGD.explorers[0].result;")
    assert len(result["x"]) == 4
    assert len(path_points(page).split()) == 4

    Select(find(page, "#gd-method")).select_by_value("adam")
    adam = find(page, "[data-settings-for='adam']")
    assert adam.is_displayed()
    assert not find(page, "[data-settings-for='rmsprop']").is_displayed()
    state = page.execute_script("return window.optireportGD.explorers[0].state;")
    assert state["method"] == "adam"
    assert state["settings"] == {**gd.default_settings("adam"), "learning_rate": new_rate}
    expected = gd.run_method("adam", 1.51, 3, learning_rate=new_rate)
    result = page.execute_script("return window.optireportGD.explorers[0].result;")
    assert result["x"] == pytest.approx(expected["x"], abs=TOLERANCE)


def path_color(driver) -> str:
    """The path's stroke as the browser paints it, as #rrggbb."""
    rgb = driver.execute_script(
        "return getComputedStyle(document.querySelector('#gd-explorer polyline.gd-path')).stroke;"
    )
    red, green, blue = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(","))
    return f"#{red:02x}{green:02x}{blue:02x}"


def test_each_method_is_drawn_in_its_colour_of_the_static_figures(page) -> None:
    from selenium.webdriver.support.ui import Select

    expected = figure_style.colors(("gd", *gd.METHODS))
    assert len(set(expected.values())) == len(expected)
    data = page.execute_script("return window.optireportGD.explorers[0].data;")
    assert data["colors"] == expected
    menu = Select(find(page, "#gd-method"))
    for method, color in expected.items():
        menu.select_by_value(method)
        assert path_color(page) == color, method
        start = page.execute_script(
            "return getComputedStyle(document.querySelector('#gd-explorer .gd-start')).stroke;"
        )
        assert start.replace(" ", "") == "rgb({},{},{})".format(
            *(int(color[i : i + 2], 16) for i in (1, 3, 5))
        ), method


def plotted(driver) -> dict:
    """The explorer's view and its path in SVG units, with the plot's frame."""
    return driver.execute_script(
        "const e = window.optireportGD.explorers[0];"
        "const r = document.querySelector('#gd-explorer clipPath rect');"
        "const frame = ['x', 'y', 'width', 'height'].map(k => Number(r.getAttribute(k)));"
        "const points = e.path.getAttribute('points').trim().split(/\\s+/)"
        "  .map(p => p.split(',').map(Number));"
        "return {view: e.view, frame: frame, points: points,"
        " shaded: document.querySelectorAll('#gd-explorer .gd-outside rect').length,"
        " status: document.querySelector(\"#gd-explorer [data-out='status']\").textContent};"
    )


def apply(driver, method: str, start: float, iterations: int, settings: dict) -> None:
    driver.execute_script(
        "window.optireportGD.explorers[0].applyPreset({method: arguments[0], start: arguments[1],"
        " iterations: arguments[2], settings: arguments[3]});",
        method,
        start,
        iterations,
        settings,
    )


def test_a_path_beyond_the_interval_is_drawn_whole_on_a_wider_axis(page, summary: dict) -> None:
    x_range = summary["config"]["gradient_descent"]["x_range"]
    # The momentum method of the default configuration overshoots the interval's right end.
    settings = {"learning_rate": 0.06, "momentum": 0.99}
    expected = gd.run_method("momentum", -2.0, 1000, **settings)
    assert max(expected["x"]) > x_range[1]
    apply(page, "momentum", -2.0, 1000, settings)
    drawn = plotted(page)
    view = drawn["view"]
    assert view["x"][0] <= min(expected["x"]) and view["x"][1] >= max(expected["x"])
    assert view["y"][0] <= min(expected["J"]) and view["y"][1] >= max(expected["J"])
    assert not view["cut"]
    left, top, width, height = drawn["frame"]
    assert len(drawn["points"]) == len(expected["x"])
    for x, y in drawn["points"]:
        assert left - 1e-6 <= x <= left + width + 1e-6 and top - 1e-6 <= y <= top + height + 1e-6
    assert drawn["shaded"] == 1  # the part of the axis beyond the interval, in grey
    assert "amplía" in drawn["status"]
    # Back inside the interval, the axis is the interval again.
    apply(page, "gd", 1.5, 100, {"learning_rate": 0.01})
    assert plotted(page)["view"]["x"] == x_range
    assert plotted(page)["shaded"] == 0


def test_a_path_too_far_away_is_cut_at_the_frame_and_said_so(page, summary: dict) -> None:
    low, high = summary["config"]["gradient_descent"]["x_range"]
    expected = gd.run_method("gd", 1.5, 10, learning_rate=0.3)
    # The axis widens to at most four half-widths of the interval on each side of its middle.
    assert max(abs(x - (low + high) / 2) for x in expected["x"]) > 2 * (high - low)
    apply(page, "gd", 1.5, 10, {"learning_rate": 0.3})
    drawn = plotted(page)
    assert drawn["view"]["cut"]
    assert "se corta en el borde" in drawn["status"]
    assert console_errors(page) == []


def test_a_diverging_setting_is_reported(page) -> None:
    from selenium.webdriver.common.keys import Keys

    find_all(page, "button[data-preset]")[0].click()
    rate = find(page, "[data-field='learning_rate']")
    rate.send_keys(Keys.CONTROL, "a")
    rate.send_keys("5")
    expected = gd.run_method("gd", 1.5, 10, learning_rate=5.0)
    values = shown(page)
    if expected["diverged_at"] is None:
        assert values["final_x"] == decimal(expected["x"][-1])
        assert values["reached"] == "no"
    else:
        assert "diverge" in values["status"]


def test_every_control_is_labelled_and_reachable_with_tab(page) -> None:
    from selenium.webdriver.common.keys import Keys

    controls = [c for c in find_all(page, "input, select, button") if c.is_displayed()]
    assert len(controls) >= 10
    for control in controls:
        name = page.execute_script(
            "const c = arguments[0];"
            "return c.getAttribute('aria-label') || (c.labels && c.labels.length"
            " ? c.labels[0].textContent : '') || (c.tagName === 'BUTTON' ? c.textContent : '');",
            control,
        )
        assert name.strip(), control.get_attribute("outerHTML")
    page.execute_script("arguments[0].focus()", controls[0])
    reached = []
    for _ in range(len(controls) + 5):
        reached.append(page.switch_to.active_element)
        page.switch_to.active_element.send_keys(Keys.TAB)
    missing = [c.get_attribute("outerHTML") for c in controls if c not in reached]
    assert missing == []


def test_explorer_fits_a_phone_screen(browser, html: Path) -> None:
    browser.set_window_size(390, 844)
    browser.get(file_url(html))
    try:
        show_explorer(browser)
        widths = browser.execute_script(
            "const e = document.getElementById('gd-explorer');"
            "const r = e.getBoundingClientRect();"
            "const inner = [...e.querySelectorAll('input, select, button, svg, dl')]"
            "  .filter(c => c.offsetParent !== null).map(c => c.getBoundingClientRect().right);"
            "return {viewport: document.documentElement.clientWidth, left: r.left,"
            " right: r.right, scroll: e.scrollWidth, client: e.clientWidth,"
            " inner: Math.max(...inner), svg: e.querySelector('svg').getBoundingClientRect().width,"
            " page: document.documentElement.scrollWidth};"
        )
        assert widths["left"] >= 0 and widths["right"] <= widths["viewport"], widths
        assert widths["scroll"] <= widths["client"], widths
        assert widths["inner"] <= widths["viewport"], widths
        assert widths["svg"] >= 0.8 * widths["viewport"], widths
        shots = os.environ.get("OPTIREPORT_SCREENSHOTS")
        if shots:
            save_screenshots(browser, Path(shots))
    finally:
        browser.set_window_size(1280, 900)


def save_screenshots(browser, folder: Path) -> None:
    """Explorer screenshots at phone and desktop width (for people, not for assertions)."""
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 1900), (1280, 1300)):
        browser.set_window_size(width, height)
        show_explorer(browser)
        browser.execute_script(
            "const e = document.getElementById('gd-explorer');"
            "e.querySelectorAll('button[data-preset]')[6].click();"
        )
        browser.save_screenshot(str(folder / f"explorer-{width}.png"))
