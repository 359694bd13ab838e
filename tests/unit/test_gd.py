"""Tests for optireport.descent.gd (numerics, Keras parity) and the GD figures (SVG output)."""

import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import yaml

from optireport.descent import gd
from optireport.figures import gd_plots
from optireport.store import paths
from optireport.text import labels

METHOD_SETTINGS = yaml.safe_load(
    (paths.ROOT / "config" / "config.yaml").read_text(encoding="utf-8")
)["gradient_descent"]["methods"]["settings"]

LOCAL_MIN_X = -1.355
GLOBAL_MIN_X, GLOBAL_MIN_J = 2.1945, -2.1828


def test_gd_does_not_import_keras_or_tensorflow():
    code = (
        "import sys, optireport.descent.gd; "
        "assert not {'keras', 'tensorflow'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_derivative_matches_central_differences():
    xs = np.linspace(-2.5, 2.5, 201)
    h = 1e-6
    numeric = (gd.objective(xs + h) - gd.objective(xs - h)) / (2 * h)
    np.testing.assert_allclose(gd.derivative(xs), numeric, rtol=1e-6, atol=1e-6)


def test_objective_and_derivative_are_vectorised():
    xs = np.array([[0.0, 1.0], [-2.0, 1.5]])
    assert gd.objective(xs).shape == xs.shape
    assert gd.derivative(xs).shape == xs.shape
    assert gd.objective(1.5) == pytest.approx(1.5 * math.sin(2.25))


@pytest.mark.parametrize(
    ("start", "lr", "iterations"),
    [(1.5, 0.01, 10), (1.5, 0.01, 100), (1.5, 0.001, 100), (-2.0, 0.01, 100)],
)
def test_gradient_descent_matches_explicit_loop(start, lr, iterations):
    x = start
    expected_x = [x]
    for _ in range(iterations):
        x = x - lr * (math.sin(x * x) + 2 * x * x * math.cos(x * x))
        expected_x.append(x)
    result = gd.gradient_descent(start, lr, iterations)
    assert len(result["x"]) == len(result["J"]) == iterations + 1
    assert all(type(v) is float for v in result["x"] + result["J"])
    np.testing.assert_allclose(result["x"], expected_x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["J"], [v * math.sin(v * v) for v in expected_x], atol=1e-12)


def test_gd_method_name_is_plain_gradient_descent():
    assert gd.run_method("gd", 1.5, 20, learning_rate=0.01) == gd.gradient_descent(1.5, 0.01, 20)


def test_plain_gd_from_minus_two_stops_in_local_minimum():
    result = gd.gradient_descent(-2.0, 0.01, 1000)
    assert result["x"][-1] == pytest.approx(LOCAL_MIN_X, abs=1e-3)
    assert abs(gd.derivative(result["x"][-1])) < 1e-6


def test_global_minimum():
    x, j = gd.global_minimum(-2.5, 2.5)
    assert x == pytest.approx(GLOBAL_MIN_X, abs=1e-3)
    assert j == pytest.approx(GLOBAL_MIN_J, abs=1e-3)
    assert abs(gd.derivative(x)) < 1e-8
    assert j <= gd.objective(np.linspace(-2.5, 2.5, 100_001)).min() + 1e-12


def test_global_minimum_at_interval_end():
    x, j = gd.global_minimum(-1.0, -0.5)  # J is increasing on [-1, -0.5]
    assert x == -1.0
    assert j == pytest.approx(gd.objective(-1.0))


def test_steps_to_reach_requires_staying_within_tolerance():
    trajectory = {"x": [0.0, 1.0, 0.0, 0.96, 1.02, 0.99]}
    assert gd.steps_to_reach(trajectory, 1.0, 0.05) == 3
    assert gd.steps_to_reach(trajectory, 0.0, 0.05) is None
    assert gd.steps_to_reach({"x": [1.0, 1.0]}, 1.0, 0.0) == 0
    assert gd.steps_to_reach({"x": [1.0, float("nan")]}, 1.0, 0.1) is None


def test_run_method_rejects_unknown_method_and_setting():
    with pytest.raises(ValueError):
        gd.run_method("lbfgs", 0.0, 5)
    with pytest.raises(TypeError):
        gd.run_method("adam", 0.0, 5, rho=0.9)


def test_configured_settings_cover_all_methods_and_give_a_mix():
    """The default config escapes the local minimum with some methods, not with others."""
    assert set(METHOD_SETTINGS) == {"gd", *gd.METHODS}
    x_star, _ = gd.global_minimum(-2.5, 2.5)
    reached = {
        method: gd.steps_to_reach(gd.run_method(method, -2.0, 1000, **settings), x_star, 0.01)
        for method, settings in METHOD_SETTINGS.items()
    }
    assert any(steps is not None for steps in reached.values())
    assert any(steps is None for steps in reached.values())


# --- Keras 3 parity ---------------------------------------------------------------------------

KERAS_CASES = [
    ("momentum", "SGD", {"learning_rate": 0.01, "momentum": 0.9}),
    ("nesterov", "SGD", {"learning_rate": 0.01, "momentum": 0.9}),
    ("adagrad", "Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.1}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.01, "rho": 0.9, "epsilon": 1e-7}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5, "centered": True}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0, "rho": 0.95, "epsilon": 1e-6}),
    ("adam", "Adam", {"learning_rate": 0.05, "beta_1": 0.9, "beta_2": 0.999}),
    ("adam", "Adam", {"learning_rate": 0.05, "beta_2": 0.9, "amsgrad": True}),
]
KERAS_STEPS = 50


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("keras")


@pytest.mark.parametrize(("method", "optimizer_name", "settings"), KERAS_CASES)
def test_variant_matches_keras_optimizer(keras, method, optimizer_name, settings):
    """Keras steps a float32 variable; compare with our float64 run at a float32 tolerance."""
    settings = dict(settings)
    if method in ("momentum", "nesterov"):
        keras_settings = {**settings, "nesterov": method == "nesterov"}
    else:
        keras_settings = settings
    optimizer = getattr(keras.optimizers, optimizer_name)(**keras_settings)
    variable = keras.Variable(1.2, dtype="float32")
    keras_x = [float(variable.numpy())]
    for _ in range(KERAS_STEPS):
        grad = keras.ops.convert_to_tensor(gd.derivative(keras_x[-1]), dtype="float32")
        optimizer.apply_gradients([(grad, variable)])
        keras_x.append(float(variable.numpy()))
    ours = gd.run_method(method, 1.2, KERAS_STEPS, **settings)["x"]
    np.testing.assert_allclose(ours, keras_x, rtol=1e-5, atol=1e-5)


# --- Plots -------------------------------------------------------------------------------------


def _assert_svg(path):
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size > 1000
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_plot_curve_and_runs_write_svg(tmp_path):
    curve = gd_plots.plot_curve(tmp_path / "curve.svg")
    runs = [gd.gradient_descent(1.5, 0.01, n) for n in (10, 100, 5, 7, 9)]
    grid = gd_plots.plot_runs(runs, [str(i) for i in range(5)], tmp_path / "sub" / "runs.svg")
    _assert_svg(curve)
    _assert_svg(grid)


def test_plot_methods_writes_svg(tmp_path):
    trajectories = {
        method: gd.run_method(method, -2.0, 200, **settings)
        for method, settings in METHOD_SETTINGS.items()
    }
    trajectories["adam_divergent"] = {"x": [0.0, float("nan")], "J": [0.0, float("nan")]}
    path = gd_plots.plot_methods(
        trajectories, labels.METHOD_NAMES, tmp_path / "methods.svg", gd.global_minimum(-2.5, 2.5)
    )
    _assert_svg(path)


def test_gd_figures_are_byte_stable(tmp_path):
    """The same data gives the same bytes: no random SVG ids, no date (as in every figure)."""
    trajectories = {m: gd.run_method(m, -2.0, 100, **METHOD_SETTINGS[m]) for m in ("gd", "adam")}
    drawn = []
    for attempt in ("first", "second"):
        methods = gd_plots.plot_methods(
            trajectories,
            labels.METHOD_NAMES,
            tmp_path / attempt / "methods.svg",
            gd.global_minimum(-2.5, 2.5),
        )
        curve = gd_plots.plot_curve(tmp_path / attempt / "curve.svg")
        drawn.append((methods.read_bytes(), curve.read_bytes()))
    assert drawn[0] == drawn[1]
    assert b"<dc:date>" not in drawn[0][0]


@pytest.mark.parametrize("method", ["gd", *gd.METHODS])
def test_default_settings_are_the_ones_run_method_uses(method):
    defaults = gd.default_settings(method)
    assert defaults["learning_rate"] > 0
    assert "nesterov" not in defaults
    explicit = gd.run_method(method, -1.0, 50, **defaults)
    assert explicit == gd.run_method(method, -1.0, 50)
    changed = {**defaults, "learning_rate": defaults["learning_rate"] * 3}
    assert gd.run_method(method, -1.0, 50, **changed) != explicit


def test_an_overflowing_run_is_recorded_as_diverged_at_its_step():
    """The issue's run: x reaches 1.9e242, then x² overflows and J(x) is no longer a number."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow is a recorded state, not a numpy warning
        result = gd.gradient_descent(1.5, 5.0, 60)
    assert result["diverged_at"] == 8
    assert len(result["x"]) == len(result["J"]) == 8  # x_0 ... x_7, drawn up to there
    assert all(math.isfinite(v) for v in result["x"] + result["J"])
    assert abs(result["x"][-1]) > 1e100
    assert gd.final_point(result) == {"final_x": None, "final_J": None}
    assert gd.steps_to_reach(result, result["x"][-1], 1.0) is None
    assert "diverge en el paso 8" in gd.outcome(result)


def test_a_run_that_does_not_diverge_says_so():
    result = gd.gradient_descent(1.5, 0.01, 20)
    assert result["diverged_at"] is None
    assert gd.final_point(result) == {"final_x": result["x"][-1], "final_J": result["J"][-1]}


@pytest.mark.parametrize("method", ["gd", *gd.METHODS])
def test_every_method_records_its_divergence(method):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gd.run_method(method, -2.0, 50, learning_rate=1e300)
    assert result["diverged_at"] is not None and 1 <= result["diverged_at"] <= 50
    assert len(result["x"]) == result["diverged_at"]
    assert all(math.isfinite(v) for v in result["x"] + result["J"])
