"""One test per rule that decides how the report words a comparison."""

import pytest
from helpers.common import FINDINGS

from optireport.analysis import summary
from optireport.report import wording

TH = dict(FINDINGS)


def group(
    name, accuracies, *, variant="raw", collapsed=0, diverged=0, reached=None, digit=1, digits=None
):
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
            {
                "seed": s,
                "digit": digits[s - 1] if digits else digit,
                "test_accuracy": accuracies[s - 1],
                "share": 1.0,
                "label_share": 0.1135,
            }
            for s in seeds[:collapsed]
        ],
        "reached_target_runs": len(seeds) if reached is None else reached,
        "per_seed": [],
    }


def ranked(*groups):
    """The ranking sentence of these groups, from the ranking the summary computes."""
    return wording.ranking_sentence(summary.ranking(groups, TH["tie"]), groups)


def test_rule_sentence_states_the_rule_and_what_the_seeds_allow():
    rule = {
        "tie": 0.005,
        "chance": 0.05,
        "seed_counts": [3],
        "chance_at": {"3": 0.05},
        "can_rank": True,
        "seeds_needed": 3,
    }
    text = wording.rule_sentence(rule)
    assert text.startswith("Una configuración supera **con claridad** a otra cuando todas")
    assert "sus medianas difieren al menos 0.005." in text
    assert "no pasa del 5 %" in text and "**no hay una diferencia clara**" in text
    assert text.endswith("Con tres semillas por configuración, esa probabilidad es de 1 entre 20.")
    two = {**rule, "seed_counts": [2], "chance_at": {"2": 1 / 6}, "can_rank": False}
    assert wording.rule_sentence(two).endswith(
        "Con dos semillas por configuración, ninguna diferencia puede darse por clara (hacen "
        "falta al menos 3 semillas por configuración): el informe da los valores, pero no "
        "ordena las configuraciones."
    )
    # Mixed seed counts (a diverged seed) and no results: the rule alone.
    assert wording.rule_sentence({**rule, "seed_counts": [2, 3]}).endswith("distinguirlas.")
    assert wording.rule_sentence({**rule, "seed_counts": []}).endswith("distinguirlas.")


def test_no_clear_difference_when_ranges_overlap():
    adam = group("Adam", [0.960, 0.963, 0.966])
    rms = group("RMSprop", [0.955, 0.961, 0.970])
    assert ranked(adam, rms) == (
        "Entre **Adam** (mediana 0.9630, de 0.9600 a 0.9660) y **RMSprop** (mediana 0.9610, de "
        "0.9550 a 0.9700) no hay ninguna diferencia clara."
    )


def test_clearly_ahead_when_every_seed_beats_every_seed():
    adam = group("Adam", [0.96, 0.965, 0.97])
    ada = group("Adagrad", [0.90, 0.91, 0.92])
    sgd = group("SGD", [0.80, 0.81, 0.82])
    text = ranked(ada, sgd, adam)
    assert text.startswith(
        "**Adam** (mediana 0.9650, de 0.9600 a 0.9700) supera con claridad a todos los demás."
    )
    assert (
        "**Adagrad** (mediana 0.9100, de 0.9000 a 0.9200) queda claramente por detrás de Adam."
        in text
    )
    assert (
        "**SGD** (mediana 0.8100, de 0.8000 a 0.8200) queda claramente por detrás de Adam y "
        "Adagrad." in text
    )


def test_clearly_ahead_of_the_only_other_optimizer_reads_al():
    text = ranked(group("Adam", [0.96, 0.965, 0.97]), group("Adagrad", [0.90, 0.91, 0.92]))
    assert "supera con claridad al otro optimizador." in text


def test_leaders_without_a_clear_difference_and_those_behind_them():
    # A and B overlap; C is below both of them.
    a = group("A", [0.97, 0.975, 0.98])
    b = group("B", [0.96, 0.97, 0.972])
    c = group("C", [0.90, 0.91, 0.92])
    assert ranked(a, b, c) == (
        "En cabeza quedan **A** (mediana 0.9750, de 0.9700 a 0.9800) y **B** (mediana 0.9700, "
        "de 0.9600 a 0.9720): ningún otro los supera con claridad, y entre ellos no hay una "
        "diferencia clara. **C** (mediana 0.9100, de 0.9000 a 0.9200) queda claramente por "
        "detrás de A y B."
    )


def test_a_leader_need_not_beat_everybody_itself():
    # A (two seeds) is clearly ahead of B (five seeds), B of C (two seeds); A against C is too
    # few seeds: C is behind B only, and A leads without beating C itself.
    a = group("A", [0.98, 0.99])
    b = group("B", [0.95, 0.951, 0.952, 0.953, 0.954])
    c = group("C", [0.90, 0.91])
    found = summary.ranking([a, b, c], TH["tie"])
    assert found["leaders"] == ["A"] and found["beaten_by"] == {"B": ["A"], "C": ["B"]}
    text = wording.ranking_sentence(found, [a, b, c])
    assert text.startswith("En cabeza queda **A** (mediana 0.9900, de 0.9800 a 0.9900): ningún")
    assert "**C** (mediana 0.9100, de 0.9000 a 0.9100) queda claramente por detrás de B." in text


def test_collapse_is_stated_apart_from_the_ranking():
    adam = group("Adam", [0.96, 0.965, 0.97])
    sgd = group("SGD", [0.1135, 0.1135, 0.1135], collapsed=3)
    found = summary.ranking([adam, sgd], TH["tie"])
    assert found["order"] == ["Adam"] and found["failed"]["collapsed"] == ["SGD"]
    text = wording.ranking_sentence(found, [adam, sgd])
    assert text.startswith(
        "Solo aprende **Adam** (exactitud en prueba mediana 0.9650, de 0.9600 a 0.9700). "
        "**SGD** colapsa con las tres semillas: "
    )
    assert text.endswith(wording.collapse_sentence(sgd))
    assert "un solo dígito (el 1)" in text
    # The same digit and value with every seed: said once, and exactly the digit's share.
    assert "su exactitud en prueba (0.1135) es la proporción de ese dígito" in text
    assert "en el conjunto de prueba (0.1135)." in text


def test_collapse_sentence_goes_seed_by_seed():
    various = group("SGD", [0.1135, 0.0982, 0.91], collapsed=2, digits=[1, 0, 5])
    text = wording.collapse_sentence(various)
    assert text.startswith("**SGD** colapsa con 2 de sus 3 semillas: ")
    # Digit, accuracy and the digit's share of the test labels, each in seed order.
    assert "un solo dígito (el 1 con la semilla 1 y el 0 con la semilla 2)" in text
    assert "su exactitud en prueba (0.1135 y 0.0982)" in text
    assert text.endswith("en el conjunto de prueba (0.1135 y 0.1135).")
    one = group("SGD", [0.1135], collapsed=1)
    assert "colapsa con su única semilla" in wording.collapse_sentence(one)
    assert "la proporción de ese dígito" in wording.collapse_sentence(one)
    diverged = group("SGD", [None, None, 0.9], diverged=2)
    assert wording.collapse_sentence(diverged) == (
        "**SGD** diverge con 2 de sus 3 semillas (la pérdida deja de ser un número finito)."
    )
    both = group("SGD", [0.1135, None, None], collapsed=1, diverged=2)
    assert "; además, diverge con 2 de sus 3 semillas" in wording.collapse_sentence(both)
    assert wording.collapse_sentence(group("Adam", [0.96, 0.965, 0.97])) == ""


def test_seeds_that_allow_no_verdict_give_no_order():
    text = ranked(group("Adam", [0.96]), group("SGD", [0.90]))
    assert text == (
        "Con estas semillas la regla de comparación no permite ordenar los optimizadores "
        "(exactitudes en prueba: Adam 0.9600 y SGD 0.9000)."
    )
    two = ranked(group("Adam", [0.96, 0.97]), group("SGD", [0.10, 0.11]))
    assert two.startswith("Con estas semillas la regla de comparación no permite ordenar")
    assert "(medianas: Adam " in two


def test_nobody_learns():
    sgd = group("SGD", [0.1135, 0.1135, 0.1135], collapsed=3)
    rms = group("RMSprop", [None, None, None], diverged=3)
    text = ranked(sgd, rms)
    assert text.startswith("Ninguna configuración aprende: todas colapsan o divergen. **SGD**")
    assert "**RMSprop** diverge con las tres semillas" in text


def test_summary_of_and_seeds_phrase():
    assert wording.summary_of({"median": 0.9584, "min": 0.9561, "max": 0.96, "n": 3}) == (
        "mediana 0.9584, de 0.9561 a 0.9600"
    )
    assert wording.summary_of({"median": 0.9, "min": 0.9, "max": 0.9, "n": 1}) == "0.9000"
    same = {"median": 0.1135, "min": 0.11349999, "max": 0.1135, "n": 3}
    assert wording.summary_of(same) == "0.1135 con todas las semillas"
    assert [wording.seeds_phrase(n) for n in (1, 2, 3, 7)] == [
        "una semilla",
        "dos semillas",
        "tres semillas",
        "7 semillas",
    ]


def test_scaling_sentence_groups_the_verdicts():
    scaling = {
        "Adam": {"effect": "improves"},
        "SGD": {"effect": "improves"},
        "Adagrad": {"effect": "worsens"},
        "RMSprop": {"effect": "unclear"},
        "Nadam": {"effect": "too_few"},
        "Adadelta": {"effect": "both_fail"},
    }
    assert wording.scaling_sentence(scaling) == (
        "Escalar la entrada mejora con claridad la exactitud en prueba de Adam y SGD. "
        "Escalar la entrada la empeora con claridad en Adagrad. "
        "En RMSprop no hay una diferencia clara entre las dos entradas. "
        "En Nadam las semillas no bastan para comparar las dos entradas. "
        "Adadelta no aprende con ninguna de las dos entradas: sus exactitudes no dicen nada del "
        "escalado."
    )
    two = {"A": {"effect": "both_fail"}, "B": {"effect": "both_fail"}}
    assert wording.scaling_sentence(two).startswith("A y B no aprenden con ninguna")
    assert wording.scaling_sentence({}) == ""


def test_fastest_phrase_names_each_configuration_and_its_chapter():
    names = {"raw": "entrada sin escalar", "scaled": "entrada escalada"}
    fastest = {
        "epochs": 2.0,
        "configurations": [
            {"source": "main", "optimizer": "Adam", "variant": "scaled"},
            {"source": "tuned", "optimizer": "SGD", "variant": "raw", "learning_rate": 0.1},
            {
                "source": "invitation",
                "optimizer": "SGD",
                "variant": "scaled",
                "batch_size": 10,
                "args": {"momentum": 0.9, "nesterov": True},
            },
        ],
    }
    assert wording.fastest_phrase(fastest, names) == (
        "Adam con la entrada escalada, SGD con su tasa ajustada (0.1) y la entrada sin escalar "
        "(@sec-justa) y SGD con lotes de 10 y momento de Nesterov 0.9 y la entrada escalada "
        "(@sec-invitacion), en 2 épocas (mediana)"
    )
    paper = {
        "source": "invitation",
        "optimizer": "Adadelta",
        "variant": "scaled",
        "batch_size": None,
        "args": {"learning_rate": 1.0},
    }
    assert wording.configuration_phrase(paper, names) == (
        "Adadelta con tasa 1 y la entrada escalada (@sec-invitacion)"
    )
    one = {"epochs": 1, "configurations": [fastest["configurations"][0]]}
    assert wording.fastest_phrase(one, names).endswith("en 1 época (mediana)")


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
    assert "Las exactitudes de 2019 de Adam (0.9633; nuestras semillas, de 0.9500 a 0.9600)" in text
    assert "Adagrad (0.8699" in text and "quedan por encima de todas nuestras semillas" in text
    assert "SGD (0.1135) coincide con la de todas nuestras semillas." in text
    assert "La pérdida de 2019 de Adam (0.1586" in text and "queda por debajo" in text
    assert wording.position(0.5, [0.4, 0.6]) == "within"
    assert wording.position(0.1135, [0.11349999904632568]) == "equal"
    assert wording.position(0.11351, [0.1135, 0.1135]) == "equal"
    assert wording.position(0.1136, [0.1135]) == "above"


def test_reference_sentences_with_one_seed_speak_of_our_seed():
    runs = {
        "Adam": [{"test_accuracy": 0.95, "test_loss": 0.2}],
        "SGD": [{"test_accuracy": 0.1135, "test_loss": 2.301}],
    }
    reference = {"Adam": {"accuracy": 0.9633}, "SGD": {"accuracy": 0.1135, "loss": 2.3024}}
    assert wording.reference_sentences({}, runs, reference) == [
        "La exactitud de 2019 de Adam (0.9633; nuestra semilla, 0.9500) queda por encima de "
        "nuestra semilla.",
        "La exactitud de 2019 de SGD (0.1135) coincide con la de nuestra semilla.",
        "La pérdida de 2019 de SGD (2.3024; nuestra semilla, 2.3010) queda por encima de "
        "nuestra semilla.",
    ]


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
            "**Con la entrada X, Adam supera con claridad a los demás** (exactitud en prueba "
            "mediana 0.9650, de 0.9600 a 0.9700).",
        ),
        (
            [group("Adam", [0.96, 0.963, 0.966]), group("RMSprop", [0.955, 0.961, 0.97])],
            "**Con la entrada X, en cabeza quedan Adam y RMSprop**, sin una diferencia clara "
            "entre ellos (medianas: 0.9630 y 0.9610).",
        ),
        (
            [
                group("A", [0.97, 0.975, 0.98]),
                group("B", [0.96, 0.97, 0.972]),
                group("C", [0.90, 0.91, 0.92]),
            ],
            "**Con la entrada X, en cabeza quedan A y B**, sin una diferencia clara entre ellos "
            "(medianas: 0.9750 y 0.9700); C queda claramente por detrás.",
        ),
        (
            [group("Adam", [0.96, 0.965, 0.97]), group("SGD", [0.11] * 3, collapsed=3)],
            "**Con la entrada X, solo aprende Adam** (exactitud en prueba mediana 0.9650, de "
            "0.9600 a 0.9700). SGD colapsa.",
        ),
        (
            [group("Adam", [0.96, 0.97]), group("SGD", [0.90, 0.91])],
            "**Con la entrada X, las semillas no permiten ordenar los optimizadores** "
            "(medianas: Adam 0.9700 y SGD 0.9100).",
        ),
        (
            [
                group("SGD", [0.11] * 3, collapsed=3),
                group("RMSprop", [None] * 3, diverged=3),
                group("Nadam", [None] * 3, diverged=3),
            ],
            "**Con la entrada X, ninguna configuración aprende.** SGD colapsa. RMSprop y Nadam "
            "divergen.",
        ),
    ],
)
def test_leaders_sentence(groups, expected):
    found = summary.ranking(groups, TH["tie"])
    assert wording.leaders_sentence(found, groups, "entrada X") == expected


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
