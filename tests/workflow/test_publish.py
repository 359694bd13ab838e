"""Publishing: editions in a folder and on a git branch, refusals that change nothing."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from helpers.browser import requested_urls

from optireport.report import publish
from optireport.store import paths

if TYPE_CHECKING:
    from helpers.build import BuiltReport

ROOT = paths.ROOT

LAST_YEAR = datetime(2025, 11, 27, 9, 30, tzinfo=UTC).timestamp()
THIS_YEAR = datetime(2026, 11, 27, 7, 5, tzinfo=UTC).timestamp()


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def init_repo(path: Path) -> None:
    git("init", "--quiet", "--initial-branch=main", cwd=path)
    git("config", "user.name", "Curso", cwd=path)
    git("config", "user.email", "curso@example.org", cwd=path)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A committed project with its config and schema, and nothing built yet."""
    root = tmp_path / "proyecto"
    (root / "config").mkdir(parents=True)
    shutil.copy2(ROOT / "config" / "config.yaml", root / "config" / "config.yaml")
    (root / "workflow" / "schemas").mkdir(parents=True)
    shutil.copy2(ROOT / "workflow/schemas/config.schema.yaml", root / "workflow/schemas")
    init_repo(root)
    git("add", ".", cwd=root)
    git("commit", "--quiet", "-m", "Proyecto", cwd=root)
    return root


def build(root: Path, text: str, when: float, real: Path | None = None) -> dict:
    """What ``make report`` leaves behind: summary, HTML and PDF, then the edition record.

    With ``real`` (a folder holding the rendered report and annex), those files are used, with
    ``text`` appended to the HTML as a comment so that each build differs.
    """
    site = root / "report" / "_site"
    site.mkdir(parents=True, exist_ok=True)
    (root / "results").mkdir(exist_ok=True)
    summary = root / "results" / "summary.json"
    summary.write_text(json.dumps({"text": text}), encoding="utf-8")
    os.utime(summary, (when - 60, when - 60))
    for stem in ("informe", "anexo"):
        if real is None:
            page = f"<!DOCTYPE html><html lang='es'><title>{stem}</title><p>{text}</p>".encode()
            pdf = b"%PDF-1.4\n% " + f"{stem} {text}".encode() + b"\n%%EOF\n"
        else:
            page = (real / f"{stem}.html").read_bytes() + f"<!-- {text} -->\n".encode()
            pdf = (real / f"{stem}.pdf").read_bytes()
        (site / f"{stem}.html").write_bytes(page)
        (site / f"{stem}.pdf").write_bytes(pdf)
    for name in publish.FILES:
        os.utime(site / name, (when, when))
    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    return publish.record_edition(site, config, root / "results" / "edition.json", root=root)


def snapshot(path: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``path`` with its content and modification time."""
    if not path.exists():
        return {}
    return {
        p.relative_to(path).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def links(index_html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', index_html)


FOLDER = {"target": "folder", "folder": "sitio"}


def test_edition_record_names_build_date_commit_and_config(project: Path) -> None:
    record = build(project, "uno", LAST_YEAR)
    assert record["built"] == "2025-11-27T09:30:00Z"
    assert record["commit"] == git("rev-parse", "HEAD", cwd=project)
    assert record["config_changes"] == []
    assert re.fullmatch(r"[0-9a-f]{12}", record["config_digest"])
    config = yaml.safe_load((project / "config/config.yaml").read_text(encoding="utf-8"))
    moved = {**config, "report": {**config["report"], "publish": {"target": "git"}}}
    assert publish.config_digest(moved) == record["config_digest"]
    config["training"]["epochs"] = 5
    assert publish.config_digest(config) != record["config_digest"]


def test_folder_keeps_dated_editions_and_indexes_them(project: Path) -> None:
    site = project / "sitio"
    build(project, "edición del curso pasado", LAST_YEAR)
    first = publish.publish(project, FOLDER)
    assert first.changed and first.edition.folder == "ediciones/2025-11-27"
    published = snapshot(site)

    again = publish.publish(project, FOLDER)
    assert not again.changed
    assert snapshot(site) == published

    build(project, "edición de este curso", THIS_YEAR)
    second = publish.publish(project, FOLDER)
    assert second.changed and second.edition.folder == "ediciones/2026-11-27"
    assert (site / "informe.html").read_text(encoding="utf-8").endswith("edición de este curso</p>")
    old = site / "ediciones/2025-11-27/informe.html"
    assert old.read_text(encoding="utf-8").endswith("edición del curso pasado</p>")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in index
    assert "27 de noviembre de 2026, 07:05 UTC" in index
    assert "27 de noviembre de 2025, 09:30 UTC" in index
    assert git("rev-parse", "HEAD", cwd=project)[:10] in index
    assert (
        publish.config_digest(
            yaml.safe_load((project / "config/config.yaml").read_text(encoding="utf-8"))
        )
        in index
    )
    hrefs = links(index)
    assert {"informe.html", "informe.pdf", "anexo.html", "anexo.pdf"} <= set(hrefs)
    assert "ediciones/2025-11-27/informe.html" in hrefs
    assert "ediciones/2025-11-27/informe.pdf" in hrefs
    assert "ediciones/2026-11-27/informe.html" in hrefs
    assert all((site / href).is_file() for href in hrefs)


def test_two_different_builds_on_one_day_are_two_editions(project: Path) -> None:
    build(project, "mañana", THIS_YEAR)
    publish.publish(project, FOLDER)
    build(project, "tarde", THIS_YEAR + 3600)
    outcome = publish.publish(project, FOLDER)
    assert outcome.edition.folder == "ediciones/2026-11-27-2"
    assert sorted(p.name for p in (project / "sitio/ediciones").iterdir()) == [
        "2026-11-27",
        "2026-11-27-2",
    ]


def branch_commits(bare: Path, branch: str = "gh-pages") -> int:
    return int(git("rev-list", "--count", branch, cwd=bare))


def test_git_branch_of_a_bare_repository_twice(project: Path, tmp_path: Path) -> None:
    bare = tmp_path / "curso.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    git("remote", "add", "origin", str(bare), cwd=project)
    settings = {"target": "git", "repository": "origin", "branch": "gh-pages"}

    build(project, "edición del curso pasado", LAST_YEAR)
    assert publish.publish(project, settings).changed
    assert branch_commits(bare) == 1

    unchanged = publish.publish(project, settings)
    assert not unchanged.changed
    assert branch_commits(bare) == 1

    build(project, "edición de este curso", THIS_YEAR)
    assert publish.publish(project, settings).changed
    assert branch_commits(bare) == 2
    assert not publish.publish(project, settings).changed
    assert branch_commits(bare) == 2

    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).splitlines()
    assert {
        ".nojekyll",
        "index.html",
        "informe.html",
        "informe.pdf",
        "anexo.html",
        "anexo.pdf",
        "ediciones/2025-11-27/informe.html",
        "ediciones/2025-11-27/informe.pdf",
        "ediciones/2026-11-27/informe.html",
        "ediciones/2026-11-27/informe.pdf",
    } <= set(files)
    index = git("show", "gh-pages:index.html", cwd=bare)
    assert {"ediciones/2025-11-27/informe.html", "ediciones/2026-11-27/informe.html"} <= set(
        links(index)
    )
    assert all(href in files for href in links(index))
    message = git("log", "-1", "--format=%s", "gh-pages", cwd=bare)
    assert message.startswith("Edición del informe generada el 2026-11-27")
    # The project's own branches are untouched.
    assert git("branch", "--format=%(refname:short)", cwd=project) == "main"


def refuse(root: Path, settings: dict, *needles: str, force: bool = False) -> None:
    with pytest.raises(publish.PublishError) as caught:
        publish.publish(root, settings, force=force)
    message = str(caught.value)
    for needle in needles:
        assert needle in message
    # Each message says what to do about it.
    assert any(fix in message for fix in ("make report", "--force", "Corríjalo o bórrelo"))


def stale_report(root: Path) -> None:
    build(root, "uno", LAST_YEAR)
    os.utime(root / "results/summary.json", (LAST_YEAR + 10, LAST_YEAR + 10))


def edited_after_record(root: Path) -> None:
    build(root, "uno", LAST_YEAR)
    (root / "report/_site/informe.html").write_text("<p>otra cosa</p>", encoding="utf-8")
    os.utime(root / "report/_site/informe.html", (LAST_YEAR, LAST_YEAR))


def uncommitted_config(root: Path) -> None:
    with open(root / "config/config.yaml", "a", encoding="utf-8") as handle:
        handle.write("# un cambio\n")
    build(root, "uno", LAST_YEAR)


REFUSALS = {
    "missing": (lambda root: None, ("falta report/_site/informe.html",)),
    "older than summary": (stale_report, ("es anterior a results/summary.json",)),
    "edited after its record": (edited_after_record, ("results/edition.json",)),
    "uncommitted config": (uncommitted_config, ("cambios sin confirmar en config/",)),
}


@pytest.mark.parametrize("case", REFUSALS)
@pytest.mark.parametrize("target", ["folder", "git"])
def test_refusal_changes_nothing_on_the_target(
    case: str, target: str, project: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "curso.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    settings = {"target": target, "folder": "sitio", "repository": str(bare), "branch": "gh-pages"}
    # An earlier edition is already published; a refused publication must leave it as it is.
    build(project, "edición anterior", LAST_YEAR - 86400 * 30)
    for where in ("folder", "git"):
        publish.publish(project, {**settings, "target": where})
    before_folder = snapshot(project / "sitio")
    before_branch = git("rev-parse", "gh-pages", cwd=bare)
    shutil.rmtree(project / "report")
    prepare, needles = REFUSALS[case]
    prepare(project)
    refuse(project, settings, *needles)
    assert snapshot(project / "sitio") == before_folder
    assert git("rev-parse", "gh-pages", cwd=bare) == before_branch


def test_force_publishes_despite_uncommitted_config(project: Path) -> None:
    uncommitted_config(project)
    refuse(project, FOLDER, "«make publish PUBLISH_ARGS=--force»")
    outcome = publish.publish(project, FOLDER, force=True)
    assert outcome.changed
    record = json.loads((project / "sitio" / outcome.edition.folder / "edicion.json").read_text())
    assert record["config_changes"] == ["config/config.yaml"]
    assert "con cambios sin confirmar en config/" in (project / "sitio/index.html").read_text()


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optireport.report.publish", *args],
        cwd=root,
        capture_output=True,
        text=True,
    )


def test_command_line_reads_report_publish_and_explains_itself(project: Path) -> None:
    build(project, "uno", LAST_YEAR)
    first = run_cli(project)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Publicado en")
    assert (project / "site" / "ediciones" / "2025-11-27" / "informe.pdf").is_file()
    second = run_cli(project)
    assert second.returncode == 0
    assert second.stdout.startswith("Nada que publicar")

    config_path = project / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["report"]["publish"]["target"] = "gh-pages"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    wrong = run_cli(project, "--force")
    assert wrong.returncode == 1
    assert "«report.publish.target»" in wrong.stderr and "folder, git" in wrong.stderr

    missing = run_cli(project, "--target", "folder", "--folder", "otro")
    assert missing.returncode == 1  # the config is still invalid
    shutil.rmtree(project / "report")
    git("checkout", "--", "config", cwd=project)
    nothing = run_cli(project)
    assert nothing.returncode == 1
    assert nothing.stderr.startswith("No se publica: No hay informe que publicar")


class _Handler(SimpleHTTPRequestHandler):
    """Serves a folder and remembers every request's path and status."""

    def log_request(self, code="-", size="-") -> None:
        self.server.requests.append((self.path, int(code)))


@pytest.fixture
def serve():
    """``serve(folder)`` -> base URL of a local HTTP server for ``folder`` (and its log)."""
    servers = []

    def start(folder: Path) -> tuple[str, list]:
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder))
        )
        server.requests = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", server.requests

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.parametrize("target", ["folder", "git"])
def test_published_site_works_offline_in_chromium(
    target: str, project: Path, tmp_path: Path, built_report: BuiltReport, browser, serve
) -> None:
    """The real report, published twice: every link of the index resolves, nothing external."""
    bare = tmp_path / "curso.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    settings = {"target": target, "folder": "sitio", "repository": str(bare), "branch": "gh-pages"}
    real = built_report.html.parent
    build(project, "edición del curso pasado", LAST_YEAR, real=real)
    publish.publish(project, settings)
    build(project, "edición de este curso", THIS_YEAR, real=real)
    publish.publish(project, settings)
    if target == "git":
        site = tmp_path / "gh-pages"
        git("clone", "--quiet", "--branch", "gh-pages", str(bare), str(site), cwd=tmp_path)
    else:
        site = project / "sitio"
    base, requests = serve(site)

    browser.set_window_size(1280, 900)
    requested_urls(browser)
    browser.get(base + "index.html")
    assert browser.find_element("css selector", "html").get_attribute("lang") == "es"
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => a.href);"
    )
    relative = sorted(h.removeprefix(base) for h in hrefs)
    assert relative == [
        "anexo.html",
        "anexo.pdf",
        "ediciones/2025-11-27/informe.html",
        "ediciones/2025-11-27/informe.pdf",
        "ediciones/2026-11-27/informe.html",
        "informe.html",
        "informe.pdf",
    ]
    statuses = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(arguments[0].map(u => fetch(u).then(r => [u, r.status,"
        " r.headers.get('content-type')]))).then(done);",
        hrefs,
    )
    for url, status, kind in statuses:
        assert status == 200, url
        assert kind == ("application/pdf" if url.endswith(".pdf") else "text/html"), url
    for url in hrefs:
        if url.endswith(".html"):
            browser.get(url)
            assert browser.title, url
            # Every report page has the explorer; the annex is the technical detail.
            annex = url.endswith("anexo.html")
            assert bool(browser.find_elements("css selector", "#gd-explorer")) != annex, url
            if annex:
                assert "Anexo técnico" in browser.title, url
    external = [u for u in requested_urls(browser) if not u.startswith((base, "data:", "blob:"))]
    assert external == []
    # Every request the pages made was answered, or revalidated from the cache (304); the
    # browser's own favicon probe aside.
    answered = [(path, code) for path, code in requests if path != "/favicon.ico"]
    assert answered and [r for r in answered if r[1] not in (200, 304)] == []
    previous = (site / "ediciones/2025-11-27/informe.html").read_bytes()
    assert previous.endswith(b"<!-- edici\xc3\xb3n del curso pasado -->\n")


def test_a_damaged_edition_record_on_the_target_is_named(project: Path) -> None:
    build(project, "uno", LAST_YEAR)
    publish.publish(project, FOLDER)
    (project / "sitio/ediciones/2025-11-27/edicion.json").write_text("{roto", encoding="utf-8")
    before = snapshot(project / "sitio")
    build(project, "dos", THIS_YEAR)
    refuse(project, FOLDER, "ediciones/2025-11-27/edicion.json", "no se ha publicado nada")
    assert snapshot(project / "sitio") == before
    (project / "results/edition.json").write_text("[]", encoding="utf-8")
    refuse(project, FOLDER, "results/edition.json no corresponde")
