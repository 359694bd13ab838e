"""Gradient descent and Keras-style optimizer variants on J(x) = x·sin(x²).

Pure numpy (float64). The update rules of the variants replicate those of the
Keras 3 optimizers ``SGD`` (momentum / Nesterov), ``Adagrad``, ``RMSprop``,
``Adadelta`` and ``Adam``, step for step, so that results can be compared with
the real optimizers.
"""

import inspect
import math
from collections.abc import Callable

import numpy as np

METHODS = ("momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")

Step = Callable[[float, float], float]


def objective(x):
    """J(x) = x·sin(x²), elementwise."""
    x = np.asarray(x, dtype=float)
    return x * np.sin(x**2)


def derivative(x):
    """J'(x) = sin(x²) + 2x²·cos(x²), elementwise."""
    x = np.asarray(x, dtype=float)
    return np.sin(x**2) + 2 * x**2 * np.cos(x**2)


def _sgd(learning_rate=0.01, momentum=0.0, nesterov=False) -> Step:
    """keras.optimizers.SGD: m <- μm - ηg; x <- x + m (Nesterov: x <- x + μm - ηg)."""
    m = 0.0

    def step(x, g):
        nonlocal m
        if momentum == 0:
            return x - learning_rate * g
        m = momentum * m - learning_rate * g
        return x + (momentum * m - learning_rate * g if nesterov else m)

    return step


def _adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7) -> Step:
    """keras.optimizers.Adagrad: a <- a + g²; x <- x - ηg / sqrt(a + ε)."""
    acc = initial_accumulator_value

    def step(x, g):
        nonlocal acc
        acc += g * g
        return x - learning_rate * g / np.sqrt(acc + epsilon)

    return step


def _rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False) -> Step:
    """keras.optimizers.RMSprop: v <- ρv + (1-ρ)g²; x <- x - ηg / sqrt(v + ε)."""
    v = avg = m = 0.0

    def step(x, g):
        nonlocal v, avg, m
        v = rho * v + (1 - rho) * g * g
        if centered:
            avg = rho * avg + (1 - rho) * g
            denominator = v - avg * avg + epsilon
        else:
            denominator = v + epsilon
        increment = learning_rate * g / np.sqrt(denominator)
        if momentum > 0:
            m = momentum * m + increment
            return x - m
        return x - increment

    return step


def _adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7) -> Step:
    """keras.optimizers.Adadelta: Δ = -sqrt(E[Δ²] + ε)/sqrt(E[g²] + ε)·g; x <- x + ηΔ."""
    acc_grad = acc_delta = 0.0

    def step(x, g):
        nonlocal acc_grad, acc_delta
        acc_grad = rho * acc_grad + (1 - rho) * g * g
        delta = -np.sqrt(acc_delta + epsilon) * g / np.sqrt(acc_grad + epsilon)
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        return x + learning_rate * delta

    return step


def _adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False) -> Step:
    """keras.optimizers.Adam: bias correction folded into the step size, ε outside the sqrt."""
    m = v = v_hat = 0.0
    t = 0

    def step(x, g):
        nonlocal m, v, v_hat, t
        t += 1
        alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        if amsgrad:
            v_hat = max(v_hat, v)
            return x - m * alpha / (np.sqrt(v_hat) + epsilon)
        return x - m * alpha / (np.sqrt(v) + epsilon)

    return step


# The Keras class behind each method, and the constructor arguments each method fixes.
_FACTORIES = {
    "gd": _sgd,
    "momentum": _sgd,
    "nesterov": _sgd,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adadelta": _adadelta,
    "adam": _adam,
}
_FIXED = {
    "gd": {"momentum": 0.0, "nesterov": False},
    "momentum": {"nesterov": False},
    "nesterov": {"nesterov": True},
}


def _factory(method: str) -> Callable[..., Step]:
    if method not in _FACTORIES:
        raise ValueError(f"unknown method {method!r}; expected 'gd' or one of {METHODS}")
    return _FACTORIES[method]


def _make_step(method: str, settings: dict) -> Step:
    """Build the stateful update function of ``method`` with Keras keyword ``settings``."""
    return _factory(method)(**{**settings, **_FIXED.get(method, {})})


def default_settings(method: str) -> dict:
    """Every setting a user can give ``method``, with its Keras default, in constructor order."""
    fixed = _FIXED.get(method, {})
    return {
        name: parameter.default
        for name, parameter in inspect.signature(_factory(method)).parameters.items()
        if name not in fixed
    }


def _trajectory(step: Step, start: float, iterations: int) -> dict:
    """Iterate ``step`` from ``start`` and record x and J(x), start included.

    A run diverges at the first step whose iterate or J(x) is not a finite number: the
    trajectory stops before that step, and ``diverged_at`` is its index (None otherwise).
    """
    if iterations < 0:
        raise ValueError("iterations must be non-negative")
    xs, js = [float(start)], [float(objective(start))]
    diverged_at = None
    # Overflow is the state this records, not a fault: numpy's warnings about it are noise.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, iterations + 1):
            x = float(step(xs[-1], float(derivative(xs[-1]))))
            j = float(objective(x))
            if not (math.isfinite(x) and math.isfinite(j)):
                diverged_at = t
                break
            xs.append(x)
            js.append(j)
    return {"x": xs, "J": js, "diverged_at": diverged_at}


def gradient_descent(start: float, learning_rate: float, iterations: int) -> dict:
    """Plain gradient descent x <- x - η·J'(x); returns {"x": [...], "J": [...],
    "diverged_at": step or None}."""
    return _trajectory(_sgd(learning_rate=learning_rate), start, iterations)


def run_method(method: str, start: float, iterations: int, **settings) -> dict:
    """Run ``method`` ("gd" or one of METHODS) from ``start`` for ``iterations`` steps.

    ``settings`` are the keyword arguments of the matching Keras 3 optimizer
    constructor (e.g. ``learning_rate``, ``momentum``, ``rho``, ``epsilon``,
    ``beta_1``, ``beta_2``, ``initial_accumulator_value``); omitted ones take the
    Keras defaults. "gd", "momentum" and "nesterov" map to ``keras.optimizers.SGD``.
    Returns {"x": [...], "J": [...], "diverged_at": step or None} (see ``_trajectory``).
    """
    return _trajectory(_make_step(method, settings), start, iterations)


def global_minimum(x_min: float, x_max: float, points: int = 10_001) -> tuple[float, float]:
    """Global minimum (x, J) of J on [x_min, x_max]: dense grid, then bisection on J'."""
    grid = np.linspace(x_min, x_max, points)
    i = int(np.argmin(objective(grid)))
    if i in (0, points - 1):
        x = float(grid[i])
        return x, float(objective(x))
    lo, hi = grid[i - 1], grid[i + 1]
    if not (derivative(lo) <= 0 <= derivative(hi)):
        x = float(grid[i])
        return x, float(objective(x))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if derivative(mid) < 0:
            lo = mid
        else:
            hi = mid
    x = float(0.5 * (lo + hi))
    return x, float(objective(x))


def steps_to_reach(trajectory: dict, x_target: float, tol: float) -> int | None:
    """First step index k such that |x_t - x_target| <= tol for every t >= k, else None.

    "Reached" means the trajectory enters the tolerance band and stays there
    until the end; passing through it and leaving again does not count, and neither
    does a run that diverged afterwards.
    """
    if trajectory.get("diverged_at") is not None:
        return None
    xs = np.asarray(trajectory["x"], dtype=float)
    outside = np.flatnonzero(~(np.abs(xs - x_target) <= tol))  # NaN counts as outside
    if outside.size == 0:
        return 0
    k = int(outside[-1]) + 1
    return k if k < xs.size else None


def final_point(trajectory: dict) -> dict:
    """``final_x`` and ``final_J`` of a trajectory: None for a run that diverged (it has none)."""
    if trajectory["diverged_at"] is not None:
        return {"final_x": None, "final_J": None}
    return {"final_x": trajectory["x"][-1], "final_J": trajectory["J"][-1]}


def outcome(trajectory: dict) -> str:
    """One Spanish line for a job's log: where the run ends, or the step where it diverged."""
    if trajectory["diverged_at"] is not None:
        return (
            f"diverge en el paso {trajectory['diverged_at']}: x o J(x) deja de ser un número "
            f"finito (último valor finito: x = {trajectory['x'][-1]:.6g})"
        )
    return f"x final = {trajectory['x'][-1]:.6f}, J final = {trajectory['J'][-1]:.6f}"
