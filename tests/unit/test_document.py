"""Template filters, Jinja set-up and the explorer's data."""

import pytest

from optireport.report import document
from optireport.text import formats, labels


def test_number_filters():
    assert formats.decimal(0.96331) == "0.9633"
    assert formats.decimal(None) == "—"
    assert formats.decimal(float("nan")) == "—"
    assert formats.seconds(42.26) == "42.3 s"
    assert formats.seconds(125) == "2 min 05 s"
    assert formats.rate(0.000562) == "0.000562"
    assert formats.rate(1000) == "1000" and formats.rate(3.16) == "3.16"
    assert formats.thousands(35090) == "35\u202f090"
    assert formats.thousands(3000) == "3000"
    assert formats.spanish_list(["Adam"]) == "Adam"
    assert formats.spanish_list(["Adam", "SGD", "RMSprop"]) == "Adam, SGD y RMSprop"
    assert formats.plural(1, "época") == "1 época"
    assert formats.plural(3, "semilla") == "3 semillas"
    assert labels.settings({"learning_rate": 0.06, "momentum": 0.99}) == (
        "$\\eta$ = 0.06, momento = 0.99"
    )


def test_quarto_attributes_are_not_jinja_comments(tmp_path):
    (tmp_path / "t.j2").write_text("# Título {#sec-x}\n\n![a](b.svg){#fig-y}\n{{ s.n }}\n")
    out = tmp_path / "out.qmd"
    document.write_document({"n": 3, "training_groups": [], "trainings": []}, tmp_path, out, "t.j2")
    assert out.read_text() == "# Título {#sec-x}\n\n![a](b.svg){#fig-y}\n3\n"


def test_missing_summary_key_fails_loudly(tmp_path):
    (tmp_path / "t.j2").write_text("{{ s.missing }}")
    with pytest.raises(Exception, match="missing"):
        document.write_document(
            {"training_groups": [], "trainings": []}, tmp_path, tmp_path / "o", "t.j2"
        )
    assert not (tmp_path / "o").exists()


def test_templates_inline_files_verbatim(tmp_path):
    (tmp_path / "code.js").write_text("if (a) {{ b }} {% c %}\n")
    (tmp_path / "t.j2").write_text("<script>{{ verbatim('code.js') }}</script>")
    out = tmp_path / "out.qmd"
    document.write_document({"training_groups": [], "trainings": []}, tmp_path, out, "t.j2")
    assert out.read_text() == "<script>if (a) {{ b }} {% c %}\n</script>"


def test_explorer_presets_are_the_report_runs_and_methods(config):
    gd_config = config["gradient_descent"]
    methods = gd_config["methods"]
    summary = {
        "config": config,
        "gd_runs": [{**run, "final_x": 0.0} for run in gd_config["runs"]],
        "gd_methods": [
            {"method": m, "settings": s, "start": methods["start"], "iterations": 1000}
            for m, s in methods["settings"].items()
        ],
        "gd_global_min": {"x": 2.19, "J": -2.18, "interval": gd_config["x_range"]},
        "gd_tolerance": methods["tolerance"],
    }
    data = document.explorer_data(summary)
    presets = data["presets"]
    assert [p["id"] for p in presets] == list(range(len(presets)))
    runs = [p for p in presets if p["group"] == "runs"]
    assert [p["label"] for p in runs] == [f"Ejecución {i}" for i in range(1, 6)]
    assert runs[2] == {
        "id": 2,
        "group": "runs",
        "label": "Ejecución 3",
        "method": "gd",
        "start": 1.5,
        "iterations": 100,
        "settings": {"learning_rate": 0.001},
    }
    adam = next(p for p in presets if p["method"] == "adam")
    assert adam["settings"] == methods["settings"]["adam"] and adam["label"] == "Adam"
    assert data["defaults"]["rmsprop"]["rho"] == 0.9
    assert data["defaults"]["adadelta"]["rho"] == 0.95
    assert data["log_rate_range"] == [-4, 1]  # 1e-4 .. 10 holds every preset (0.001 .. 1.0)
    assert data["max_iterations"] == 2000


def test_state_filters_say_what_is_missing():
    assert formats.median(None) is None
    assert formats.median({"median": 0.5, "min": 0.4, "max": 0.6, "n": 2}) == 0.5
    assert formats.epoch(None) == "—" and formats.epoch(4.5) == "4"
    assert formats.spread(None) == "—"
    assert formats.spread({"median": 0.5, "min": 0.25, "max": 1, "n": 3}, 2) == "0.50 [0.25, 1.00]"
    assert formats.signed(None) == "—" and formats.signed(0.01234) == "+0.0123"
    assert document.target_cell(None) == "no lo alcanza"
    assert document.target_cell({"median": 42.26}) == "42.3 s"
    run = {"test_accuracy": 0.098, "diverged": True, "majority_prediction_share": 1.0}
    assert document.run_cell(run, 0.9) == "0.0980 (diverge)"
    run["diverged"] = False
    assert document.run_cell(run, 0.9) == "0.0980 (colapsa)"
    assert document.run_cell({"test_accuracy": None, "diverged": False}, 0.9) == "—"


def test_group_notes_name_each_state_in_spanish():
    group = {
        "seeds": [1, 2],
        "diverged_runs": 2,
        "test_accuracy": None,
        "best_val_accuracy": None,
    }
    notes = " ".join(document.group_notes(group))
    assert "**2 de 2 entrenamientos divergieron**" in notes
    assert "fuera de la clasificación" in notes
    assert "ninguna época terminó con una pérdida de validación finita" in notes.lower()
    group.update(diverged_runs=1, test_accuracy={"median": 0.9}, best_val_accuracy={"median": 1})
    notes = " ".join(document.group_notes(group))
    assert "**1 de 2 entrenamientos divergió**" in notes
    assert "no divergieron" in notes
    group.update(diverged_runs=0, test_accuracy=None)
    assert document.group_notes(group) == [
        "No hay exactitud en prueba registrada para esta configuración."
    ]
    group.update(test_accuracy={"median": 0.9})
    assert document.group_notes(group) == []


def test_an_unclosed_tag_is_explained_in_spanish_with_its_file_and_line(tmp_path):
    """A template error names the included file and the line of the tag left open, and the
    previous document is left as it was."""
    (tmp_path / "sections").mkdir()
    (tmp_path / "informe.qmd.j2").write_text('# Informe\n{% include "sections/a.md.j2" %}\n')
    (tmp_path / "sections" / "a.md.j2").write_text(
        "uno\n{% for x in [1] %}{{ x }}{% endfor %}\n{% if true %}\ndos\n{% set y %}z{% endset %}\n"
    )
    output = tmp_path / "informe.qmd"
    output.write_text("anterior")
    with pytest.raises(document.TemplateError) as error:
        document.write_document({"training_groups": [], "trainings": []}, tmp_path, output)
    message = str(error.value)
    assert "sections/a.md.j2, línea 3" in message
    assert "«{% if %}»" in message and "«{% endif %}»" in message
    assert output.read_text() == "anterior"


def test_a_runtime_template_error_names_the_template(tmp_path):
    (tmp_path / "informe.qmd.j2").write_text("línea uno\n{{ s.no_such_key }}\n")
    with pytest.raises(document.TemplateError) as error:
        document.write_document({"training_groups": [], "trainings": []}, tmp_path, tmp_path / "o")
    assert "informe.qmd.j2, línea 2" in str(error.value)
    assert "no_such_key" in str(error.value)
