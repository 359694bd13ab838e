"""Render the Quarto-syntax report (``report/informe.qmd``) to self-contained HTML and PDF.

Two renderers read the same settings in ``report/`` (:data:`REPORT_DIR`): ``_quarto.yml``
(metadata), ``styles.css`` (HTML house style) and ``style.typ`` (PDF house style).

* ``quarto`` (chosen by ``auto`` when the Quarto CLI is on ``PATH``): ``quarto render``.
* ``pandoc``: the bundled Pandoc with ``pandoc-html.yaml`` / ``pandoc-typst.yaml`` (Pandoc
  defaults files, with ``quarto-stand-in.lua`` for cross references, the date and conditional
  content), then the ``typst`` Python package compiles the PDF.

Either way the work happens in a temporary folder, and each finished file is copied next to
its target and renamed into place: a render that is killed leaves the previous complete HTML/PDF
(or none), never a partial file. Error messages are in Spanish: the report's users read them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from optireport.store import atomic, paths

RENDERERS = ("auto", "quarto", "pandoc")

REPORT_DIR = paths.REPORT_DIR
# What a Quarto render needs from REPORT_DIR besides the .qmd and its figures.
QUARTO_FILES = (
    "_quarto.yml",
    "styles.css",
    "style.typ",
    "pdf-metadata.lua",
    "fold.lua",
    "tables.lua",
    "print-figures.lua",
)
# The settings and house style of both renderers (_quarto.yml says who reads what): the render
# rule takes them all as inputs.
PANDOC_FILES = ("pandoc.yaml", "pandoc-html.yaml", "pandoc-typst.yaml", "quarto-stand-in.lua")
SETTINGS_FILES = QUARTO_FILES + PANDOC_FILES
MIN_QUARTO_VERSION = (1, 4)

QUARTO_INSTALL_HINT = (
    "Instálelo desde https://quarto.org/docs/get-started/, con conda "
    "(`conda install -c conda-forge quarto`) o con `pip install quarto-cli` (si hay acceso a "
    'internet); o use renderer: "pandoc" (o "auto") para el motor Pandoc + Typst incluido.'
)


class RenderError(RuntimeError):
    """Raised when the report cannot be rendered (message in Spanish)."""


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

    Relative resources (``figures/...``) are resolved against the folder of the ``.qmd``. The
    output of Quarto, Pandoc and Typst (warnings included) goes to ``sys.stderr``.
    Returns ``{"html": Path, "pdf": Path}``.
    """
    qmd_path = Path(qmd_path).resolve()
    out_dir = Path(out_dir).resolve()
    if not qmd_path.is_file():
        raise RenderError(f"No se encuentra el documento a renderizar: {qmd_path}")
    engine = choose_renderer(renderer)
    out_dir.mkdir(parents=True, exist_ok=True)
    # The work folder is not inside out_dir: Quarto does not treat a folder under a hidden
    # one (such as ".render-x/") as a project.
    with tempfile.TemporaryDirectory(prefix="optireport-render-") as work:
        if engine == "quarto":
            produced = _render_with_quarto(qmd_path, Path(work), out_dir)
        else:
            produced = _render_with_pandoc(qmd_path, Path(work), out_dir)
        outputs = {}
        for kind, path in produced.items():
            outputs[kind] = out_dir / path.name
            with atomic.replacing(outputs[kind]) as temporary:
                shutil.copyfile(path, temporary)
    return outputs


def _run(args: list[str], cwd: Path, what: str) -> str:
    """Run ``args``, copying its output line by line to ``sys.stderr``; return that output."""
    lines = []
    env = {**os.environ, "NO_COLOR": "1"}  # plain text in the logs (Quarto colours by default)
    with subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            sys.stderr.write(line)
    output = "".join(lines)
    if proc.returncode != 0:
        tail = "".join(lines[-40:]).strip()
        raise RenderError(f"{what} falló (código {proc.returncode}):\n{tail}")
    return output


# --------------------------------------------------------------------------------------------
# Quarto
# --------------------------------------------------------------------------------------------


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


def _render_with_quarto(qmd_path: Path, work: Path, out_dir: Path) -> dict[str, Path]:
    quarto = quarto_executable()
    if quarto is None:  # pragma: no cover - guarded by choose_renderer
        raise RenderError("Quarto no está disponible. " + QUARTO_INSTALL_HINT)
    version = quarto_version(quarto)
    if version is not None and version < MIN_QUARTO_VERSION:
        raise RenderError(
            f"Quarto {'.'.join(map(str, version))} es demasiado antiguo: el formato typst "
            "requiere Quarto 1.4 o posterior. " + QUARTO_INSTALL_HINT
        )
    # A private copy of the project: Quarto's own files (.quarto/, .gitignore, a copy of the
    # figures in the output folder) stay in `work`, never in the repository.
    project = work / "project"
    project.mkdir()
    for name in QUARTO_FILES:
        shutil.copy2(REPORT_DIR / name, project / name)
    # The .qmd and the folders beside it (figures/), except hidden ones, "_site"-like ones and
    # the output folder.
    shutil.copy2(qmd_path, project / qmd_path.name)
    skipped = {out_dir, *out_dir.parents}
    for entry in qmd_path.parent.iterdir():
        if entry.is_dir() and entry.name[0] not in "._" and entry not in skipped:
            shutil.copytree(entry, project / entry.name)
    _run([quarto, "render", qmd_path.name], project, "Quarto")
    site = project / "_site"  # project: output-dir in _quarto.yml
    outputs = {kind: site / f"{qmd_path.stem}.{kind}" for kind in ("html", "pdf")}
    for path in outputs.values():
        if not path.is_file():
            raise RenderError(
                f"Quarto terminó sin errores pero no generó {path.name}. Revise los formatos "
                "de report/_quarto.yml (html y typst)."
            )
    return outputs


# --------------------------------------------------------------------------------------------
# Pandoc + Typst
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


def _run_pandoc(qmd_path: Path, defaults: str, output: Path, what: str) -> None:
    args = [_pandoc_path(), qmd_path.name, f"--defaults={REPORT_DIR / defaults}", "-o", output]
    log = _run([str(arg) for arg in args], qmd_path.parent, f"Pandoc, al generar {what},")
    missing = re.findall(r"Could not fetch resource '?([^'\n]+)'?", log)
    if missing:
        raise RenderError(
            f"Faltan recursos al generar {what} (las rutas son relativas a la carpeta del "
            f".qmd, {qmd_path.parent}): {', '.join(sorted(set(missing)))}"
        )


def _source_date_epoch() -> int | None:
    """Honour SOURCE_DATE_EPOCH (reproducible PDF metadata) when it is set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _render_with_pandoc(qmd_path: Path, work: Path, out_dir: Path) -> dict[str, Path]:
    import typst

    stem = qmd_path.stem
    html, typ, pdf = (work / f"{stem}.{suffix}" for suffix in ("html", "typ", "pdf"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(_run_pandoc, qmd_path, "pandoc-html.yaml", html, "el HTML"),
            pool.submit(_run_pandoc, qmd_path, "pandoc-typst.yaml", typ, "el código Typst"),
        ]
        for job in jobs:
            job.result()
    # Compiled with the .qmd folder as root, so `figures/x.svg` resolves as in the HTML.
    debug_copy = out_dir / typ.name
    try:
        typst.compile(
            typ.read_bytes(),
            output=str(pdf),
            root=str(qmd_path.parent),
            timestamp=_source_date_epoch(),
        )
    except Exception as exc:  # typst.TypstError carries the diagnostic
        shutil.copy2(typ, debug_copy)
        raise RenderError(
            f"Typst no pudo compilar el PDF de {qmd_path.name}: {exc}\n"
            f"Se guardó el código intermedio en {debug_copy} para depurarlo."
        ) from exc
    debug_copy.unlink(missing_ok=True)  # left by an earlier failed compile
    return {"html": html, "pdf": pdf}
