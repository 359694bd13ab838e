"""Tests for optireport.render: Pandoc + Typst rendering and the Quarto command line."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pypdf
import pytest

from optireport import render
from optireport.render import (
    RenderError,
    check_html_offline,
    choose_renderer,
    quarto_command,
    render_report,
)

LUA = Path(__file__).resolve().parents[1] / "report" / "crossref.lua"


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


FIXTURE_QMD = textwrap.dedent(
    r"""
    ---
    title: "Informe de prueba"
    subtitle: "Optimización de una función en una dimensión"
    author: "Equipo del curso"
    date: "2024-05-01"
    lang: es
    ---

    # Introducción {#sec-intro}

    En esta época estudiamos la función $J(x) = x \sin(x^2)$ con el año y la señal
    de entrenamiento. La @fig-perdida muestra la pérdida y la @fig-paso compara los
    tamaños de paso; la @tbl-resumen resume los resultados (ver también [-@fig-paso]).

    $$
    x_{k+1} = x_k - \eta \nabla J(x_k)
    $$

    ![Evolución de la pérdida por época](figures/perdida.svg){#fig-perdida}

    ## Método

    ```python
    def descenso(x, eta=0.1, pasos=100):
        for _ in range(pasos):
            x = x - eta * gradiente(x)  # actualización de la época
        return x
    ```

    # Resultados y discusión {#sec-resultados}

    ::: {#tbl-resumen}
    | Optimizador | Tasa de aprendizaje | Pérdida final | Épocas |
    |-------------|--------------------:|--------------:|-------:|
    | SGD         | 0,1                 | 0,123         | 50     |
    | Adam        | 0,001               | 0,045         | 30     |

    Resumen de los optimizadores comparados.
    :::

    ![Comparación de tamaños de paso](figures/paso.svg){#fig-paso}

    Como se ve en la @tbl-resumen y en la @sec-intro, Adam converge antes. La @fig-perdida
    y la @fig-paso coinciden con la teoría.
    """
).lstrip()


def _make_figures(fig_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig_dir.mkdir(parents=True, exist_ok=True)
    x = np.linspace(0, 3, 200)
    for name, y, label in (
        ("perdida", np.exp(-x) + 0.05, "pérdida"),
        ("paso", x * np.sin(x**2), "J(x)"),
    ):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(x, y, label=label)
        ax.set_xlabel("época")
        ax.set_title(f"Gráfica de {label}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(fig_dir / f"{name}.svg", format="svg")
        plt.close(fig)


def write_fixture(directory: Path) -> Path:
    """Write the fixture report (qmd + two SVG figures) into ``directory``."""
    _make_figures(directory / "figures")
    qmd = directory / "informe.qmd"
    qmd.write_text(FIXTURE_QMD, encoding="utf-8")
    return qmd


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("report")
    qmd = write_fixture(src)
    return render_report(qmd, src / "_site", renderer="pandoc")


def _visible_text(html: str) -> str:
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("\u00a0", " ")


def test_html_basic_structure(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert rendered["html"].name == "informe.html"
    assert re.search(r'<html[^>]*\blang="es"', html)
    assert "Índice" in html  # TOC title
    assert 'id="TOC"' in html
    assert "Introducción" in html and "época" in html and "año" in html
    assert 'class="header-section-number">1<' in html  # numbered sections
    assert "<math" in html  # MathML
    assert "@fig-" not in html and "@tbl-" not in html


def test_html_crossrefs_and_captions(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    text = _visible_text(html)
    # Captions are prefixed with their numbers, in document order.
    assert "Figura 1: Evolución de la pérdida por época" in text
    assert "Figura 2: Comparación de tamaños de paso" in text
    assert "Tabla 1: Resumen de los optimizadores comparados." in text
    # References in the text are links with the same numbers.
    assert re.search(r'<a href="#fig-perdida"[^>]*>Figura\s1</a>', html)
    assert re.search(r'<a href="#fig-paso"[^>]*>Figura\s2</a>', html)
    assert re.search(r'<a href="#tbl-resumen"[^>]*>Tabla\s1</a>', html)
    assert re.search(r'<a href="#sec-intro"[^>]*>Sección\s1</a>', html)
    assert re.search(r'<a href="#fig-paso"[^>]*>2</a>', html)  # [-@fig-paso]
    # The targets exist.
    for ident in ("fig-perdida", "fig-paso", "tbl-resumen", "sec-intro"):
        assert f'id="{ident}"' in html
    # Tables are wrapped for horizontal scrolling on phones.
    assert 'class="table-wrap"' in html


def test_html_is_self_contained(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert 'src="figures/' not in html
    assert "figures/perdida.svg" not in html
    assert check_html_offline(html) == []
    # The two figures are embedded (inline SVG or data URI), and our stylesheet is inlined.
    embedded = html.count("<svg") + html.count('src="data:image/svg+xml')
    assert embedded >= 2
    assert "--measure: 48rem" in html


def test_check_html_offline_detects_external_resources() -> None:
    page = """<html><head>
    <link rel="stylesheet" href="https://cdn.example.com/x.css">
    <script src="//cdn.example.com/x.js"></script>
    <style>@import url("https://fonts.example.com/f.css"); body{}</style>
    </head><body><img src="http://example.com/a.png"><img src="data:image/png;base64,AA">
    <a href="https://quarto.org">enlace normal</a></body></html>"""
    found = check_html_offline(page)
    assert len(found) == 4
    assert any("cdn.example.com/x.css" in f for f in found)
    assert any("cdn.example.com/x.js" in f for f in found)
    assert any("fonts.example.com" in f for f in found)
    assert any("example.com/a.png" in f for f in found)
    assert (
        check_html_offline('<img src="data:image/png;base64,AA"><a href="https://x.org">x</a>')
        == []
    )


def test_pdf_is_valid(rendered: dict[str, Path]) -> None:
    pdf = rendered["pdf"]
    assert pdf.name == "informe.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5_000


def test_pdf_text(rendered: dict[str, Path]) -> None:
    reader = pypdf.PdfReader(rendered["pdf"])
    out = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", out)
    assert "Introducción" in flat
    assert "Resultados y discusión" in flat
    assert "Índice" in flat
    assert "época" in flat and "ñ" in flat
    # Typst numbers figures/tables itself; text references and captions must agree.
    assert "Figura 1: Evolución de la pérdida por época" in flat
    assert "Figura 2: Comparación de tamaños de paso" in flat
    assert "Tabla 1: Resumen de los optimizadores comparados." in flat
    assert flat.count("Figura 1") >= 3  # caption + two references
    assert flat.count("Tabla 1") >= 3  # caption + two references
    assert "Sección 1" in flat
    assert "Figura 3" not in flat and "Tabla 2" not in flat  # nothing doubled
    assert "?@" not in flat


def test_pdf_is_a4(rendered: dict[str, Path]) -> None:
    for page in pypdf.PdfReader(rendered["pdf"]).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842), (width, height)


def test_unknown_reference_warns(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    qmd = tmp_path / "mini.qmd"
    qmd.write_text(
        "---\ntitle: Mini\nlang: es\n---\n\n# Sección única\n\nVer @fig-inexistente.\n",
        encoding="utf-8",
    )
    out = render_report(qmd, tmp_path / "out", renderer="pandoc")
    err = capfd.readouterr().err
    assert "fig-inexistente" in err
    assert "?@fig-inexistente" in out["html"].read_text(encoding="utf-8")
    assert out["pdf"].read_bytes().startswith(b"%PDF")


def test_content_visible_only_in_its_format(tmp_path: Path) -> None:
    qmd = tmp_path / "mini.qmd"
    qmd.write_text(
        "---\ntitle: Mini\nlang: es\n---\n\n# Sección única\n\n"
        '::: {.content-visible when-format="html"}\nSolo-en-HTML.\n:::\n\n'
        '::: {.content-visible when-format="pdf"}\nSolo-en-PDF.\n:::\n',
        encoding="utf-8",
    )
    out = render_report(qmd, tmp_path / "out", renderer="pandoc")
    html = out["html"].read_text(encoding="utf-8")
    assert "Solo-en-HTML." in html and "Solo-en-PDF." not in html
    typst_source = subprocess.run(
        [_pandoc(), str(qmd), "--to=typst", f"--lua-filter={LUA}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Solo-en-PDF." in typst_source and "Solo-en-HTML." not in typst_source


def test_missing_figure_gives_spanish_error(tmp_path: Path) -> None:
    qmd = tmp_path / "roto.qmd"
    qmd.write_text("# Uno\n\n![Leyenda](figures/no-existe.svg){#fig-x}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="no-existe.svg"):
        render_report(qmd, tmp_path / "out", renderer="pandoc")


def test_missing_qmd_gives_spanish_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="No se encuentra"):
        render_report(tmp_path / "no-existe.qmd", tmp_path / "out", renderer="pandoc")


def test_choose_renderer_without_quarto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "quarto_executable", lambda: None)
    assert choose_renderer("auto") == "pandoc"
    assert choose_renderer("pandoc") == "pandoc"
    with pytest.raises(RenderError) as excinfo:
        choose_renderer("quarto")
    message = str(excinfo.value)
    assert "no está instalada" in message
    assert "pip install quarto-cli" in message and "conda-forge" in message
    with pytest.raises(RenderError, match="desconocido"):
        choose_renderer("latex")


FAKE_QUARTO = """\
#!{python}
import json, os, pathlib, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("1.5.57")
    sys.exit(0)
log = pathlib.Path(os.environ["FAKE_QUARTO_LOG"])
log.write_text(json.dumps({{"args": args, "cwd": os.getcwd()}}), encoding="utf-8")
site = pathlib.Path.cwd() / "_site"
site.mkdir(exist_ok=True)
stem = pathlib.Path(args[1]).stem
(site / (stem + ".html")).write_text("<html lang='es'></html>", encoding="utf-8")
(site / (stem + ".pdf")).write_bytes(b"%PDF-1.7 fake")
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX shebang script")
def test_quarto_path_uses_quarto_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(FAKE_QUARTO.format(python=sys.executable), encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    log = tmp_path / "quarto-args.json"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))

    report_dir = tmp_path / "report"
    report_dir.mkdir()
    repo_quarto_yml = Path(render.DEFAULT_ASSETS_DIR) / "_quarto.yml"
    shutil.copy(repo_quarto_yml, report_dir / "_quarto.yml")
    qmd = report_dir / "informe.qmd"
    qmd.write_text(FIXTURE_QMD, encoding="utf-8")

    assert choose_renderer("auto") == "quarto"
    assert quarto_command(qmd, "quarto") == ["quarto", "render", "informe.qmd"]
    out_dir = tmp_path / "salida"
    outputs = render_report(qmd, out_dir, renderer="auto")

    import json

    recorded = json.loads(log.read_text(encoding="utf-8"))
    assert recorded["args"] == ["render", "informe.qmd"]
    assert Path(recorded["cwd"]).resolve() == report_dir.resolve()
    assert outputs == {"html": out_dir / "informe.html", "pdf": out_dir / "informe.pdf"}
    assert outputs["pdf"].read_bytes().startswith(b"%PDF")
    # Quarto wrote into report/_site as configured in _quarto.yml.
    assert (report_dir / "_site" / "informe.html").is_file()


@pytest.mark.skipif(os.name == "nt", reason="POSIX shebang script")
def test_old_quarto_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text("#!/bin/sh\necho 1.3.450\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    report_dir = tmp_path / "report"
    report_dir.mkdir()
    shutil.copy(Path(render.DEFAULT_ASSETS_DIR) / "_quarto.yml", report_dir / "_quarto.yml")
    qmd = report_dir / "informe.qmd"
    qmd.write_text(FIXTURE_QMD, encoding="utf-8")
    with pytest.raises(RenderError, match="demasiado antiguo"):
        render_report(qmd, tmp_path / "out", renderer="quarto")


def test_quarto_yml_declares_both_formats() -> None:
    import yaml

    config = yaml.safe_load((Path(render.DEFAULT_ASSETS_DIR) / "_quarto.yml").read_text("utf-8"))
    assert config["project"]["output-dir"] == "_site"
    assert config["lang"] == "es"
    html = config["format"]["html"]
    assert html["embed-resources"] is True
    assert html["html-math-method"] == "mathml"
    assert config["format"]["typst"]["papersize"] == "a4"
    assert config["format"]["typst"]["section-numbering"]
