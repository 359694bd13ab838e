"""Template filters, Jinja set-up and publishing."""

import pytest

from optireport import document, publish


def test_number_filters():
    assert document.decimal(0.96331) == "0.9633"
    assert document.decimal(None) == "—"
    assert document.decimal(float("nan")) == "—"
    assert document.seconds(42.26) == "42.3 s"
    assert document.seconds(125) == "2 min 05 s"
    assert document.rate(0.000562) == "0.000562"
    assert document.thousands(35090) == "35\u202f090"
    assert document.thousands(3000) == "3000"
    assert document.spanish_list(["Adam"]) == "Adam"
    assert document.spanish_list(["Adam", "SGD", "RMSprop"]) == "Adam, SGD y RMSprop"
    assert document.plural(1, "época") == "1 época"
    assert document.plural(3, "semilla") == "3 semillas"
    assert document.settings({"learning_rate": 0.06, "momentum": 0.99}) == (
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


def test_publish_copies_report_and_writes_index(tmp_path):
    built = tmp_path / "_site"
    built.mkdir()
    (built / "informe.html").write_text("<html lang='es'></html>")
    (built / "informe.pdf").write_bytes(b"%PDF-1.7 " + b"0" * 2000)
    site = tmp_path / "site"
    paths = publish.publish(site, built)
    assert sorted(p.name for p in paths) == ["index.html", "informe.html", "informe.pdf"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'lang="es"' in index and 'href="informe.pdf"' in index and "Descargar" in index


def test_publish_error_names_make_report(tmp_path):
    with pytest.raises(FileNotFoundError, match="make report"):
        publish.publish(tmp_path / "site", tmp_path / "nothing")
