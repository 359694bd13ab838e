"""Publish the rendered report as a course site: a folder or a git branch (GitHub Pages).

Usage: ``python -m optireport.report.publish [--config config/config.yaml] [--target folder|git]
[--folder DIR] [--repository URL] [--branch NAME] [--force]`` (``make publish``).

The site keeps every edition under ``ediciones/<fecha>/`` and serves the newest one at its
root, with an ``index.html`` in Spanish that gives each edition's build date, commit and
configuration digest. An edition is identified by the content of its HTML and PDF, so
publishing the same report twice changes nothing. Before touching the target, publishing
checks that the report exists, is not older than ``results/summary.json``, matches the
edition record written by the workflow (``results/edition.json``), and that ``config/`` has
no uncommitted changes (``--force`` skips only that last check). Branches are written with
``ghp-import``.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from optireport.config.check import ConfigError, check_config
from optireport.config.jobs import report_config
from optireport.store import atomic, paths

REPORT_DIR = Path("report/_site")
# The report and its technical annex, each as HTML and PDF.
FILES = ("informe.html", "informe.pdf", "anexo.html", "anexo.pdf")
SUMMARY = Path(paths.SUMMARY)
EDITION = Path(paths.EDITION)
SCHEMA = Path("workflow/schemas/config.schema.yaml")
EDITIONS = "ediciones"
TITLE = "Optimizadores para redes neuronales"

MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()


class PublishError(RuntimeError):
    """Publishing refused or failed; the message (in Spanish) says why and what to do."""


# --------------------------------------------------------------------------------------------
# The edition record, written by the workflow right after the render
# --------------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def config_digest(config: dict) -> str:
    """Short digest of the configuration that shapes the report (publishing options excluded)."""
    shaping = json.loads(json.dumps(report_config(config), sort_keys=True, default=str))
    text = json.dumps(shaping, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def git(*args: str, cwd: Path | str = ".") -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def head_commit(root: Path) -> str | None:
    proc = git("rev-parse", "HEAD", cwd=root)
    return proc.stdout.strip() if proc.returncode == 0 else None


def uncommitted(root: Path, pathspec: str = "config") -> list[str] | None:
    """Files under ``pathspec`` with uncommitted changes; None outside a git repository."""
    proc = git("status", "--porcelain", "--untracked-files=all", "--", pathspec, cwd=root)
    if proc.returncode != 0:
        return None
    return sorted(line[3:] for line in proc.stdout.splitlines() if line.strip())


def record_edition(report_dir: Path, config: dict, output: Path, root: Path = Path(".")) -> dict:
    """Write what identifies this build of the report: date, commit, config digest, hashes."""
    html_path = report_dir / FILES[0]
    built = datetime.fromtimestamp(html_path.stat().st_mtime, tz=UTC)
    record = {
        "built": built.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "commit": head_commit(root),
        "config_changes": uncommitted(root) or [],
        "config_digest": config_digest(config),
        "files": {name: sha256(report_dir / name) for name in FILES},
    }
    atomic.write_text(output, json.dumps(record, indent=2) + "\n")
    return record


# --------------------------------------------------------------------------------------------
# Checks before publishing
# --------------------------------------------------------------------------------------------


def _when(path: Path) -> str:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def check_publishable(root: Path, force: bool = False) -> dict:
    """The edition record of the report in ``root``, or PublishError saying what is wrong."""
    report = root / REPORT_DIR
    missing = [name for name in FILES if not (report / name).is_file()]
    if missing:
        raise PublishError(
            f"No hay informe que publicar: falta {', '.join(str(REPORT_DIR / m) for m in missing)}."
            " Genérelo con «make report» y vuelva a publicar."
        )
    summary = root / SUMMARY
    if not summary.is_file():
        raise PublishError(
            f"Falta {SUMMARY}: no se puede comprobar que el informe esté al día. "
            "Genérelo con «make report» y vuelva a publicar."
        )
    for name in FILES:
        if (report / name).stat().st_mtime < summary.stat().st_mtime:
            raise PublishError(
                f"El informe {REPORT_DIR / name} ({_when(report / name)}) es anterior a "
                f"{SUMMARY} ({_when(summary)}): no refleja los últimos resultados (quizá falló "
                "la última generación). Corrija el error si lo hubo y vuelva a generarlo con "
                "«make report»; no se ha publicado nada."
            )
    try:
        record = atomic.read_json(root / EDITION)
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or record.get("files") != {
        n: sha256(report / n) for n in FILES
    }:
        raise PublishError(
            f"{EDITION} no corresponde al informe actual (falta o es de otra generación). "
            "Vuelva a generarlo con «make report»; no se ha publicado nada."
        )
    changed = uncommitted(root)
    if changed and not force:
        raise PublishError(
            f"Hay cambios sin confirmar en config/ ({', '.join(changed)}): la edición publicada "
            "no diría con qué configuración se generó. Confírmelos con «git commit» y vuelva a "
            "generar el informe, o publique de todos modos con "
            "«make publish PUBLISH_ARGS=--force»; no se ha publicado nada."
        )
    return record


# --------------------------------------------------------------------------------------------
# The site: editions and the index page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    folder: str  # ediciones/<id>
    record: dict

    @property
    def built(self) -> str:
        return self.record["built"]


def spanish_datetime(iso: str) -> str:
    """«27 de noviembre de 2026, 06:40 UTC» from an ISO timestamp in UTC."""
    stamp = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
    return f"{stamp.day} de {MONTHS[stamp.month - 1]} de {stamp.year}, {stamp:%H:%M} UTC"


def read_editions(site: Path) -> list[Edition]:
    """Every edition in ``site`` (those with an edicion.json), newest build first."""
    editions = []
    for record_path in sorted((site / EDITIONS).glob("*/edicion.json")):
        try:
            record = atomic.read_json(record_path)
            datetime.fromisoformat(record["built"].replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            name = record_path.relative_to(site)
            raise PublishError(
                f"El sitio publicado tiene un registro de edición dañado, {name} ({error}). "
                "Corríjalo o bórrelo en el destino; no se ha publicado nada."
            ) from error
        editions.append(Edition(f"{EDITIONS}/{record_path.parent.name}", record))
    return sorted(editions, key=lambda e: (e.built, e.folder), reverse=True)


def add_edition(site: Path, report: Path, record: dict) -> Edition:
    """Copy the report into ``site/ediciones/<date>/`` unless that very report is there."""
    for edition in read_editions(site):
        if edition.record.get("files") == record["files"]:
            return edition
    day = record["built"][:10]
    name, suffix = day, 1
    while (site / EDITIONS / name).exists():
        suffix += 1
        name = f"{day}-{suffix}"
    folder = site / EDITIONS / name
    folder.mkdir(parents=True)
    for file in FILES:
        shutil.copy2(report / file, folder / file)
    atomic.write_text(folder / "edicion.json", json.dumps(record, indent=2) + "\n")
    return Edition(f"{EDITIONS}/{name}", record)


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def _provenance(record: dict) -> str:
    """«commit 3b6ac6bd7b · configuración da21d5ad4fd6» for one edition."""
    commit = record.get("commit")
    text = f"commit <code>{commit[:10]}</code>" if commit else "sin commit conocido"
    if record.get("config_changes"):
        text += " (con cambios sin confirmar en config/)"
    return f"{text} · configuración <code>{html.escape(record['config_digest'])}</code>"


INDEX = """<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.55; color: #1d2433; }}
a {{ color: #1f5fa8; }}
h2 {{ margin-top: 2rem; font-size: 1.2rem; border-bottom: 1px solid #d9dee5; }}
li {{ margin: 0.5rem 0; }}
code {{ font-size: 0.9em; background: #f2f4f7; padding: 0 0.2em; border-radius: 3px; }}
.meta {{ color: #4a5361; font-size: 0.95rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Informe del curso sobre optimizadores de redes neuronales: del descenso por gradiente a
Adam, con un perceptrón multicapa entrenado sobre MNIST.</p>
<h2>Edición actual</h2>
<p class="meta">Generada el {current_date} · {current_meta}</p>
<ul>
<li><a href="informe.html">Leer el informe en el navegador (HTML)</a></li>
<li><a href="informe.pdf">Descargar el informe en PDF</a> ({size})</li>
<li><a href="anexo.html">Anexo técnico</a> (<a href="anexo.pdf">PDF</a>): datos, entorno, tiempos,
grafo de reglas y configuración efectiva</li>
<li>Enlace permanente a esta edición: <a href="{current}/informe.html">{current}/</a></li>
</ul>
<h2>Ediciones anteriores</h2>
{previous}
<p class="meta">Las ediciones se conservan en <code>{editions}/</code>, con la fecha en que se
generó cada informe, para poder enlazar la de un curso concreto.</p>
</body>
</html>
"""


def write_index(site: Path) -> Edition:
    """Serve the newest edition at the root and write ``index.html``; return that edition."""
    editions = read_editions(site)
    current, previous = editions[0], editions[1:]
    for file in FILES:
        source = site / current.folder / file
        target = site / file
        if not (target.is_file() and filecmp.cmp(source, target, shallow=False)):
            shutil.copy2(source, target)
    items = [
        f"<li><strong>{spanish_datetime(e.built)}</strong>: "
        f'<a href="{e.folder}/informe.html">HTML</a> · <a href="{e.folder}/informe.pdf">PDF</a>'
        f'<br><span class="meta">{_provenance(e.record)}</span></li>'
        for e in previous
    ]
    listing = "<ul>\n" + "\n".join(items) + "\n</ul>" if items else "<p>Todavía no hay otras.</p>"
    page = INDEX.format(
        title=html.escape(TITLE),
        current_date=spanish_datetime(current.built),
        current_meta=_provenance(current.record),
        size=_size(site / FILES[1]),
        current=current.folder,
        previous=listing,
        editions=EDITIONS,
    )
    atomic.write_text(site / "index.html", page)
    (site / ".nojekyll").touch()
    return current


def build_site(base: Path | None, report: Path, record: dict, staging: Path) -> Edition:
    """``staging`` = the site in ``base`` (if any) plus this report as an edition, indexed."""
    if base is not None and base.is_dir():
        shutil.copytree(base, staging, ignore=shutil.ignore_patterns(".git"), dirs_exist_ok=True)
    staging.mkdir(parents=True, exist_ok=True)
    add_edition(staging, report, record)
    return write_index(staging)


def tree_files(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    changed: bool
    edition: Edition
    where: str


def publish_folder(root: Path, record: dict, folder: Path) -> Outcome:
    """Add the report to the site in ``folder``; files already there are kept."""
    with tempfile.TemporaryDirectory(prefix="optireport-site-") as tmp:
        staging = Path(tmp) / "site"
        edition = build_site(folder, root / REPORT_DIR, record, staging)
        before, after = tree_files(folder), tree_files(staging)
        changed = [name for name, data in after.items() if before.get(name) != data]
        # The index last: until it is replaced, the old one links only to files that exist.
        for name in sorted(changed, key=lambda n: n == "index.html"):
            with atomic.replacing(folder / name) as temporary:
                shutil.copy2(staging / name, temporary)
    return Outcome(bool(changed), edition, str(folder))


def resolve_repository(root: Path, repository: str) -> str:
    """A remote name of the project's repository becomes its URL; URLs and paths stay."""
    proc = git("remote", "get-url", repository, cwd=root)
    if proc.returncode == 0:
        return proc.stdout.strip()
    candidate = Path(repository)
    if not candidate.is_absolute() and (root / candidate).exists():
        return str((root / candidate).resolve())
    return repository


def _committer(root: Path) -> dict[str, str]:
    """ghp-import's environment: the project's git identity, or a neutral one if it has none."""
    env = dict(os.environ)
    name = git("config", "user.name", cwd=root).stdout.strip()
    email = git("config", "user.email", cwd=root).stdout.strip()
    env.setdefault("GIT_COMMITTER_NAME", name or "optireport")
    env.setdefault("GIT_COMMITTER_EMAIL", email or "optireport@localhost")
    return env


def publish_git(root: Path, record: dict, repository: str, branch: str) -> Outcome:
    """Commit the site to ``branch`` of ``repository`` with ghp-import, and push it."""
    url = resolve_repository(root, repository)
    with tempfile.TemporaryDirectory(prefix="optireport-pages-") as tmp:
        checkout, staging = Path(tmp) / "checkout", Path(tmp) / "site"
        probe = git("ls-remote", "--exit-code", "--heads", url, branch)
        if probe.returncode == 2:  # the repository answers, the branch does not exist yet
            proc = git("clone", "--quiet", "--no-checkout", url, str(checkout))
        elif probe.returncode == 0:
            proc = git("clone", "--quiet", "--single-branch", "-b", branch, url, str(checkout))
        else:
            proc = probe
        if proc.returncode != 0:
            raise PublishError(
                f"No se puede leer el repositorio de publicación «{repository}» ({url}): "
                f"{proc.stderr.strip()}. Revise report.publish.repository; no se ha publicado nada."
            )
        published = checkout if probe.returncode == 0 else None
        edition = build_site(published, root / REPORT_DIR, record, staging)
        if published is not None and tree_files(published) == tree_files(staging):
            return Outcome(False, edition, f"{url} ({branch})")
        message = f"Edición del informe generada el {record['built']} ({edition.folder})"
        command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--push"]
        command += ["--remote", "origin", "--branch", branch, "--message", message, str(staging)]
        proc = subprocess.run(
            command, cwd=checkout, capture_output=True, text=True, env=_committer(root)
        )
        if proc.returncode != 0:
            raise PublishError(
                f"ghp-import no pudo publicar en la rama {branch} de {url}:\n"
                f"{(proc.stderr or proc.stdout).strip()}"
            )
    return Outcome(True, edition, f"{url} ({branch})")


def publish(root: Path, settings: dict, force: bool = False) -> Outcome:
    """Check the report in ``root`` and publish it where ``settings`` (report.publish) says."""
    record = check_publishable(root, force=force)
    if settings.get("target", "folder") == "git":
        return publish_git(root, record, settings["repository"], settings["branch"])
    folder = Path(settings.get("folder", "site"))
    return publish_folder(root, record, folder if folder.is_absolute() else root / folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Publica el informe (HTML y PDF) en una carpeta o en una rama de git."
    )
    parser.add_argument("--config", type=Path, default=Path("config/config.yaml"))
    parser.add_argument("--target", choices=("folder", "git"), help="report.publish.target")
    parser.add_argument("--folder", help="carpeta de destino (report.publish.folder)")
    parser.add_argument("--repository", help="repositorio git (report.publish.repository)")
    parser.add_argument("--branch", help="rama de git (report.publish.branch)")
    parser.add_argument(
        "--force", action="store_true", help="publicar aunque config/ tenga cambios sin confirmar"
    )
    args = parser.parse_args(argv)
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    publish_schema = schema["properties"]["report"]["properties"]["publish"]["properties"]
    settings = {key: spec["default"] for key, spec in publish_schema.items()}
    try:
        config = yaml.safe_load(args.config.read_text(encoding="utf-8")) or {}
        check_config(config, schema)
    except (OSError, yaml.YAMLError, ConfigError) as error:
        print(f"No se publica: {error}", file=sys.stderr)
        return 1
    settings.update(config.get("report", {}).get("publish", {}))
    settings.update({key: getattr(args, key) for key in settings if getattr(args, key)})
    try:
        outcome = publish(Path("."), settings, force=args.force)
    except PublishError as error:
        print(f"No se publica: {error}", file=sys.stderr)
        return 1
    edition = (
        f"{outcome.edition.folder} (informe generado el {spanish_datetime(outcome.edition.built)})"
    )
    if outcome.changed:
        print(f"Publicado en {outcome.where}: {edition}.")
    else:
        print(f"Nada que publicar: {outcome.where} ya tiene esta edición, {edition}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
