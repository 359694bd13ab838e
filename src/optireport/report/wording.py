"""The report's sentences: claims decided in ``optireport.analysis`` (one comparison rule,
``optireport.analysis.compare``), phrased in Spanish.

Each function takes parts of ``results/summary.json`` (the claims in ``findings`` and the seed
statistics they rest on) and returns text; none of them decides a comparison by itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from optireport.text.formats import decimal, rate, spanish_list


def count_words(n: int) -> str:
    return {1: "la única", 2: "las dos", 3: "las tres"}.get(n, f"las {n}")


def seeds_phrase(n: int) -> str:
    """«una semilla», «dos semillas», «7 semillas»."""
    words = {1: "una", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco"}
    return f"{words.get(n, n)} semilla{'' if n == 1 else 's'}"


def _median(group: Mapping) -> str:
    return decimal(group["test_accuracy"]["median"])


def summary_of(stats: Mapping) -> str:
    """«mediana 0.9584, de 0.9561 a 0.9600»; a single run's value alone."""
    if stats["n"] == 1:
        return decimal(stats["median"])
    low, high = decimal(stats["min"]), decimal(stats["max"])
    if low == high:
        return f"{low} con todas las semillas"
    return f"mediana {decimal(stats['median'])}, de {low} a {high}"


def rule_sentence(rule: Mapping) -> str:
    """The report's one comparison rule, stated once, with what its seed count allows."""
    text = (
        "Una configuración supera **con claridad** a otra cuando todas sus semillas dan más "
        "exactitud en prueba que todas las de la otra y sus medianas difieren al menos "
        f"{rule['tie']}. Si las dos fueran equivalentes, que todas las semillas de una queden "
        "por encima de todas las de la otra por puro azar tendría una probabilidad de "
        "1 entre el número de formas de repartir las semillas entre las dos; la regla solo "
        "admite esa conclusión cuando esa probabilidad no pasa del "
        f"{rule['chance'] * 100:.0f} %. En cualquier otro caso decimos que **no hay una "
        "diferencia clara**, lo que no "
        "significa que sean iguales: los datos no bastan para distinguirlas."
    )
    counts = rule["seed_counts"]
    if not counts:
        return text
    n = counts[0] if len(counts) == 1 else None
    if n is not None and n >= 2 and rule["can_rank"]:
        odds = round(1 / rule["chance_at"][str(n)])
        text += f" Con {seeds_phrase(n)} por configuración, esa probabilidad es de 1 entre {odds}."
    elif n is not None:
        text += (
            f" Con {seeds_phrase(n)} por configuración, ninguna diferencia puede darse por "
            f"clara (hacen falta al menos {rule['seeds_needed']} semillas por configuración): "
            "el informe da los valores, pero no ordena las configuraciones."
        )
    return text


def ranking_sentence(ranking: Mapping, groups: Sequence[Mapping]) -> str:
    """The ranking claim of one input, phrased: who leads as far as the rule allows, who is
    clearly behind whom, and who learned nothing."""
    stats = {g["optimizer"]: g["test_accuracy"] for g in groups}
    order = ranking["order"]
    sentences = []
    if not order:
        sentences.append("Ninguna configuración aprende: todas colapsan o divergen.")
    elif len(order) == 1:
        sentences.append(
            f"Solo aprende **{order[0]}** (exactitud en prueba {summary_of(stats[order[0]])})."
        )
    elif not ranking["can_rank"]:
        medians = spanish_list(f"{name} {_median_of(stats[name])}" for name in order)
        sentences.append(
            "Con estas semillas la regla de comparación no permite ordenar los optimizadores "
            f"({_values_word(stats, order)}: {medians})."
        )
    else:
        leaders = ranking["leaders"]
        others = [name for name in order if name not in leaders]
        if len(leaders) == 1 and others:
            sentences.append(
                f"**{leaders[0]}** ({summary_of(stats[leaders[0]])}) supera con claridad "
                f"{'a todos los demás' if len(others) > 1 else 'al otro optimizador'}."
                if all(leaders[0] in ranking["beaten_by"][name] for name in others)
                else f"En cabeza queda **{leaders[0]}** ({summary_of(stats[leaders[0]])}): "
                "ningún otro lo supera con claridad."
            )
        elif not others:
            details = spanish_list(f"**{name}** ({summary_of(stats[name])})" for name in leaders)
            sentences.append(f"Entre {details} no hay ninguna diferencia clara.")
        else:
            details = spanish_list(f"**{name}** ({summary_of(stats[name])})" for name in leaders)
            sentences.append(
                f"En cabeza quedan {details}: ningún otro los supera con claridad, y entre "
                "ellos no hay una diferencia clara."
            )
        # The others, grouped by who is clearly ahead of them.
        by_ahead: dict[tuple[str, ...], list[str]] = {}
        for name in others:
            by_ahead.setdefault(tuple(ranking["beaten_by"][name]), []).append(name)
        for ahead, names in by_ahead.items():
            verb = "queda" if len(names) == 1 else "quedan"
            details = spanish_list(f"**{n}** ({summary_of(stats[n])})" for n in names)
            sentences.append(
                f"{details[0].upper()}{details[1:]} {verb} claramente por detrás de "
                f"{spanish_list(ahead)}."
            )
    sentences += [collapse_sentence(g) for g in groups if g["collapsed_runs"] or g["diverged_runs"]]
    return " ".join(sentences)


def _values_word(stats: Mapping, names: Sequence[str]) -> str:
    """«medianas», or «exactitudes en prueba» when each has a single run (no median)."""
    return "medianas" if any(stats[n]["n"] > 1 for n in names) else "exactitudes en prueba"


def _median_of(stats: Mapping) -> str:
    return decimal(stats["median"])


def collapse_sentence(group: Mapping) -> str:
    """What a configuration with collapsed or diverged seeds did, seed by seed."""
    runs, name = len(group["seeds"]), f"**{group['optimizer']}**"

    def how_many(count: int) -> str:
        if count == runs:
            return "con su única semilla" if runs == 1 else f"con {count_words(runs)} semillas"
        return f"con {count} de sus {runs} semillas"

    parts = []
    if group["collapsed_runs"]:
        seeds = sorted(group["collapsed"], key=lambda c: c["seed"])
        answers = (
            spanish_list(f"el {c['digit']} con la semilla {c['seed']}" for c in seeds)
            if len({c["digit"] for c in seeds}) > 1
            else f"el {seeds[0]['digit']}"
        )
        accuracy_values = [decimal(c.get("test_accuracy")) for c in seeds]
        share_values = [decimal(c["label_share"]) for c in seeds]

        same = len({c["digit"] for c in seeds}) == 1

        def values(items: list[str]) -> str:
            # The same digit and the same value with every seed: written once.
            return items[0] if same and len(set(items)) == 1 else spanish_list(items)

        nearly = "" if accuracy_values == share_values else "casi "
        parts.append(
            f"colapsa {how_many(group['collapsed_runs'])}: predice casi siempre un solo "
            f"dígito ({answers}), y su exactitud en prueba ({values(accuracy_values)}) es "
            f"{nearly}la proporción de {'ese dígito' if same else 'esos dígitos'} en el "
            f"conjunto de prueba ({values(share_values)})"
        )
    if group["diverged_runs"]:
        parts.append(
            f"diverge {how_many(group['diverged_runs'])} (la pérdida deja de ser un número finito)"
        )
    return f"{name} {'; además, '.join(parts)}." if parts else ""


def scaling_sentence(scaling: Mapping[str, Mapping]) -> str:
    """The scaling claims of every optimizer, grouped by verdict, as sentences."""
    by: dict[str, list[str]] = {}
    for name, found in scaling.items():
        by.setdefault(found["effect"], []).append(name)

    def names(effect: str) -> str:
        return spanish_list(by[effect])

    sentences = []
    if "improves" in by:
        sentences.append(
            f"Escalar la entrada mejora con claridad la exactitud en prueba de {names('improves')}."
        )
    if "worsens" in by:
        sentences.append(f"Escalar la entrada la empeora con claridad en {names('worsens')}.")
    if "unclear" in by:
        sentences.append(
            f"En {names('unclear')} no hay una diferencia clara entre las dos entradas."
        )
    if "too_few" in by:
        sentences.append(
            f"En {names('too_few')} las semillas no bastan para comparar las dos entradas."
        )
    if "missing" in by:
        sentences.append(
            f"{names('missing')} no {'tiene' if len(by['missing']) == 1 else 'tienen'} "
            "exactitud en prueba con una de las dos entradas (divergen todas sus semillas): no "
            "hay nada que comparar."
        )
    if "both_fail" in by:
        one = len(by["both_fail"]) == 1
        sentences.append(
            f"{names('both_fail')} no {'aprende' if one else 'aprenden'} con ninguna de las dos "
            "entradas: sus exactitudes no dicen nada del escalado."
        )
    return " ".join(sentences)


def configuration_phrase(item: Mapping, names: Mapping) -> str:
    """One configuration of any chapter, named with what sets it apart and where it is."""
    variant = f"la {names[item['variant']]}"
    if item["source"] == "tuned":
        return (
            f"{item['optimizer']} con su tasa ajustada ({rate(item['learning_rate'])}) y "
            f"{variant} (@sec-justa)"
        )
    if item["source"] == "invitation":
        changes = []
        if item.get("batch_size"):
            changes.append(f"lotes de {item['batch_size']}")
        args = item.get("args") or {}
        if args.get("nesterov"):
            changes.append(f"momento de Nesterov {args['momentum']}")
        elif "momentum" in args:
            changes.append(f"momento {args['momentum']}")
        if "learning_rate" in args:
            changes.append(f"tasa {rate(args['learning_rate'])}")
        what = f" con {spanish_list(changes)}" if changes else ""
        return f"{item['optimizer']}{what} y {variant} (@sec-invitacion)"
    return f"{item['optimizer']} con {variant}"


def fastest_phrase(fastest: Mapping, names: Mapping) -> str:
    """«Adam con lotes de 10 y la entrada escalada (@sec-invitacion), en 2 épocas (mediana)»."""
    items = spanish_list(configuration_phrase(c, names) for c in fastest["configurations"])
    epochs = round(fastest["epochs"])
    return f"{items}, en {epochs} época{'' if epochs == 1 else 's'} (mediana)"


# Early stopping's verdicts, in the order the text states them, each as the lead of a clause.
STOPPING_CLAUSES = {
    "better": "mejora con claridad la exactitud en prueba de",
    "worse": "pierde con claridad exactitud en prueba en",
    "unclear": "no cambia con claridad la exactitud en prueba de",
    "too_few": "las semillas no permiten juzgar su efecto en",
    "never_stopped": "no llega a detener",
    "collapsed": "solo ahorra épocas de entrenamientos que no aprenden (colapsan con todas "
    "las semillas) en",
    "diverged": "no tiene exactitud final con la que compararse, porque algún entrenamiento "
    "diverge, en",
    "missing": "no tiene cifras de prueba en",
}


def early_stopping_sentence(stopping: Mapping, cells: Mapping) -> str:
    """Early stopping over every configuration, grouped by verdict, in one sentence."""
    by: dict[str, list[str]] = {}
    for g in stopping["groups"]:
        by.setdefault(g["verdict"], []).append(f"{g['optimizer']} ({cells[g['variant']]})")
    clauses = [f"{STOPPING_CLAUSES[v]} {spanish_list(by[v])}" for v in STOPPING_CLAUSES if v in by]
    if not clauses:
        return ""
    text = "Según la regla de la @sec-regla, la parada " + spanish_list(clauses) + "."
    if "never_stopped" in by:
        text += (
            " En los que no se detienen, la pérdida de validación nunca encadena "
            f"{stopping['patience']} época{'' if stopping['patience'] == 1 else 's'} sin mejorar."
        )
    return text


def never_reached_sentence(groups: Sequence[Mapping], target: float, names: Mapping) -> str:
    """Configurations where no seed reaches ``target``; ``names`` maps variant → its name."""
    by_variant: dict[str, list[str]] = {}
    for g in groups:
        if g["reached_target_runs"] == 0:
            by_variant.setdefault(g["variant"], []).append(g["optimizer"])
    sentences = []
    for variant, optimizers in by_variant.items():
        verb = "alcanza" if len(optimizers) == 1 else "alcanzan"
        sentences.append(
            f"Con la {names[variant]}, {spanish_list(optimizers)} no {verb} nunca una exactitud de "
            f"validación de {target}, con ninguna semilla."
        )
    return " ".join(sentences)


def position(value: float, values: Sequence[float], digits: int = 4) -> str:
    """Where ``value`` falls among ``values``: ``above``, ``below``, ``within`` or ``equal``.

    Compared at the ``digits`` decimals the report prints (those of the 2019 figures), so a
    float32 0.11349999 does not read as lying below a published 0.1135.
    """
    value, values = round(value, digits), [round(v, digits) for v in values]
    if value > max(values):
        return "above"
    if value < min(values):
        return "below"
    return "equal" if value == min(values) == max(values) else "within"


def reference_sentences(
    groups: Mapping[str, Mapping], runs: Mapping[str, Sequence[Mapping]], reference: Mapping
) -> list[str]:
    """Where each 2019 value (accuracy, loss) falls relative to this build's seeds.

    ``groups`` maps optimizer → its raw-input group; ``runs`` maps optimizer → its raw runs;
    ``reference`` maps optimizer → {"accuracy": ..., "loss": ...} (loss may be missing).
    Optimizers with the same position share one sentence, so no frame repeats per optimizer.
    """
    sentences = []
    single = all(len(seeds) <= 1 for seeds in runs.values())
    for metric, label in (("accuracy", "exactitud"), ("loss", "pérdida")):
        field = "test_accuracy" if metric == "accuracy" else "test_loss"
        by_position: dict[str, list[str]] = {}
        for name, values in reference.items():
            value = values.get(metric)
            seeds = [r[field] for r in runs.get(name, []) if r[field] is not None]
            if value is None or not seeds:
                continue
            where = position(value, seeds)
            low, high = decimal(min(seeds)), decimal(max(seeds))
            if where == "equal":
                seeds_text = ""
            elif len(seeds) == 1:
                seeds_text = f"; nuestra semilla, {low}"
            elif low == high:
                seeds_text = f"; nuestras semillas, {low} todas"
            else:
                seeds_text = f"; nuestras semillas, de {low} a {high}"
            by_position.setdefault(where, []).append(f"{name} ({decimal(value)}{seeds_text})")
        for where, items in by_position.items():
            many = len(items) > 1
            if where == "above":
                text = f"queda{'n' if many else ''} por encima de todas nuestras semillas"
            elif where == "below":
                text = f"queda{'n' if many else ''} por debajo de todas nuestras semillas"
            elif where == "equal":
                text = f"coincide{'n' if many else ''} con la de todas nuestras semillas"
            else:
                text = f"cae{'n' if many else ''} dentro del rango de nuestras semillas"
            if single:
                text = text.replace("todas nuestras semillas", "nuestra semilla")
            lead = (
                {"exactitud": "Las exactitudes", "pérdida": "Las pérdidas"}[label]
                if many
                else f"La {label}"
            )
            sentences.append(f"{lead} de 2019 de {spanish_list(items)} {text}.")
    return sentences


def _complete_seeds(group: Mapping) -> list[Mapping]:
    return [
        r
        for r in group["per_seed"]
        if r["min_val_loss"] is not None and r["final_val_loss"] is not None
    ]


def overfitting_groups(groups: Sequence[Mapping], ratio: float) -> list[Mapping]:
    """Groups where, with every seed, the final validation loss is ≥ ``ratio`` × its minimum."""
    return [
        g
        for g in groups
        if _complete_seeds(g)
        and all(r["final_val_loss"] >= ratio * r["min_val_loss"] for r in _complete_seeds(g))
    ]


def overfitting_sentence(groups: Sequence[Mapping], ratio: float) -> str:
    """Which configurations overfit, with the epoch of the minimum and the rise, seed by seed."""
    overfit = []
    for g in overfitting_groups(groups, ratio):
        seeds = _complete_seeds(g)
        epochs = spanish_list(str(r["min_val_loss_epoch"]) for r in seeds)
        factors = [f"{r['final_val_loss'] / r['min_val_loss']:.1f}" for r in seeds]
        where = (
            f"en la época {epochs}"
            if len(seeds) == 1
            else f"en las épocas {epochs}, según la semilla"
        )
        times = (
            factors[0]
            if min(factors) == max(factors)
            else f"entre {min(factors, key=float)} y {max(factors, key=float)}"
        )
        overfit.append(f"{g['optimizer']} (mínimo {where}; al final, {times} veces ese mínimo)")
    if not overfit:
        text = (
            f"En ninguna configuración la pérdida de validación final llega a {ratio} veces "
            "su mínimo con todas las semillas: no hay un sobreajuste claro."
        )
        return " ".join([text, *_partial_overfitting(groups, ratio)])
    verb = "sobreajusta" if len(overfit) == 1 else "sobreajustan"
    text = (
        f"{spanish_list(overfit)} {verb}: la pérdida de validación alcanza su mínimo y "
        f"después crece hasta al menos {ratio} veces ese valor, con todas las semillas."
    )
    return " ".join([text, *_partial_overfitting(groups, ratio)])


def _partial_overfitting(groups: Sequence[Mapping], ratio: float) -> list[str]:
    """Configurations where only some seeds end at ≥ ``ratio`` × their minimum."""
    sentences = []
    full = {g["optimizer"] for g in overfitting_groups(groups, ratio)}
    for g in groups:
        seeds = _complete_seeds(g)
        factors = [r["final_val_loss"] / r["min_val_loss"] for r in seeds]
        rising = [f for f in factors if f >= ratio]
        if g["optimizer"] in full or not rising:
            continue
        sentences.append(
            f"En {g['optimizer']} la pérdida de validación también sube después de su mínimo, "
            f"pero llega a {ratio} veces ese valor solo con {len(rising)} de sus "
            f"{len(seeds)} semillas (al final, entre {min(factors):.2f} y {max(factors):.2f} "
            "veces el mínimo)."
        )
    return sentences


# A gradient-descent run whose last step is shorter than this has stopped.
STOPPED_STEP = 1e-4
GD_PARAMETERS = {
    "start": "el punto de partida",
    "learning_rate": "la tasa",
    "iterations": "las iteraciones",
}


def _diverged(run: Mapping) -> bool:
    return run.get("diverged_at") is not None


def _gd_outcome(run: Mapping) -> str:
    if _diverged(run):
        return (
            f"diverge: en el paso {run['diverged_at']}, $x$ o $J(x)$ deja de ser un número "
            "finito, y ahí se detiene el cálculo"
        )
    x = f"$x = {run['final_x']:.3f}$"
    if run["reached_global_min"]:
        return f"llega al mínimo global, {x}"
    if run["last_step"] > STOPPED_STEP:
        return (
            f"termina en {x} todavía en movimiento (su último paso mide "
            f"{run['last_step']:.1e}): le faltan iteraciones"
        )
    return (
        f"se detiene en {x} (último paso: {run['last_step']:.1e}), un mínimo local del que el "
        "gradiente ya no lo saca"
    )


def gd_run_sentences(runs: Sequence[Mapping]) -> list[str]:
    """One sentence per plain gradient-descent run, each read against the closest earlier run.

    The closest earlier run differs in the fewest settings; the sentence's frame depends on
    what changed (iterations, rate, start or several), so no frame repeats for every run.
    """
    sentences = []
    for k, run in enumerate(runs):
        number = k + 1
        if k == 0:
            sentences.append(
                f"La ejecución 1 parte de $x_0 = {run['start']}$ con $\\eta = "
                f"{run['learning_rate']}$ y da {run['iterations']} pasos: {_gd_outcome(run)}."
            )
            continue
        ref_index = min(range(k), key=lambda j: sum(runs[j][p] != run[p] for p in GD_PARAMETERS))
        ref = runs[ref_index]
        changed = [p for p in GD_PARAMETERS if ref[p] != run[p]]
        same_end = (
            not _diverged(ref)
            and not _diverged(run)
            and abs(ref["final_x"] - run["final_x"]) < 1e-3
            and max(ref["last_step"], run["last_step"]) <= STOPPED_STEP
            and not run["reached_global_min"]
        )
        outcome = (
            f"termina en el mismo punto, $x = {run['final_x']:.3f}$: más pasos no lo sacan de "
            "ese mínimo local"
            if same_end
            else _gd_outcome(run)
        )
        if changed == ["iterations"]:
            sentences.append(
                f"La ejecución {number} repite la {ref_index + 1} con {run['iterations']} pasos "
                f"en lugar de {ref['iterations']}, y {outcome}."
            )
        elif changed == ["learning_rate"]:
            ratio = ref["learning_rate"] / run["learning_rate"]
            size = f"{ratio:.3g} veces menor" if ratio > 1 else f"{1 / ratio:.3g} veces mayor"
            text = (
                f"En la ejecución {number}, la tasa es {size} ($\\eta = {run['learning_rate']}$) "
                f"con los mismos pasos que la {ref_index + 1}, y {outcome}."
            )
            budget = _same_budget(runs[:k], run)
            if budget is not None:
                other = runs[budget]
                text += (
                    f" Queda cerca de donde terminó la ejecución {budget + 1} "
                    f"($x = {other['final_x']:.3f}$), que tenía el mismo producto de tasa por "
                    "número de pasos."
                )
            sentences.append(text)
        elif changed == ["start"]:
            sentences.append(
                f"Desde otro punto de partida, $x_0 = {run['start']}$ (ejecución {number}, en lo "
                f"demás igual que la {ref_index + 1}), el método {outcome}."
            )
        else:
            what = spanish_list(GD_PARAMETERS[p] for p in changed)
            sentences.append(
                f"La ejecución {number} cambia {what} respecto a la {ref_index + 1}, y {outcome}."
            )
    return sentences


def _same_budget(earlier: Sequence[Mapping], run: Mapping) -> int | None:
    """An earlier run from the same start with the same η × steps that ended near ``run``.

    Near means within a tenth of the distance ``run`` covered: then the distance travelled
    depends on the product of rate and steps, not on each of them.
    """
    if _diverged(run):
        return None
    budget = run["learning_rate"] * run["iterations"]
    covered = abs(run["final_x"] - run["start"])
    for index, other in enumerate(earlier):
        if not _diverged(other) and (
            other["start"] == run["start"]
            and other["learning_rate"] != run["learning_rate"]
            and math.isclose(other["learning_rate"] * other["iterations"], budget, rel_tol=1e-9)
            and abs(other["final_x"] - run["final_x"]) <= 0.1 * covered
        ):
            return index
    return None


def gd_lessons(runs: Sequence[Mapping]) -> list[str]:
    """The general lessons the runs support, each stated only when some run shows it."""
    lessons = []
    if any(_diverged(r) for r in runs):
        lessons.append(
            "Con una tasa demasiado grande, cada paso deja el recorrido más lejos del valle que "
            "el anterior, hasta que deja de ser un número finito."
        )
    runs = [r for r in runs if not _diverged(r)]
    if any(r["last_step"] > STOPPED_STEP and not r["reached_global_min"] for r in runs):
        lessons.append("Con pocos pasos, el recorrido se queda a medio camino.")
    if any(_same_budget(runs[:k], run) is not None for k, run in enumerate(runs)):
        lessons.append(
            "Una tasa diez veces menor necesita unas diez veces más pasos para recorrer la misma "
            "distancia: cuenta el producto de ambos."
            if any(
                math.isclose(runs[j]["learning_rate"] / run["learning_rate"], 10)
                for k, run in enumerate(runs)
                if (j := _same_budget(runs[:k], run)) is not None
            )
            else "Con una tasa menor hacen falta proporcionalmente más pasos para recorrer la "
            "misma distancia."
        )
    stuck = [r for r in runs if r["last_step"] <= STOPPED_STEP and not r["reached_global_min"]]
    if stuck:
        lessons.append(
            "El punto de partida decide el valle: un recorrido que se detiene en un mínimo local "
            "ya no sale de él, porque allí el gradiente es prácticamente nulo, y más pasos no "
            "cambian nada. Esa limitación del método simple es la que motiva sus variantes."
        )
    return lessons


def left_interval(variants: Sequence[Mapping], x_range: Sequence[float]) -> list[Mapping]:
    """The 1-D variants whose path leaves ``x_range`` (so the figure's x axis is widened)."""
    return [
        v
        for v in variants
        if v["x_min"] is not None and (v["x_min"] < x_range[0] or v["x_max"] > x_range[1])
    ]


def leaders_sentence(ranking: Mapping, groups: Sequence[Mapping], input_name: str) -> str:
    """The conclusion's one-line verdict for one input, from the same ranking claim."""
    stats = {g["optimizer"]: g["test_accuracy"] for g in groups}
    order, leaders = ranking["order"], ranking["leaders"]
    others = [name for name in order if name not in leaders]
    if not order:
        text = f"**Con la {input_name}, ninguna configuración aprende.**"
    elif len(order) == 1:
        text = (
            f"**Con la {input_name}, solo aprende {order[0]}** "
            f"(exactitud en prueba {summary_of(stats[order[0]])})."
        )
    elif not ranking["can_rank"]:
        text = (
            f"**Con la {input_name}, las semillas no permiten ordenar los optimizadores** "
            f"({_values_word(stats, order)}: "
            f"{spanish_list(f'{n} {_median_of(stats[n])}' for n in order)})."
        )
    elif len(leaders) == 1 and all(leaders[0] in ranking["beaten_by"][n] for n in others):
        text = (
            f"**Con la {input_name}, {leaders[0]} supera con claridad a los demás** "
            f"(exactitud en prueba {summary_of(stats[leaders[0]])})."
        )
    else:
        verb = "queda" if len(leaders) == 1 else "quedan"
        text = (
            f"**Con la {input_name}, en cabeza {verb} {spanish_list(leaders)}**"
            + (", sin una diferencia clara entre ellos" if len(leaders) > 1 else "")
            + f" (medianas: {spanish_list(_median_of(stats[n]) for n in leaders)})"
        )
        if others:
            verb = "queda" if len(others) == 1 else "quedan"
            text += f"; {spanish_list(others)} {verb} claramente por detrás"
        text += "."
    failed = ranking["failed"]
    for key, singular, many in (
        ("collapsed", "colapsa", "colapsan"),
        ("diverged", "diverge", "divergen"),
    ):
        if failed[key]:
            text += f" {spanish_list(failed[key])} {singular if len(failed[key]) == 1 else many}."
    return text


def follows_labels(run: Mapping, tolerance: float = 0.05) -> bool:
    """Whether a run answers each digit about as often as it occurs in the test set."""
    predicted, labels = run.get("prediction_counts"), run.get("label_counts")
    if not predicted or not labels:
        return False
    total_p, total_l = sum(predicted), sum(labels)
    return all(
        abs(p / total_p - q / total_l) <= tolerance for p, q in zip(predicted, labels, strict=True)
    )
