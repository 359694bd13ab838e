"""The report's one comparison rule: examples, and the properties every verdict must keep."""

import math
import statistics

import pytest
from helpers.common import FINDINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from optireport.analysis import compare

TIE = FINDINGS["tie"]


def stats(*values):
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


# --- examples --------------------------------------------------------------------------------


def test_three_seeds_against_three_separated_by_the_tie_are_ahead():
    a, b = stats(0.96, 0.965, 0.97), stats(0.95, 0.955, 0.958)
    assert compare.relation(a, b, TIE) == compare.AHEAD
    assert compare.relation(b, a, TIE) == compare.BEHIND
    found = compare.comparison(a, b, TIE)
    assert found == {"verdict": "ahead", "gap": 0.01, "chance": pytest.approx(1 / 20)}


def test_two_seeds_against_two_allow_no_verdict_however_far_apart():
    a, b = stats(0.97, 0.98), stats(0.10, 0.11)
    assert compare.chance(2, 2) == pytest.approx(1 / 6)
    assert not compare.seeds_allow(2, 2)
    assert compare.relation(a, b, TIE) == compare.TOO_FEW
    assert compare.relation(b, a, TIE) == compare.TOO_FEW
    # Unequal counts: two against four (1/15) is still too likely; two against five (1/21) is not.
    assert not compare.seeds_allow(2, 4) and compare.seeds_allow(2, 5)
    assert compare.relation(stats(0.97, 0.98), stats(0.1, 0.11, 0.12, 0.13, 0.14), TIE) == "ahead"


def test_one_result_is_always_too_few():
    # One against twenty would have chance 1/21, but a single run has no spread: no verdict.
    assert compare.chance(1, 20) == pytest.approx(1 / 21)
    assert not compare.seeds_allow(1, 20) and not compare.seeds_allow(20, 1)
    many = stats(*(0.1 + i / 1000 for i in range(20)))
    assert compare.relation(stats(0.99), many, TIE) == compare.TOO_FEW


def test_smallest_seed_count_is_three():
    assert compare.smallest_seed_count() == 3
    assert compare.seeds_allow(3, 3) and not compare.seeds_allow(2, 2)


def test_overlapping_ranges_are_unclear_even_with_medians_far_apart():
    a, b = stats(0.950, 0.970, 0.975), stats(0.940, 0.945, 0.951)
    assert compare.gap(a, b) == pytest.approx(0.025)
    assert compare.relation(a, b, TIE) == compare.UNCLEAR
    assert compare.relation(b, a, TIE) == compare.UNCLEAR


def test_separated_ranges_with_medians_closer_than_the_tie_are_unclear():
    a, b = stats(0.9601, 0.9602, 0.9603), stats(0.9570, 0.9580, 0.9600)
    assert compare.gap(a, b) == pytest.approx(0.0022)
    assert compare.relation(a, b, TIE) == compare.UNCLEAR


def test_ranges_touching_at_the_printed_precision_are_unclear():
    # 0.95004 and 0.95 both print as 0.9500: the reader sees the ranges touch.
    a, b = stats(0.95004, 0.97, 0.98), stats(0.93, 0.94, 0.95)
    assert compare.relation(a, b, TIE) == compare.UNCLEAR


def test_a_float32_gap_is_read_as_printed():
    # float32 0.9600 and 0.955000005: the medians differ by 0.004999995, printed 0.0050.
    a = stats(0.96, 0.96, 0.97)
    b = stats(0.95, 0.955000005, 0.955000005)
    assert a["median"] - b["median"] < 0.005
    assert compare.gap(a, b) == 0.005
    assert compare.relation(a, b, 0.005) == compare.AHEAD
    assert compare.relation(b, a, 0.005) == compare.BEHIND


@pytest.mark.parametrize(("a", "b"), [(None, "x"), ("x", None), (None, None)])
def test_a_side_without_results_is_missing(a, b):
    present = stats(0.9, 0.91, 0.92)
    a, b = (present if side == "x" else None for side in (a, b))
    assert compare.relation(a, b, TIE) == compare.MISSING
    assert compare.comparison(a, b, TIE) == {"verdict": "missing", "gap": None, "chance": None}


def test_leaders_pairs_and_missing():
    found = compare.leaders(
        {
            "A": stats(0.97, 0.975, 0.98),
            "B": stats(0.96, 0.97, 0.972),  # overlaps A: unclear, also a leader
            "C": stats(0.90, 0.91, 0.92),  # below A and B
            "D": None,
        },
        TIE,
    )
    assert found == {
        "order": ["A", "B", "C"],
        "leaders": ["A", "B"],
        "behind": ["C"],
        "beaten_by": {"C": ["A", "B"]},
        "missing": ["D"],
        "can_rank": True,
    }
    pairs = compare.pairs(["C", "A", "B"], {"A": stats(0.97, 0.975, 0.98), "C": None}, TIE)
    # The higher median first; a missing side keeps the given order.
    assert [(p["a"], p["b"], p["verdict"]) for p in pairs] == [
        ("C", "A", "missing"),
        ("C", "B", "missing"),
        ("A", "B", "missing"),
    ]
    table = compare.pairs(
        ["C", "A"], {"A": stats(0.97, 0.975, 0.98), "C": stats(0.9, 0.91, 0.92)}, TIE
    )
    assert table == [
        {"a": "A", "b": "C", "verdict": "ahead", "gap": 0.065, "chance": pytest.approx(0.05)}
    ]


def test_leaders_cannot_rank_with_two_seeds_each():
    found = compare.leaders({"A": stats(0.97, 0.98), "B": stats(0.1, 0.11)}, TIE)
    assert found["can_rank"] is False
    assert found["leaders"] == ["A", "B"] and found["behind"] == []
    alone = compare.leaders({"A": stats(0.97, 0.98, 0.99)}, TIE)
    assert alone["can_rank"] is False and alone["leaders"] == ["A"]


# --- properties ------------------------------------------------------------------------------

accuracy = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
# Values on a coarse grid make ties, touching ranges and exact tie-sized gaps common.
coarse = st.integers(min_value=0, max_value=400).map(lambda k: 0.9 + k / 4000)
values = st.lists(st.one_of(accuracy, coarse), min_size=1, max_size=7)
ties = st.sampled_from([0.0, 0.001, 0.005, 0.01])


@st.composite
def two_sets(draw):
    """Two sets of results; half the time the second is moved just below the first (touching,
    a hair apart, a tie apart or far apart), so clear verdicts are common too."""
    a, b = draw(values), draw(values)
    if draw(st.booleans()):
        step = draw(st.sampled_from([0.0, 0.00004, 0.0001, 0.004999995, 0.005, 0.02]))
        b = [x - max(b) + min(a) - step for x in b]
    return (a, b) if draw(st.booleans()) else (b, a)


@settings(derandomize=True, max_examples=200)
@given(two_sets(), ties)
def test_relation_is_antisymmetric(sets, tie):
    a, b = sets
    forward, backward = (
        compare.relation(stats(*a), stats(*b), tie),
        compare.relation(stats(*b), stats(*a), tie),
    )
    assert (forward == compare.AHEAD) == (backward == compare.BEHIND)
    assert (forward == compare.BEHIND) == (backward == compare.AHEAD)
    if forward in (compare.UNCLEAR, compare.TOO_FEW):
        assert backward == forward


@settings(derandomize=True, max_examples=200)
@given(two_sets(), ties)
def test_ahead_means_every_seed_beats_every_seed_by_at_least_the_tie(sets, tie):
    a, b = sets
    if compare.relation(stats(*a), stats(*b), tie) == compare.AHEAD:
        assert min(a) > max(b)
        assert statistics.median(a) > statistics.median(b)
        assert compare.gap(stats(*a), stats(*b)) >= tie
        assert compare.chance(len(a), len(b)) <= compare.CHANCE + 1e-12


@settings(derandomize=True, max_examples=200)
@given(two_sets(), ties)
def test_never_ahead_with_fewer_than_two_results(sets, tie):
    a, b = sets
    if min(len(a), len(b)) < 2:
        assert compare.relation(stats(*a), stats(*b), tie) == compare.TOO_FEW


@settings(derandomize=True, max_examples=200)
@given(two_sets(), ties)
def test_the_verdict_needs_only_the_seed_counts_to_allow_it(sets, tie):
    a, b = sets
    verdict = compare.relation(stats(*a), stats(*b), tie)
    assert (verdict == compare.TOO_FEW) == (not compare.seeds_allow(len(a), len(b)))


@settings(derandomize=True, max_examples=200)
@given(st.dictionaries(st.sampled_from("ABCDEF"), st.one_of(st.none(), values), max_size=6), ties)
def test_leaders_are_never_clearly_beaten(configurations, tie):
    table = {name: stats(*v) if v else None for name, v in configurations.items()}
    found = compare.leaders(table, tie)
    present = [name for name, s in table.items() if s]
    assert sorted(found["leaders"] + found["behind"]) == sorted(present)
    assert sorted(found["missing"]) == sorted(set(table) - set(present))
    for leader in found["leaders"]:
        assert all(
            compare.relation(table[other], table[leader], tie) != compare.AHEAD for other in present
        )
    for name in found["behind"]:
        assert found["beaten_by"][name]
        for other in found["beaten_by"][name]:
            assert compare.relation(table[other], table[name], tie) == compare.AHEAD
    if present:
        # Whoever has the highest median is never behind.
        assert found["order"][0] in found["leaders"]


@settings(derandomize=True, max_examples=200)
@given(st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_chance_is_one_over_the_ways_to_split_the_seeds(n_a, n_b):
    assert compare.chance(n_a, n_b) == 1 / math.comb(n_a + n_b, n_a)
    assert compare.chance(n_a, n_b) == compare.chance(n_b, n_a)
    # Brute force on small counts: one of the C(n_a + n_b, n_a) equally likely orders.
    if n_a + n_b <= 10:
        from itertools import combinations

        splits = list(combinations(range(n_a + n_b), n_a))
        top = tuple(range(n_b, n_a + n_b))
        assert compare.chance(n_a, n_b) == pytest.approx(
            sum(split == top for split in splits) / len(splits)
        )
