"""How two configurations compare on test accuracy, from their seed statistics.

- **tie**: two medians closer than ``findings.tie`` are a tie;
- **overlap**: farther apart, but the seed ranges overlap: the order is not supported;
- **ahead**: one configuration beats the other with every seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from optireport.analysis.stats import learns

TIE, OVERLAP, AHEAD = "tie", "overlap", "ahead"


def relation(a: Mapping, b: Mapping, tie: float) -> str:
    """How test accuracy compares between two groups (``a`` has the higher median).

    ``tie`` when the medians differ by less than ``tie``; ``overlap`` when they differ more
    but some seed of ``b`` scores at least as well as some seed of ``a``; ``ahead`` when every
    seed of ``a`` beats every seed of ``b``.
    """
    sa, sb = a["test_accuracy"], b["test_accuracy"]
    if abs(sa["median"] - sb["median"]) < tie:
        return TIE
    if min(sa["max"], sb["max"]) >= max(sa["min"], sb["min"]):
        return OVERLAP
    return AHEAD


def tiers(groups: Sequence[Mapping], tie: float) -> list[list[Mapping]]:
    """Groups ordered by median test accuracy and cut where the data supports an order.

    A group joins the tier above when it ties or overlaps with any member of that tier;
    groups that do not learn are left out (they are stated on their own).
    """
    ranked = sorted(
        (g for g in groups if learns(g)),
        key=lambda g: g["test_accuracy"]["median"],
        reverse=True,
    )
    result: list[list[Mapping]] = []
    for group in ranked:
        if result and any(relation(member, group, tie) != AHEAD for member in result[-1]):
            result[-1].append(group)
        else:
            result.append([group])
    return result
