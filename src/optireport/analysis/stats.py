"""The statistics every chapter shares, and the words for a run's state.

Words, one meaning each:

- a run **diverged** when its loss or weights stopped being finite;
- a run **collapsed** when it did not diverge but answers one digit for at least
  ``findings.collapse_share`` of the test images (the share comes from the config, always);
- a group of runs (the seeds of one configuration) **learns** when some run neither diverged
  nor collapsed.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping


def finite(value: float | None) -> float | None:
    """The value when it is a finite number, otherwise None (JSON has no NaN)."""
    return value if isinstance(value, int | float) and math.isfinite(value) else None


def spread(values: Iterable[float | None]) -> dict | None:
    """Median, range and count of the finite values, or None when there are none."""
    numbers = [v for v in values if finite(v) is not None]
    if not numbers:
        return None
    return {
        "median": statistics.median(numbers),
        "min": min(numbers),
        "max": max(numbers),
        "n": len(numbers),
    }


def collapsed(run: Mapping, share: float) -> bool:
    """The run did not diverge but answers one digit for at least ``share`` of the images."""
    answered = run.get("majority_prediction_share")
    return not run.get("diverged") and answered is not None and answered >= share


def learns(group: Mapping) -> bool:
    """Some seed of the group neither diverged nor collapsed (it has a test accuracy)."""
    failed = group["collapsed_runs"] + group["diverged_runs"]
    return failed < len(group["seeds"]) and bool(group["test_accuracy"])
