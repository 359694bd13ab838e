"""How the report writes numbers, lists and missing values (Spanish conventions)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

MISSING = "—"
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def or_missing(write: Callable[..., str]) -> Callable[..., str]:
    """``write`` for a value that may be missing: None or NaN becomes an em dash."""

    @wraps(write)
    def formatted(value, *args, **kwargs) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        return write(value, *args, **kwargs)

    return formatted


@or_missing
def decimal(value: float, digits: int = 4) -> str:
    """A number with a fixed count of decimals."""
    return f"{value:.{digits}f}"


@or_missing
def seconds(value: float) -> str:
    """Seconds as «12.3 s» or «2 min 05 s»."""
    if value < 90:
        return f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest:02d} s"


@or_missing
def magnitude(value: float, digits: int = 2) -> str:
    """A number of any size for prose: 63.4, 2.3·10⁸."""
    if not math.isfinite(value):
        return MISSING
    if value == 0 or 0.01 <= abs(value) < 10_000:
        return f"{value:.0f}" if abs(value) >= 10 else f"{value:.{digits}f}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPTS)}"


@or_missing
def epoch(value: float) -> str:
    """An epoch number (a median may be fractional: rounded)."""
    return str(round(value))


@or_missing
def signed(value: float, digits: int = 4) -> str:
    """A difference with its sign, «+0.0123»."""
    return f"{value:+.{digits}f}"


def rate(value: float) -> str:
    """A learning rate in plain notation: 0.001, 0.0316, 3.16, 1000."""
    if value >= 1000:
        return f"{value:.0f}"
    return f"{value:.3g}" if value >= 1e-4 else f"{value:.1e}"


def thousands(value: int) -> str:
    """Spanish digit grouping: 35 090 with a thin space; four-digit numbers stay whole (1000)."""
    return f"{value:,}".replace(",", "\u202f") if abs(value) >= 10_000 else str(value)


def spanish_list(items) -> str:
    """«A», «A y B», «A, B y C»."""
    items = [str(item) for item in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """«1 época», «3 épocas»."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def median(stats: dict | None) -> float | None:
    """The median of a statistics record from the summary; None when no run gave a value."""
    return stats["median"] if stats else None


def spread(stats: dict | None, digits: int = 4) -> str:
    """«median [min, max]» of a statistics record; the value alone when one run gave it; an
    em dash when none did."""
    if not stats:
        return MISSING
    low, high = decimal(stats["min"], digits), decimal(stats["max"], digits)
    if stats["n"] == 1 or low == high:
        return decimal(stats["median"], digits)
    return f"{decimal(stats['median'], digits)} [{low}, {high}]"


def interval(stats: dict | None, digits: int = 4) -> str:
    """«min–max» of a statistics record; an em dash without values or with only one (a
    single run has no range)."""
    if not stats or stats["n"] < 2:
        return MISSING
    low, high = decimal(stats["min"], digits), decimal(stats["max"], digits)
    return low if low == high else f"{low}–{high}"
