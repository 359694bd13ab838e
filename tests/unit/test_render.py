"""Tests for optireport.report.render: Pandoc + Typst rendering and the Quarto command line."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pypdf
import pytest
from helpers.html_offline import external_resources
from helpers.reader_view import comparable_pdf_view, html_view

from optireport.report import render
from optireport.report.render import RenderError, choose_renderer, render_report

LUA = render.REPORT_DIR / "quarto-stand-in.lua"


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

    x = np.linspace(0, 3, 200)
    # Each figure for the screen (the HTML) and, wider and less tall, for print (the PDF).
    for folder, size in ((fig_dir, (6, 3.5)), (fig_dir / "print", (6.5, 2.5))):
        folder.mkdir(parents=True, exist_ok=True)
        for name, y, label in (
            ("perdida", np.exp(-x) + 0.05, "pérdida"),
            ("paso", x * np.sin(x**2), "J(x)"),
        ):
            fig, ax = plt.subplots(figsize=size)
            ax.plot(x, y, label=label)
            ax.set_xlabel("época")
            ax.set_title(f"Gráfica de {label}")
            ax.legend()
            fig.tight_layout()
            fig.savefig(folder / f"{name}.svg", format="svg")
            plt.close(fig)


def write_fixture(directory: Path) -> Path:
    """Write the fixture report (qmd + two SVG figures, for screen and print) into
    ``directory``."""
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
    assert external_resources(html) == []
    # The two figures are embedded (inline SVG or data URI), and our stylesheet is inlined.
    embedded = html.count("<svg") + html.count('src="data:image/svg+xml')
    assert embedded >= 2
    assert "--measure: 48rem" in html


def test_external_resources_are_found() -> None:
    page = """<html><head>
    <link rel="stylesheet" href="https://cdn.example.com/x.css">
    <script src="//cdn.example.com/x.js"></script>
    <style>@import url("https://fonts.example.com/f.css"); body{}</style>
    </head><body><img src="http://example.com/a.png"><img src="data:image/png;base64,AA">
    <a href="https://quarto.org">enlace normal</a></body></html>"""
    found = external_resources(page)
    assert len(found) == 4
    assert any("cdn.example.com/x.css" in f for f in found)
    assert any("cdn.example.com/x.js" in f for f in found)
    assert any("fonts.example.com" in f for f in found)
    assert any("example.com/a.png" in f for f in found)
    assert (
        external_resources('<img src="data:image/png;base64,AA"><a href="https://x.org">x</a>')
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


def render_without_print_figures(directory: Path, renderer: str) -> None:
    """Render the fixture report whose figures/print/ is missing."""
    qmd = write_fixture(directory)
    shutil.rmtree(directory / "figures" / "print")
    render_report(qmd, directory / "_site", renderer=renderer)


def test_the_pdf_shows_the_print_figures(tmp_path: Path) -> None:
    # print-figures.lua: the Typst source names figures/print/NAME.svg; the HTML, figures/.
    with pytest.raises(RenderError, match="print/(perdida|paso).svg"):
        render_without_print_figures(tmp_path, "pandoc")


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


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell script")
def test_old_quarto_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "quarto"
    old.write_text("#!/bin/sh\necho 1.3.450\n", encoding="utf-8")
    old.chmod(old.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    qmd = write_fixture(tmp_path / "report")
    with pytest.raises(RenderError, match="demasiado antiguo"):
        render_report(qmd, tmp_path / "out", renderer="quarto")


# --------------------------------------------------------------------------------------------
# The real Quarto CLI (skipped with an install hint where there is none; a failure in CI)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def both_renderers(quarto: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The fixture report, plus an unknown reference, rendered by Quarto and by Pandoc + Typst."""
    src = tmp_path_factory.mktemp("both")
    qmd = write_fixture(src)
    qmd.write_text(FIXTURE_QMD + "\nEsta referencia no existe: @fig-nada.\n", encoding="utf-8")
    before = sorted(path.relative_to(src) for path in src.rglob("*"))
    result: dict = {"src": src, "before": before}
    for name in ("quarto", "pandoc"):
        log = io.StringIO()
        with contextlib.redirect_stderr(log):
            result[name] = render_report(qmd, src / f"_site-{name}", renderer=name)
        result[f"{name} log"] = log.getvalue()
    return result


def test_quarto_and_pandoc_give_the_reader_the_same_document(both_renderers: dict) -> None:
    html = {
        name: html_view(both_renderers[name]["html"].read_text(encoding="utf-8"))
        for name in ("quarto", "pandoc")
    }
    assert html["quarto"] == html["pandoc"]
    assert html["quarto"]["headings"] == [
        "Índice",
        "1 Introducción",
        "1.1 Método",
        "2 Resultados y discusión",
    ]
    assert html["quarto"]["captions"] == [
        "Figura 1: Evolución de la pérdida por época",
        "Tabla 1: Resumen de los optimizadores comparados.",
        "Figura 2: Comparación de tamaños de paso",
    ]
    assert html["quarto"]["dates"] == ["1 de mayo de 2024"]
    assert html["quarto"]["external resources"] == []

    pdf = {name: comparable_pdf_view(both_renderers[name]["pdf"]) for name in ("quarto", "pandoc")}
    assert pdf["quarto"] == pdf["pandoc"]
    assert pdf["quarto"]["title"] == "Informe de prueba"
    assert pdf["quarto"]["author"] == "Equipo del curso"
    assert pdf["quarto"]["language"] == "es"
    assert pdf["quarto"]["page sizes (pt)"] == [(595, 842)]  # A4
    assert pdf["quarto"]["caption labels"] == ["Figura 1", "Figura 2", "Tabla 1"]


def test_quarto_pdf_shows_the_print_figures(quarto: str, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="print/(perdida|paso).svg"):
        render_without_print_figures(tmp_path, "quarto")


def test_quarto_warnings_reach_stderr(both_renderers: dict) -> None:
    assert "fig-nada" in both_renderers["quarto log"]
    assert "fig-nada" in both_renderers["pandoc log"]
    text = both_renderers["quarto"]["html"].read_text(encoding="utf-8")
    assert "?@fig-nada" in text


def test_quarto_leaves_nothing_behind(both_renderers: dict) -> None:
    src = both_renderers["src"]
    after = sorted(
        path.relative_to(src)
        for path in src.rglob("*")
        if not path.relative_to(src).parts[0].startswith("_site-")
    )
    assert after == both_renderers["before"]  # no .quarto/, .gitignore or copied figures
    for name in ("quarto", "pandoc"):
        site = src / f"_site-{name}"
        assert sorted(p.name for p in site.iterdir()) == ["informe.html", "informe.pdf"], name


def test_quarto_failure_shows_its_output(quarto: str, tmp_path: Path) -> None:
    qmd = tmp_path / "roto.qmd"
    qmd.write_text("# Uno\n\n![Leyenda](figures/no-existe.svg){#fig-x}\n", encoding="utf-8")
    log = io.StringIO()
    with contextlib.redirect_stderr(log), pytest.raises(RenderError, match="Quarto falló"):
        render_report(qmd, tmp_path / "out", renderer="quarto")
    assert "no-existe.svg" in log.getvalue()
    assert not (tmp_path / "out" / "roto.html").exists()


# --------------------------------------------------------------------------------------------
# A killed render
# --------------------------------------------------------------------------------------------

RENDER_IN_CHILD = """\
import sys
from optireport.report.render import render_report
render_report(sys.argv[1], sys.argv[2], renderer="pandoc")
"""

# The same, but the process kills itself half-way through writing the final HTML file.
DIE_WHILE_WRITING = """\
import os, shutil, signal, sys
from optireport.report import render

def copy_half_then_die(src, dst, **kwargs):
    data = open(src, "rb").read()
    with open(dst, "wb") as out:
        out.write(data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)

shutil.copyfile = copy_half_then_die
render.render_report(sys.argv[1], sys.argv[2], renderer="pandoc")
"""


def test_a_killed_render_leaves_the_old_files_or_the_new_ones(tmp_path: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    src = tmp_path / "src"
    qmd = write_fixture(src)
    out = tmp_path / "_site"
    subprocess.run([sys.executable, "-c", RENDER_IN_CHILD, qmd, out], env=env, check=True)
    old = {path.name: path.read_bytes() for path in out.iterdir()}
    assert sorted(old) == ["informe.html", "informe.pdf"]
    # A changed document, rendered once elsewhere to know the new files byte for byte.
    qmd.write_text(FIXTURE_QMD.replace("Informe de prueba", "Informe revisado"), "utf-8")
    render_in_child = [sys.executable, "-c", RENDER_IN_CHILD, qmd]
    subprocess.run([*render_in_child, tmp_path / "new"], env=env, check=True)
    new = {path.name: path.read_bytes() for path in (tmp_path / "new").iterdir()}
    assert new["informe.html"] != old["informe.html"]

    killed = subprocess.run([sys.executable, "-c", DIE_WHILE_WRITING, qmd, out], env=env)
    assert killed.returncode == -signal.SIGKILL
    assert {path.name: path.read_bytes() for path in out.glob("informe.*")} == old

    # Killed at any moment: each file is the old one or the new one, whole.
    for delay in (0.3, 0.8, 1.3, 1.8, 2.5, 3.5):
        child = subprocess.Popen([sys.executable, "-c", RENDER_IN_CHILD, qmd, out], env=env)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        for path in out.glob("informe.*"):
            assert path.read_bytes() in (old[path.name], new[path.name]), (delay, path.name)
    subprocess.run([sys.executable, "-c", RENDER_IN_CHILD, qmd, out], env=env, check=True)
    assert {path.name: path.read_bytes() for path in out.glob("informe.*")} == new


def test_render_rule_log_gets_everything_and_the_terminal_the_warnings(tmp_path: Path) -> None:
    log = tmp_path / "render.log"
    script = (
        "import sys\n"
        "from optireport.store.joblog import redirect_to_log_echoing_warnings\n"
        f"redirect_to_log_echoing_warnings({str(log)!r})\n"
        "sys.stderr.write('[typst]: Compiling informe.typ\\n')\n"
        "sys.stderr.write('WARN: Unable to resolve crossref @fig-nada\\n')\n"
        "print('Informe generado')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "WARN: Unable to resolve crossref @fig-nada\n"
    assert proc.stdout == ""
    assert log.read_text(encoding="utf-8").splitlines() == [
        "[typst]: Compiling informe.typ",
        "WARN: Unable to resolve crossref @fig-nada",
        "Informe generado",
    ]
