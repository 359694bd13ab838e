"""Property-based tests: whatever results a configuration produces, the report's text follows
its one comparison rule, quotes its numbers and thresholds as they are, and agrees with itself.

Each example is a whole summary drawn by ``helpers.synthetic.summaries`` on top of the quick
build's real summary; every template is rendered and its text checked against the data with a
statement of the rule written here independently of ``optireport.analysis.compare`` (from the
runs' values, not from their statistics).
"""

from __future__ import annotations

import json
import math
import re
import statistics

import pytest
from helpers.synthetic import summaries
from hypothesis import HealthCheck, find, given, seed, settings
from hypothesis import strategies as st

from optireport.report import document
from optireport.store.paths import ROOT
from optireport.text import labels
from optireport.text.formats import decimal

TEMPLATES = ROOT / "templates"
# A fixed seed and a bounded number of examples: the same cases on every run, within ~2 min.
EXAMPLES = 40
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def base(built_report) -> dict:
    return json.loads(built_report.summary.read_text(encoding="utf-8"))


def render(summary: dict) -> str:
    env = document.environment(TEMPLATES)
    return env.get_template("informe.qmd.j2").render(document.context(summary))


# --- the rule, restated from the runs' values ------------------------------------------------


def values(summary: dict, optimizer: str, variant: str) -> list[float]:
    return [
        round(t["test_accuracy"], 4)
        for t in summary["trainings"]
        if t["optimizer"] == optimizer
        and t["variant"] == variant
        and not t["diverged"]
        and t["test_accuracy"] is not None
    ]


def clearly_ahead(a: list[float], b: list[float], tie: float) -> bool:
    """Every run of ``a`` beats every run of ``b``, the medians differ by ``tie`` or more, and
    such a separation would have at most a 5 % chance without any difference."""
    if min(len(a), len(b)) < 2 or 1 / math.comb(len(a) + len(b), len(a)) > 0.05 + 1e-12:
        return False
    gap = round(round(statistics.median(a), 4) - round(statistics.median(b), 4), 4)
    return min(a) > max(b) and gap >= tie


def learners(summary: dict, variant: str) -> list[str]:
    groups = [g for g in summary["training_groups"] if g["variant"] == variant]
    return [
        g["optimizer"]
        for g in groups
        if g["test_accuracy"] and g["collapsed_runs"] + g["diverged_runs"] < len(g["seeds"])
    ]


NAME = r"\*\*(\w+)\*\*"
VARIANT_BY_NAME = {name: key for key, name in labels.VARIANT_NAMES.items()}


def problems(summary: dict, text: str) -> list[str]:
    """Every way ``text`` contradicts the data or its own rule (empty when it is true)."""
    found = []
    tie = summary["config"]["findings"]["tie"]
    n_seeds = len(summary["config"]["training"]["seeds"])

    def ahead(variant: str, a: str, b: str) -> bool:
        return clearly_ahead(values(summary, a, variant), values(summary, b, variant), tie)

    # Never "equal" where the data only fails to show a difference.
    for word in ("empat", "la misma exactitud", "son iguales"):
        if word in text.lower():
            found.append(f"«{word}» aparece")
    # Singular and plural agree with the count.
    for pattern in (r"\b1 (épocas|semillas|entrenamientos|casos|puntos)\b", r"\b(las|los) 1\b"):
        for match in re.finditer(pattern, text):
            found.append(f"concordancia: «{match.group(0)}»")
    # With one seed, no range anywhere.
    # A range is never a single value written twice.
    for match in re.finditer(r"de (\d\.\d{4}) a \1\b|\b(\d\.\d{4})–\2\b|\[(\d\.\d{4}), \3\]", text):
        found.append(f"rango de un solo valor: «{match.group(0)}»")
    if n_seeds == 1:
        for pattern in (
            r"de \d\.\d{4} a \d\.\d{4}",
            r"\d\.\d{4}–\d\.\d{4}",
            r"\[\d\.\d{4}, \d\.\d{4}\]",
        ):
            for match in re.finditer(pattern, text):
                found.append(f"rango con una semilla: «{match.group(0)}»")
    # Everything but the statement of the rule itself (which says what «con claridad» means).
    rule_start = text.find("Una configuración supera **con claridad** a otra")
    rule_end = text.find("## Resultados en el conjunto de prueba")
    assert 0 <= rule_start < rule_end, "la regla de comparación no se enuncia"
    claims_text = text[:rule_start] + text[rule_end:]
    if n_seeds < 3:
        for word in ("con claridad", "claramente"):
            if word in claims_text:
                found.append(f"«{word}» con {n_seeds} semillas")
    # Clear differences named in the comparison chapter (raw input) and the conclusions.
    for match in re.finditer(
        NAME + r" \([^)]*\) supera con claridad (a todos los demás|al otro)", text
    ):
        leader = match.group(1)
        for other in learners(summary, "raw"):
            if other != leader and not ahead("raw", leader, other):
                found.append(f"{leader} «supera con claridad» a {other} sin que la regla lo diga")
    for match in re.finditer(r"\*\*Con la (.+?), (\w+) supera con claridad a los demás\*\*", text):
        variant = VARIANT_BY_NAME[match.group(1)]
        for other in learners(summary, variant):
            if other != match.group(2) and not ahead(variant, match.group(2), other):
                found.append(f"conclusión: {match.group(2)} no supera con claridad a {other}")
    for match in re.finditer(
        r"((?:\*\*\w+\*\* \([^)]*\)(?:, | y )?)+) quedan? claramente por detrás de ([^.]+)\.", text
    ):
        behind = re.findall(NAME, match.group(1))
        leaders = [name.strip() for name in re.split(r", | y ", match.group(2))]
        for b in behind:
            for a in leaders:
                if not ahead("raw", a, b):
                    found.append(f"{b} «claramente por detrás» de {a} sin que la regla lo diga")
    # Leaders said to have no clear difference between them.
    for match in re.finditer(
        r"\*\*Con la (.+?), en cabeza quedan ([^*]+)\*\*, sin una diferencia clara", text
    ):
        variant = VARIANT_BY_NAME[match.group(1)]
        names = [n.strip() for n in re.split(r", | y ", match.group(2))]
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if ahead(variant, a, b) or ahead(variant, b, a):
                    found.append(f"conclusión: {a} y {b} «sin diferencia clara» pero la hay")
    # The comparison table quotes each median and range as the data gives them.
    start = text.find("::: {#tbl-comparacion}")
    table = text[start : text.find(":::", start + 3)]
    for g in summary["training_groups"]:
        if g["variant"] != "raw" or not g["test_accuracy"]:
            continue
        stats = g["test_accuracy"]
        row = re.search(rf"^\| {g['optimizer']}\b[^|]*\| ([^|]+) \| ([^|]+) \|", table, re.M)
        if row is None:
            found.append(f"{g['optimizer']} no está en la tabla de comparación")
            continue
        if row.group(1).strip() != decimal(stats["median"]):
            found.append(f"{g['optimizer']}: mediana {row.group(1)} ≠ {decimal(stats['median'])}")
        low, high = decimal(stats["min"]), decimal(stats["max"])
        expected = "—" if stats["n"] < 2 else (low if low == high else f"{low}–{high}")
        if row.group(2).strip() != expected:
            found.append(f"{g['optimizer']}: rango {row.group(2)} ≠ {expected}")
    # The configured thresholds are quoted where they decide.
    if f"difieren al menos {tie}" not in text:
        found.append(f"el umbral {tie} no se cita en la regla")
    return found


# --- the properties ---------------------------------------------------------------------------


@seed(2026)
@PROPERTY
@given(data=st.data())
def test_every_result_set_reads_true(base, data):
    summary = data.draw(summaries(base))
    text = render(summary)
    assert problems(summary, text) == []


def naive_ranking(summary: dict) -> dict:
    """A wrong rule to plant: the highest median is "clearly" best, whatever the seeds say."""
    planted = json.loads(json.dumps(summary["findings"]["ranking"]["raw"]))
    order = planted["order"]
    planted.update(
        can_rank=True,
        leaders=order[:1],
        behind=order[1:],
        beaten_by={name: order[:1] for name in order[1:]},
    )
    return planted


def test_a_planted_contradiction_is_caught(base):
    """The checks can fail: with the conclusions and the ranking decided by a naive rule, an
    example where that rule disagrees with the real one is reported."""

    def disagrees(summary: dict) -> bool:
        ranking = summary["findings"]["ranking"]["raw"]
        first, *others = ranking["order"] or [None]
        return any(first not in ranking["beaten_by"].get(name, []) for name in others)

    example = find(summaries(base), disagrees, settings=settings(database=None, max_examples=500))
    assert problems(example, render(example)) == []
    example["findings"]["ranking"]["raw"] = naive_ranking(example)
    assert problems(example, render(example))
