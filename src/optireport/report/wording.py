"""The report's comparison sentences, decided by rules on the data and thresholds in the config.

Each function takes the aggregated groups of ``results/summary.json`` (median and range over
seeds per optimizer and input) and returns Spanish text. The rules:

- **tie**: two medians closer than ``findings.tie`` are a tie;
- **overlap**: farther apart, but the seed ranges overlap: the order is not supported;
- **ahead**: one optimizer beats the other with every seed;
- **collapse**: every seed of a configuration predicts (almost) a single digit;
- **never reached**: no seed reaches the target validation accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from optireport.analysis.compare import TIE, relation, tiers
from optireport.analysis.stats import learns
from optireport.text.formats import decimal, spanish_list


def count_words(n: int) -> str:
    return {1: "la única", 2: "las dos", 3: "las tres"}.get(n, f"las {n}")


def _median(group: Mapping) -> str:
    return decimal(group["test_accuracy"]["median"])


def _tier_phrase(tier: Sequence[Mapping], tie: float) -> str:
    names = spanish_list(f"**{g['optimizer']}**" for g in tier)
    medians = spanish_list(_median(g) for g in tier)
    if len(tier) == 1:
        stats = tier[0]["test_accuracy"]
        low, high = decimal(stats["min"]), decimal(stats["max"])
        return f"**{tier[0]['optimizer']}** (mediana {medians}, de {low} a {high})"
    if all(relation(a, b, tie) == TIE for i, a in enumerate(tier) for b in tier[i + 1 :]):
        return f"{names}, empatados (medianas {medians}: difieren menos de {tie})"
    return (
        f"{names}, sin orden claro: sus medianas ({medians}) difieren, pero sus rangos entre "
        "semillas se solapan"
    )


def ranking_sentence(groups: Sequence[Mapping], thresholds: Mapping) -> str:
    """Rank the groups of one input by test accuracy as far as the seed spread supports it."""
    tie = thresholds["tie"]
    ordered = tiers(groups, tie)
    sentences = []
    if not ordered:
        sentences.append("Ninguna configuración aprende: todas colapsan o divergen.")
    elif len(ordered) == 1 and len(ordered[0]) > 1:
        phrase = _tier_phrase(ordered[0], tie)
        sentences.append(f"No hay un orden que la variación entre semillas respalde: {phrase}.")
    else:
        first, *rest = ordered
        verb = "queda" if len(first) == 1 else "quedan"
        text = f"En cabeza {verb} {_tier_phrase(first, tie)}"
        if len(first) == 1 and rest:
            text += ", por encima de los demás con todas las semillas"
        sentences.append(text + ".")
        for place, tier in enumerate(rest, start=2):
            lead = "Después, por debajo con todas las semillas" if place == 2 else "Más abajo"
            sentences.append(f"{lead}, {_tier_phrase(tier, tie)}.")
    sentences += [collapse_sentence(g) for g in groups if g["collapsed_runs"] or g["diverged_runs"]]
    spread = min((g["test_accuracy"]["n"] for g in groups if g["test_accuracy"]), default=0)
    if spread < 2:
        sentences.append(
            "Con una sola semilla por configuración no se puede medir la variación, así que "
            "ningún orden es concluyente."
        )
    return " ".join(sentences)


def collapse_sentence(group: Mapping) -> str:
    """What a configuration with collapsed or diverged seeds did, with its numbers."""
    runs, name = len(group["seeds"]), f"**{group['optimizer']}**"

    def how_many(count: int) -> str:
        if count == runs:
            return f"con {count_words(runs)} semilla" + ("" if runs == 1 else "s")
        return f"con {count} de sus {runs} semillas"

    parts = []
    if group["collapsed_runs"]:
        digits = sorted({c["digit"] for c in group["collapsed"]})
        shares = sorted({decimal(c["label_share"]) for c in group["collapsed"]})
        answer = (
            f"el {digits[0]}" if len(digits) == 1 else f"un solo dígito ({spanish_list(digits)})"
        )
        parts.append(
            f"colapsa {how_many(group['collapsed_runs'])}: responde {answer} a casi todas las "
            f"imágenes, y su exactitud ({spanish_list(shares)}) es la proporción de ese dígito "
            "en el conjunto de prueba"
        )
    if group["diverged_runs"]:
        parts.append(
            f"diverge {how_many(group['diverged_runs'])} (la pérdida deja de ser un número finito)"
        )
    return f"{name} {'; además, '.join(parts)}." if parts else ""


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
            seeds_text = "" if where == "equal" else f"; nuestras semillas, de {low} a {high}"
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
            sentences.append(f"La {label} de 2019 de {spanish_list(items)} {text}.")
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


def _gd_outcome(run: Mapping) -> str:
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
            abs(ref["final_x"] - run["final_x"]) < 1e-3
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
    budget = run["learning_rate"] * run["iterations"]
    covered = abs(run["final_x"] - run["start"])
    for index, other in enumerate(earlier):
        if (
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


def leaders_sentence(groups: Sequence[Mapping], thresholds: Mapping, input_name: str) -> str:
    """The conclusion's one-line verdict for one input: who leads, as far as the spread allows."""
    ordered = tiers(groups, thresholds["tie"])
    if not ordered:
        return f"**Con la {input_name}, ninguna configuración aprende.**"
    first = ordered[0]
    names = spanish_list(g["optimizer"] for g in first)
    medians = spanish_list(_median(g) for g in first)
    if len(first) == 1 and len(ordered) > 1:
        text = (
            f"**Con la {input_name}, {names} es el mejor con todas las semillas** "
            f"(exactitud en prueba {medians}, mediana)."
        )
    elif len(first) == 1:
        text = f"**Con la {input_name}, solo aprende {names}** (exactitud en prueba {medians})."
    else:
        verb = (
            "empatados"
            if all(
                relation(a, b, thresholds["tie"]) == TIE
                for i, a in enumerate(first)
                for b in first[i + 1 :]
            )
            else "sin un orden que la variación entre semillas respalde"
        )
        reason = (
            f"medianas que difieren menos de {thresholds['tie']}"
            if verb == "empatados"
            else "medianas; sus rangos entre semillas se solapan"
        )
        text = (
            f"**Con la {input_name}, {names} quedan en cabeza, {verb}** "
            f"(exactitud en prueba {medians}: {reason})."
        )
    for key, singular, many in (
        ("collapsed_runs", "colapsa", "colapsan"),
        ("diverged_runs", "diverge", "divergen"),
    ):
        failed = [g["optimizer"] for g in groups if not learns(g) and g[key]]
        if failed:
            text += f" {spanish_list(failed)} {singular if len(failed) == 1 else many}."
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
