"""The report's one comparison rule: when one set of runs is clearly better than another.

Every comparison of test accuracy in the report (optimizers, inputs, batch sizes, momentum,
tuned rates, early stopping) goes through :func:`relation`, on the seed statistics of two
configurations (``median``, ``min``, ``max``, ``n``). Configuration A is **clearly ahead** of
B when all three hold:

1. the seed counts allow a verdict: each side has at least two results, and if A and B were
   equivalent, every seed of A beating every seed of B would happen with probability
   ``1 / C(n_A + n_B, n_A)`` (an exact permutation argument), which must be at most
   :data:`CHANCE`; with 3 seeds against 3 it is 1/20, with 2 against 2 it is 1/6 (too likely);
2. every seed of A beats every seed of B (the ranges do not touch);
3. the medians differ by at least ``findings.tie``, the smallest difference the report counts.

Values are compared at the precision the report prints (:data:`DIGITS` decimals), so a float32
0.004999995 reads as the 0.0050 the reader sees. Otherwise there is **no clear difference**
(``unclear``), which never means "equal"; or the seeds do not allow any verdict (``too_few``);
or one side has no result (``missing``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

CHANCE = 0.05
DIGITS = 4

AHEAD, BEHIND, UNCLEAR, TOO_FEW, MISSING = "ahead", "behind", "unclear", "too_few", "missing"


def chance(n_a: int, n_b: int) -> float:
    """Probability that every one of ``n_a`` runs beats every one of ``n_b`` by chance alone."""
    return 1.0 / math.comb(n_a + n_b, n_a)


def seeds_allow(n_a: int, n_b: int) -> bool:
    """Whether ``n_a`` against ``n_b`` results can ever show a clear difference."""
    return min(n_a, n_b) >= 2 and chance(n_a, n_b) <= CHANCE * (1 + 1e-9)


def smallest_seed_count() -> int:
    """The fewest seeds per side (equal on both) with which the rule can show a difference."""
    return next(n for n in range(2, 100) if seeds_allow(n, n))


def gap(a: Mapping, b: Mapping) -> float:
    """Difference of the medians as printed (``DIGITS`` decimals)."""
    return round(round(a["median"], DIGITS) - round(b["median"], DIGITS), DIGITS)


def relation(a: Mapping | None, b: Mapping | None, tie: float) -> str:
    """How ``a`` compares with ``b``: ``ahead``, ``behind``, ``unclear``, ``too_few`` or
    ``missing`` (see the module's docstring for the rule)."""
    if not a or not b:
        return MISSING
    if not seeds_allow(a["n"], b["n"]):
        return TOO_FEW
    difference = gap(a, b)
    if round(a["min"], DIGITS) > round(b["max"], DIGITS) and difference >= tie:
        return AHEAD
    if round(b["min"], DIGITS) > round(a["max"], DIGITS) and -difference >= tie:
        return BEHIND
    return UNCLEAR


def comparison(a: Mapping | None, b: Mapping | None, tie: float) -> dict:
    """``relation`` with its evidence: the medians' gap and the chance the rule allows."""
    verdict = relation(a, b, tie)
    return {
        "verdict": verdict,
        "gap": gap(a, b) if a and b else None,
        "chance": chance(a["n"], b["n"]) if a and b else None,
    }


def leaders(stats: Mapping[str, Mapping | None], tie: float) -> dict:
    """Who is ahead, as far as the rule allows, among named configurations.

    ``stats`` maps a name to its test-accuracy statistics (None: no result). ``leaders`` are
    those nobody is clearly ahead of (by median, highest first); ``beaten_by`` maps every
    other name to who is clearly ahead of it; ``can_rank`` is False when the seed counts
    allow no verdict between any two of them (then nobody is ranked at all).
    """
    present = {name: s for name, s in stats.items() if s}
    order = sorted(present, key=lambda name: present[name]["median"], reverse=True)
    beaten_by = {
        name: [other for other in order if relation(present[other], present[name], tie) == AHEAD]
        for name in order
    }
    can_rank = any(
        seeds_allow(present[a]["n"], present[b]["n"]) for a in order for b in order if a != b
    )
    return {
        "order": order,
        "leaders": [name for name in order if not beaten_by[name]],
        "behind": [name for name in order if beaten_by[name]],
        "beaten_by": {name: ahead for name, ahead in beaten_by.items() if ahead},
        "missing": [name for name, s in stats.items() if not s],
        "can_rank": can_rank and len(order) > 1,
    }


def pairs(names: Sequence[str], stats: Mapping[str, Mapping | None], tie: float) -> list[dict]:
    """Every pair's verdict, higher median first: the one table all chapters read."""
    result = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            first, second = (a, b)
            if stats.get(b) and stats.get(a) and stats[b]["median"] > stats[a]["median"]:
                first, second = b, a
            result.append(
                {"a": first, "b": second, **comparison(stats.get(first), stats.get(second), tie)}
            )
    return result
