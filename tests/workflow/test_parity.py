"""The quick report rendered by Quarto and by Pandoc + Typst: the same document for a reader.

Both renderers render the session's quick build (``helpers.build``) into folders of their own;
needs the real Quarto CLI (skipped with an install hint without it, a failure in CI).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers.reader_view import SPANISH_DATE, comparable_pdf_view, html_view

from optireport.report.render import render_report

if TYPE_CHECKING:  # imported by pytest itself, as a plugin, so that its asserts are rewritten
    from helpers.build import BuiltReport

pytestmark = pytest.mark.slow

RENDERERS = ("quarto", "pandoc")
MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture(scope="module")
def rendered(
    quarto: str, built_report: BuiltReport, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    report_dir = built_report.qmd.parent
    before = files_under(report_dir)
    out = tmp_path_factory.mktemp("parity")
    result = {
        name: render_report(built_report.qmd, out / name, renderer=name) for name in RENDERERS
    }
    result["report files before"] = before
    result["report files after"] = files_under(report_dir)
    return result


@pytest.fixture(scope="module")
def html(rendered: dict) -> dict:
    return {
        name: html_view(rendered[name]["html"].read_text(encoding="utf-8")) for name in RENDERERS
    }


@pytest.fixture(scope="module")
def pdf(rendered: dict) -> dict:
    return {name: comparable_pdf_view(rendered[name]["pdf"]) for name in RENDERERS}


@pytest.mark.parametrize("part", ["headings", "captions", "numbers", "dates"])
def test_html_shows_the_same(html: dict, part: str) -> None:
    assert html["quarto"][part] == html["pandoc"][part]


def test_html_has_numbered_headings_and_captions_and_no_external_resource(html: dict) -> None:
    view = html["quarto"]
    assert sum(heading[0].isdigit() for heading in view["headings"]) >= 8
    assert any(caption.startswith("Figura 1:") for caption in view["captions"])
    assert any(caption.startswith("Tabla 1:") for caption in view["captions"])
    for name in RENDERERS:
        assert html[name]["external resources"] == [], name


def test_the_date_is_today_in_spanish(html: dict, pdf: dict) -> None:
    today = date.today()
    expected = f"{today.day} de {MONTHS.split()[today.month - 1]} de {today.year}"
    assert SPANISH_DATE.fullmatch(expected)
    for name in RENDERERS:
        assert html[name]["dates"][:1] == [expected], name
        assert pdf[name]["dates"][:1] == [expected], name


@pytest.mark.parametrize(
    "part", ["title", "author", "language", "page sizes (pt)", "bookmarks", "caption labels"]
)
def test_pdf_shows_the_same(pdf: dict, part: str) -> None:
    assert pdf["quarto"][part] == pdf["pandoc"][part]


def test_pdf_metadata_and_page(pdf: dict) -> None:
    view = pdf["quarto"]
    assert view["title"] == "Optimizadores para redes neuronales"
    assert view["author"] and view["language"] == "es"
    assert view["page sizes (pt)"] == [(595, 842)]  # A4


def test_rendering_leaves_the_report_folder_as_it_was(rendered: dict) -> None:
    # No .quarto/, .gitignore, _site/figures/ or intermediate .typ files, neither after the
    # build's own render rule nor after these renders.
    leftovers = {".quarto", ".gitignore", "_site/figures", "_site/informe.typ"}
    assert leftovers.isdisjoint(rendered["report files before"])
    assert rendered["report files after"] == rendered["report files before"]
    for name in RENDERERS:
        folder = rendered[name]["html"].parent
        assert sorted(p.name for p in folder.iterdir()) == ["informe.html", "informe.pdf"]
