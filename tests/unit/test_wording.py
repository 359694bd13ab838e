"""One test per rule that decides how the report words a comparison."""

import pytest
from helpers.common import FINDINGS

from optireport.analysis import compare
from optireport.report import wording

TH = dict(FINDINGS)


def group(name, accuracies, *, variant="raw", collapsed=0, diverged=0, reached=None, digit=1):
    values = [a for a in accuracies if a is not None]
    stats = (
        {"median": sorted(values)[len(values) // 2], "min": min(values), "max": max(values)}
        if values
        else None
    )
    if stats:
        stats["n"] = len(values)
    seeds = list(range(1, len(accuracies) + 1))
    return {
        "optimizer": name,
        "variant": variant,
        "seeds": seeds,
        "test_accuracy": stats,
        "collapsed_runs": collapsed,
        "diverged_runs": diverged,
        "collapsed": [
            {"seed": s, "digit": digit, "share": 1.0, "label_share": 0.1135}
            for s in seeds[:collapsed]
        ],
        "reached_target_runs": len(seeds) if reached is None else reached,
        "per_seed": [],
    }


def test_tie_rule_medians_closer_than_threshold():
    adam = group("Adam", [0.960, 0.963, 0.966])
    rms = group("RMSprop", [0.955, 0.961, 0.970])
    assert compare.relation(adam, rms, TH["tie"]) == compare.TIE
    text = wording.ranking_sentence([adam, rms], TH)
    assert "**Adam** y **RMSprop**, empatados" in text
    assert "mejor" not in text


def test_overlap_rule_ranges_overlap_but_medians_apart():
    adam = group("Adam", [0.950, 0.965, 0.970])
    rms = group("RMSprop", [0.940, 0.952, 0.956])
    assert compare.relation(adam, rms, TH["tie"]) == compare.OVERLAP
    assert compare.tiers([adam, rms], TH["tie"]) == [[adam, rms]]
    text = wording.ranking_sentence([rms, adam], TH)
    assert "sin orden claro" in text and "se solapan" in text
    assert text.index("Adam") < text.index("RMSprop")


def test_ahead_rule_every_seed_better():
    adam = group("Adam", [0.96, 0.965, 0.97])
    ada = group("Adagrad", [0.90, 0.91, 0.92])
    assert compare.relation(adam, ada, TH["tie"]) == compare.AHEAD
    text = wording.ranking_sentence([ada, adam], TH)
    assert text.startswith("En cabeza queda **Adam**")
    assert "por encima de los demás con todas las semillas" in text
    assert "Después, por debajo con todas las semillas, **Adagrad**" in text


def test_a_tier_is_joined_through_any_member():
    # C overlaps B (second of the top tier) though not A: it cannot be ranked below the tier.
    a = group("A", [0.97, 0.975, 0.98])
    b = group("B", [0.95, 0.96, 0.972])
    c = group("C", [0.93, 0.945, 0.951])
    assert [[g["optimizer"] for g in t] for t in compare.tiers([a, b, c], TH["tie"])] == [
        ["A", "B", "C"]
    ]


def test_collapse_rule_is_stated_apart_from_the_ranking():
    adam = group("Adam", [0.96, 0.965, 0.97])
    sgd = group("SGD", [0.1135, 0.1135, 0.1135], collapsed=3)
    assert compare.tiers([adam, sgd], TH["tie"]) == [[adam]]
    text = wording.ranking_sentence([adam, sgd], TH)
    assert "**SGD** colapsa con las tres semillas: responde el 1" in text
    assert "(0.1135)" in text
    partial = group("SGD", [0.1135, 0.90, 0.91], collapsed=1)
    assert "colapsa con 1 de sus 3 semillas" in wording.collapse_sentence(partial)
    diverged = group("SGD", [None, None, 0.9], diverged=2)
    assert "diverge con 2 de sus 3 semillas" in wording.collapse_sentence(diverged)
    assert wording.collapse_sentence(adam) == ""


def test_single_seed_ranking_is_flagged_inconclusive():
    text = wording.ranking_sentence([group("Adam", [0.96]), group("SGD", [0.90])], TH)
    assert "ningún orden es concluyente" in text


def test_never_reached_rule():
    names = {"raw": "entrada sin escalar"}
    groups = [group("Adam", [0.96, 0.97]), group("SGD", [0.11, 0.11], reached=0)]
    assert wording.never_reached_sentence(groups, 0.95, names) == (
        "Con la entrada sin escalar, SGD no alcanza nunca una exactitud de validación de 0.95, "
        "con ninguna semilla."
    )
    assert wording.never_reached_sentence(groups[:1], 0.95, names) == ""


def test_reference_positions_grouped_by_where_they_fall():
    runs = {
        "Adam": [{"test_accuracy": a, "test_loss": 0.2} for a in (0.95, 0.955, 0.96)],
        # float32 0.1135, as the trainings record it: equal at the printed precision.
        "SGD": [{"test_accuracy": 0.11349999904632568, "test_loss": 2.301} for _ in range(3)],
        "Adagrad": [{"test_accuracy": a, "test_loss": 0.5} for a in (0.86, 0.865, 0.868)],
    }
    reference = {
        "Adam": {"accuracy": 0.9633, "loss": 0.1586},
        "SGD": {"accuracy": 0.1135, "loss": 2.3024},
        "Adagrad": {"accuracy": 0.8699, "loss": None},
    }
    text = " ".join(wording.reference_sentences({}, runs, reference))
    assert "La exactitud de 2019 de Adam (0.9633; nuestras semillas, de 0.9500 a 0.9600) y " in text
    assert "Adagrad (0.8699" in text and "quedan por encima de todas nuestras semillas" in text
    assert "SGD (0.1135) coincide con la de todas nuestras semillas." in text
    assert "La pérdida de 2019 de Adam (0.1586" in text and "queda por debajo" in text
    assert wording.position(0.5, [0.4, 0.6]) == "within"
    assert wording.position(0.1135, [0.11349999904632568]) == "equal"
    assert wording.position(0.11351, [0.1135, 0.1135]) == "equal"
    assert wording.position(0.1136, [0.1135]) == "above"


def test_overfitting_rule_needs_every_seed():
    def seeds(*pairs):
        return [
            {"min_val_loss_epoch": e, "min_val_loss": lo, "final_val_loss": hi}
            for e, lo, hi in pairs
        ]

    adam = {"optimizer": "Adam", "per_seed": seeds((7, 0.1, 0.3), (9, 0.11, 0.2))}
    ada = {"optimizer": "Adagrad", "per_seed": seeds((70, 0.3, 0.3), (12, 0.2, 0.5))}
    assert wording.overfitting_groups([adam, ada], 1.5) == [adam]
    text = wording.overfitting_sentence([adam, ada], 1.5)
    assert text.startswith("Adam (mínimo en las épocas 7 y 9, según la semilla")
    assert "entre 1.8 y 3.0 veces" in text and "sobreajusta:" in text
    # Adagrad rises to 2.5 times its minimum with one seed of two: said, but not as overfitting.
    partial = "En Adagrad la pérdida de validación también sube después de su mínimo, pero llega "
    partial += "a 1.5 veces ese valor solo con 1 de sus 2 semillas (al final, entre 1.00 y 2.50 "
    assert text.endswith(partial + "veces el mínimo).")
    alone = wording.overfitting_sentence([ada], 1.5)
    assert "no hay un sobreajuste claro" in alone and partial in alone
    assert "Adagrad" not in wording.overfitting_sentence([adam], 1.5)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (
            [group("Adam", [0.96, 0.965, 0.97]), group("Adagrad", [0.9, 0.91, 0.92])],
            "**Con la entrada X, Adam es el mejor con todas las semillas**",
        ),
        (
            [group("Adam", [0.96, 0.963, 0.966]), group("RMSprop", [0.955, 0.961, 0.97])],
            "**Con la entrada X, Adam y RMSprop quedan en cabeza, empatados**",
        ),
        (
            [group("Adam", [0.96, 0.965, 0.97]), group("SGD", [0.11] * 3, collapsed=3)],
            "**Con la entrada X, solo aprende Adam** (exactitud en prueba 0.9650). SGD colapsa",
        ),
    ],
)
def test_leaders_sentence(groups, expected):
    assert wording.leaders_sentence(groups, TH, "entrada X").startswith(expected)


def run(start, lr, it, x, step, reached=False):
    """One plain gradient-descent run as the summary records it."""
    return {
        "start": start,
        "learning_rate": lr,
        "iterations": it,
        "final_x": x,
        "last_step": step,
        "reached_global_min": reached,
    }


def test_gd_run_sentences_describe_what_changed():
    runs = [
        run(1.5, 0.01, 10, 1.9, 3e-2),
        run(1.5, 0.01, 100, 2.17, 1e-9, reached=True),
        run(1.5, 0.001, 100, 1.54, 1e-3),
        run(-2.0, 0.01, 100, -1.34, 1e-9),
        run(-2.0, 0.01, 1000, -1.34, 1e-12),
    ]
    sentences = wording.gd_run_sentences(runs)
    assert len(sentences) == 5
    assert "le faltan iteraciones" in sentences[0]
    assert sentences[1].startswith("La ejecución 2 repite la 1 con 100 pasos en lugar de 10")
    assert "llega al mínimo global" in sentences[1]
    assert sentences[2].startswith("En la ejecución 3, la tasa es 10 veces menor")
    assert "Queda cerca de donde terminó la ejecución 1" not in sentences[2]
    assert sentences[3].startswith("Desde otro punto de partida, $x_0 = -2.0$ (ejecución 4")
    assert "un mínimo local" in sentences[3]
    assert "termina en el mismo punto" in sentences[4]
    # No two runs share a sentence frame.
    assert len({s.split(",")[0][:25] for s in sentences}) == 5


def test_left_interval():
    variants = [
        {"method": "gd", "x_min": -2.0, "x_max": -1.3},
        {"method": "momentum", "x_min": -2.0, "x_max": 2.586},
        {"method": "adam", "x_min": None, "x_max": None},
    ]
    assert [v["method"] for v in wording.left_interval(variants, [-2.5, 2.5])] == ["momentum"]


def test_gd_lessons_follow_the_runs():
    moving = run(1.5, 0.01, 10, 1.93, 7e-2)
    same_budget = run(1.5, 0.001, 100, 1.97, 6e-3)
    stuck = run(-2.0, 0.01, 100, -1.355, 2e-7)
    sentences = wording.gd_run_sentences([moving, run(1.5, 0.01, 100, 2.19, 0, True), same_budget])
    assert "Queda cerca de donde terminó la ejecución 1 ($x = 1.930$)" in sentences[2]
    lessons = wording.gd_lessons([moving, same_budget, stuck])
    assert len(lessons) == 3 and "diez veces más pasos" in lessons[1]
    assert wording.gd_lessons([run(1.5, 0.01, 100, 2.19, 0, True)]) == []
    far = run(1.5, 0.001, 100, 1.6, 6e-3)  # same budget, but ends far from the first run
    assert wording.gd_lessons([moving, far]) == [
        "Con pocos pasos, el recorrido se queda a medio camino."
    ]


def test_follows_labels_compares_shares_digit_by_digit():
    labels = [100] * 10
    assert wording.follows_labels(
        {"prediction_counts": [98] * 5 + [102] * 5, "label_counts": labels}
    )
    collapsed = {"prediction_counts": [0, 1000] + [0] * 8, "label_counts": labels}
    assert not wording.follows_labels(collapsed)
    assert not wording.follows_labels({"prediction_counts": None, "label_counts": labels})
