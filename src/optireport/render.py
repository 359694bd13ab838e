"""Render the Quarto-syntax report (``report/informe.qmd``) to self-contained HTML and PDF.

Two real code paths:

* ``quarto``: when the Quarto CLI (>= 1.4) is on ``PATH`` we run ``quarto render informe.qmd``
  inside the report folder; ``report/_quarto.yml`` defines the ``html`` and ``typst`` formats
  and the output folder (``_site``).
* ``pandoc`` (the default on machines without Quarto): the SAME ``.qmd`` is converted with the
  bundled Pandoc (pypandoc-binary) to HTML (``--embed-resources``, MathML, ``styles.css``) and to
  Typst, and the Typst source is compiled to PDF with the ``typst`` Python wheel. Cross references
  (``@fig-x``, ``@tbl-x``, ``@sec-x``) are resolved by ``report/crossref.lua``.

Public API: :func:`render_report`, :func:`choose_renderer`, :func:`check_html_offline`.
Error messages are in Spanish because they are shown to the report's users.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

RENDERERS = ("auto", "quarto", "pandoc")

# Folder holding crossref.lua / styles.css / _quarto.yml in this repository. Files next to the
# .qmd take precedence, so a report folder can carry its own copies.
DEFAULT_ASSETS_DIR = Path(__file__).resolve().parents[2] / "report"

QUARTO_INSTALL_HINT = (
    "Instálelo con `pip install quarto-cli` (si hay acceso a internet), con conda "
    "(`conda install -c conda-forge quarto`) o desde https://quarto.org/docs/get-started/; "
    'o use renderer="pandoc" / "auto" para el motor Pandoc + Typst incluido.'
)

# Extra Typst rules inserted before the body (after Pandoc's template preamble). They only touch
# things Pandoc's `conf()` does not set, so they are not overridden by it.
TYPST_HEADER = r"""
// --- optireport: house style for the PDF ---
#set text(font: ("Libertinus Serif", "New Computer Modern", "DejaVu Serif"), hyphenate: true)
#show raw: set text(font: ("DejaVu Sans Mono", "New Computer Modern Mono"))
#show raw.where(block: true): set text(size: 8.5pt)
#show raw.where(block: true): it => block(
  width: 100%, fill: luma(246), stroke: 0.5pt + luma(215), radius: 3pt,
  inset: (x: 8pt, y: 7pt), breakable: true, it,
)
#show raw.where(block: false): box.with(
  fill: luma(242), inset: (x: 2pt), outset: (y: 2pt), radius: 2pt,
)
#show heading: set block(above: 1.5em, below: 0.8em)
#show heading.where(level: 1): set text(size: 1.3em)
#show heading.where(level: 2): set text(size: 1.12em)
// Tables: smaller type, light rules, bold header; auto columns shrink and wrap to the text width.
#show figure.where(kind: table): set text(size: 9pt)
#show figure.where(kind: table): set par(justify: false)
#set table(
  inset: (x: 5pt, y: 4pt),
  stroke: (x, y) => (
    top: if y == 0 { 0.8pt } else { 0pt },
    bottom: if y == 0 { 0pt } else { 0.4pt + luma(210) },
  ),
)
#show table.cell.where(y: 0): strong
// Uncaptioned figures/tables are not numbered (crossref.lua does the same for the HTML).
#show figure.where(caption: none): set figure(numbering: none)
#set figure(gap: 0.9em)
#show figure: set block(above: 1.4em, below: 1.4em)
#show figure.caption: set text(size: 0.9em)
// Pandoc writes multi-line captions (`[\n  text\n]`): drop the edge spaces so that
// "Figura 1: Leyenda" does not get a double space after the colon.
#let optireport-trim(body) = {
  if body.func() == [].func() {
    let ch = body.children
    while ch.len() > 0 and ch.first() == [ ] { ch = ch.slice(1) }
    while ch.len() > 0 and ch.last() == [ ] { ch = ch.slice(0, -1) }
    ch.join()
  } else { body }
}
#show figure.caption: it => block(width: 100%, inset: (x: 1.5em), align(center, context {
  let body = optireport-trim(it.body)
  if it.numbering == none { body } else {
    [#it.supplement~#it.counter.display(it.numbering)#it.separator] + body
  }
}))
#show link: set text(fill: rgb("#1f5fa6"))
#show ref: set text(fill: rgb("#1f5fa6"))
#show outline: it => { it; pagebreak(weak: true) }
#show outline.entry.where(level: 1): set text(weight: "bold")
#show outline.entry.where(level: 1): set block(above: 1.0em)
"""

# Metadata defaults for both outputs; values in the .qmd front matter take precedence.
COMMON_METADATA = """\
lang: es
"""

# Metadata defaults for the Typst output; values in the .qmd front matter take precedence.
TYPST_METADATA = """\
papersize: a4
section-numbering: "1.1"
page-numbering: "1"
fontsize: 10.5pt
margin:
  x: 2.3cm
  y: 2.5cm
"""


class RenderError(RuntimeError):
    """Raised when the report cannot be rendered (message in Spanish)."""


# --------------------------------------------------------------------------------------------
# Renderer selection
# --------------------------------------------------------------------------------------------


def quarto_executable() -> str | None:
    """Path of the Quarto CLI, or ``None`` when it is not on ``PATH``."""
    return shutil.which("quarto")


def choose_renderer(renderer: str = "auto") -> str:
    """Resolve ``renderer`` ("auto", "quarto" or "pandoc") to "quarto" or "pandoc".

    "auto" picks Quarto when its CLI is on ``PATH`` and Pandoc + Typst otherwise.
    """
    if renderer not in RENDERERS:
        raise RenderError(
            f"Motor de renderizado desconocido: {renderer!r}. "
            f"Valores válidos: {', '.join(RENDERERS)}."
        )
    if renderer == "pandoc":
        return "pandoc"
    has_quarto = quarto_executable() is not None
    if renderer == "quarto" and not has_quarto:
        raise RenderError(
            "Se pidió el motor «quarto», pero la herramienta Quarto (CLI) no está instalada "
            "o no está en el PATH. " + QUARTO_INSTALL_HINT
        )
    return "quarto" if has_quarto else "pandoc"


def render_report(qmd_path: Path, out_dir: Path, renderer: str = "auto") -> dict[str, Path]:
    """Render ``qmd_path`` to ``out_dir/<stem>.html`` and ``out_dir/<stem>.pdf``.

    Relative resources (``figures/...``) are resolved against the folder of the ``.qmd``.
    Returns ``{"html": Path, "pdf": Path}``.
    """
    qmd_path = Path(qmd_path).resolve()
    out_dir = Path(out_dir).resolve()
    if not qmd_path.is_file():
        raise RenderError(f"No se encuentra el documento a renderizar: {qmd_path}")
    engine = choose_renderer(renderer)
    out_dir.mkdir(parents=True, exist_ok=True)
    if engine == "quarto":
        return _render_with_quarto(qmd_path, out_dir)
    return _render_with_pandoc(qmd_path, out_dir)


# --------------------------------------------------------------------------------------------
# Quarto path
# --------------------------------------------------------------------------------------------


MIN_QUARTO_VERSION = (1, 4)


def quarto_version(quarto: str = "quarto") -> tuple[int, ...] | None:
    """Version reported by ``quarto --version`` (``None`` if it cannot be determined)."""
    try:
        proc = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", proc.stdout)
    if proc.returncode != 0 or match is None:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def quarto_command(qmd_path: Path, quarto: str = "quarto") -> list[str]:
    """Command line used to render ``qmd_path`` with Quarto (run inside its folder)."""
    return [quarto, "render", Path(qmd_path).name]


def _quarto_output_dir(project_dir: Path) -> Path:
    """Output folder declared in ``_quarto.yml`` (``project: output-dir``), else the project."""
    config = project_dir / "_quarto.yml"
    if config.is_file():
        import yaml

        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        project = data.get("project") or {}
        if isinstance(project, dict) and project.get("output-dir"):
            return (project_dir / str(project["output-dir"])).resolve()
    return project_dir


def _render_with_quarto(qmd_path: Path, out_dir: Path) -> dict[str, Path]:
    quarto = quarto_executable()
    if quarto is None:  # pragma: no cover - guarded by choose_renderer
        raise RenderError("Quarto no está disponible. " + QUARTO_INSTALL_HINT)
    project_dir = qmd_path.parent
    if not (project_dir / "_quarto.yml").is_file():
        raise RenderError(
            f"Falta {project_dir / '_quarto.yml'}: Quarto lo necesita para saber qué formatos "
            "(html y typst) generar."
        )
    version = quarto_version(quarto)
    if version is not None and version < MIN_QUARTO_VERSION:
        raise RenderError(
            f"Quarto {'.'.join(map(str, version))} es demasiado antiguo: el formato typst "
            "requiere Quarto 1.4 o posterior. " + QUARTO_INSTALL_HINT
        )
    cmd = quarto_command(qmd_path, quarto)
    proc = subprocess.run(cmd, cwd=project_dir, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(
            f"Quarto falló (código {proc.returncode}) al renderizar {qmd_path.name}:\n"
            f"{proc.stderr.strip() or proc.stdout.strip()}"
        )
    produced_dir = _quarto_output_dir(project_dir)
    outputs: dict[str, Path] = {}
    for key, suffix in (("html", ".html"), ("pdf", ".pdf")):
        produced = produced_dir / (qmd_path.stem + suffix)
        if not produced.is_file():
            raise RenderError(
                f"Quarto terminó sin errores pero no generó {produced}. Revise los formatos "
                "de _quarto.yml (html y typst)."
            )
        target = out_dir / produced.name
        if produced.resolve() != target.resolve():
            shutil.copy2(produced, target)
        outputs[key] = target
    return outputs


# --------------------------------------------------------------------------------------------
# Pandoc + Typst path
# --------------------------------------------------------------------------------------------


def _pandoc_path() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        found = shutil.which("pandoc")
        if found:
            return found
        raise RenderError(
            "No se encuentra Pandoc. Instale `pypandoc-binary` (pip install pypandoc-binary)."
        ) from exc


def _asset(qmd_dir: Path, name: str) -> Path:
    """``name`` next to the .qmd if present, else the repository's ``report/`` copy."""
    for candidate in (qmd_dir / name, DEFAULT_ASSETS_DIR / name):
        if candidate.is_file():
            return candidate
    raise RenderError(
        f"Falta el archivo auxiliar {name} (ni en {qmd_dir} ni en {DEFAULT_ASSETS_DIR})."
    )


def _run_pandoc(args: Sequence[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True)
    if proc.stderr.strip():
        # Filter warnings (unknown references, ...) must reach the user.
        sys.stderr.write(proc.stderr if proc.stderr.endswith("\n") else proc.stderr + "\n")
    if proc.returncode != 0:
        raise RenderError(
            f"Pandoc falló (código {proc.returncode}) al generar {what}:\n{proc.stderr.strip()}"
        )
    missing = re.findall(r"Could not fetch resource '?([^'\n]+)'?", proc.stderr)
    if missing:
        raise RenderError(
            f"Faltan recursos al generar {what} (las rutas son relativas a la carpeta del "
            f".qmd, {cwd}): {', '.join(sorted(set(missing)))}"
        )


def _pandoc_common_args(pandoc: str, qmd_path: Path, lua: Path) -> list[str]:
    qmd_dir = qmd_path.parent
    return [
        pandoc,
        str(qmd_path),
        "--from=markdown",
        f"--lua-filter={lua}",
        f"--resource-path={qmd_dir}{os.pathsep}.",
        "--standalone",
        "--toc",
        "--toc-depth=2",
        "--number-sections",
    ]


def _source_date_epoch() -> int | None:
    """Honour SOURCE_DATE_EPOCH (reproducible PDF metadata) when it is set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _render_with_pandoc(qmd_path: Path, out_dir: Path) -> dict[str, Path]:
    import typst

    qmd_dir = qmd_path.parent
    pandoc = _pandoc_path()
    lua = _asset(qmd_dir, "crossref.lua")
    css = _asset(qmd_dir, "styles.css")
    html_out = out_dir / f"{qmd_path.stem}.html"
    pdf_out = out_dir / f"{qmd_path.stem}.pdf"

    with tempfile.TemporaryDirectory(prefix="optireport-") as tmp:
        tmp_dir = Path(tmp)
        # Defaults only: values in the .qmd front matter take precedence over metadata files.
        common_meta = tmp_dir / "defaults.yaml"
        common_meta.write_text(COMMON_METADATA, encoding="utf-8")
        common = _pandoc_common_args(pandoc, qmd_path, lua) + [f"--metadata-file={common_meta}"]
        header = tmp_dir / "header.typ"
        header.write_text(TYPST_HEADER, encoding="utf-8")
        meta = tmp_dir / "typst-defaults.yaml"
        meta.write_text(TYPST_METADATA, encoding="utf-8")
        typ_out = tmp_dir / f"{qmd_path.stem}.typ"

        html_args = common + [
            "--to=html5",
            "--embed-resources",
            "--mathml",
            f"--css={css}",
            f"--output={html_out}",
        ]
        typst_args = common + [
            "--to=typst",
            f"--metadata-file={meta}",
            f"--include-in-header={header}",
            f"--output={typ_out}",
        ]
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [
                pool.submit(_run_pandoc, html_args, qmd_dir, "el HTML"),
                pool.submit(_run_pandoc, typst_args, qmd_dir, "el código Typst"),
            ]
            for job in jobs:
                job.result()

        # Compile from bytes with the .qmd folder as root, so `figures/x.svg` resolves
        # exactly as in the HTML.
        source = typ_out.read_bytes()
        try:
            typst.compile(
                source, output=str(pdf_out), root=str(qmd_dir), timestamp=_source_date_epoch()
            )
        except Exception as exc:  # typst.TypstError carries the diagnostic
            debug_copy = out_dir / f"{qmd_path.stem}.typ"
            shutil.copy2(typ_out, debug_copy)
            raise RenderError(
                f"Typst no pudo compilar el PDF de {qmd_path.name}: {exc}\n"
                f"Se guardó el código intermedio en {debug_copy} para depurarlo."
            ) from exc
    # A debugging copy left by an earlier failed compile is stale now.
    (out_dir / f"{qmd_path.stem}.typ").unlink(missing_ok=True)
    return {"html": html_out, "pdf": pdf_out}


# --------------------------------------------------------------------------------------------
# Offline check
# --------------------------------------------------------------------------------------------

_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
_RESOURCE_ATTRS = {"src", "href", "srcset", "data", "poster", "xlink:href"}
_RESOURCE_TAGS = {
    "link",
    "script",
    "img",
    "image",
    "source",
    "iframe",
    "embed",
    "object",
    "video",
    "audio",
    "track",
    "use",
    "input",
}


class _ExternalRefFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name == "style":
                self.found.extend(_CSS_URL.findall(value))
            if tag not in _RESOURCE_TAGS or name not in _RESOURCE_ATTRS:
                continue
            candidates = [part.strip().split(" ")[0] for part in value.split(",")]
            if name != "srcset":
                candidates = [value.strip()]
            for url in candidates:
                if _EXTERNAL.match(url):
                    self.found.append(f"<{tag} {name}={url}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(_CSS_URL.findall(data))


def check_html_offline(html_text: str) -> list[str]:
    """Return the external resources (``http(s)://`` or ``//`` URLs) a page would load.

    Looks at ``src``/``href``/``srcset``... of ``link``, ``script``, ``img``, ``source``,
    ``iframe`` and similar tags, plus ``url(...)``/``@import`` inside CSS. Ordinary hyperlinks
    (``<a href>``) are not resources and are ignored. An empty list means the page works offline.
    """
    finder = _ExternalRefFinder()
    finder.feed(html_text)
    finder.close()
    return finder.found
