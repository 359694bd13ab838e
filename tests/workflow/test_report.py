"""The quick report as a reader gets it: the HTML page, the PDF and the numbers behind them.

Everything is read from the session's quick build (``helpers.build``); nothing is rebuilt here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import numpy as np
import pytest
from helpers.html_offline import external_resources

from optireport.config.jobs import lr_grid, training_settings
from optireport.store import paths

if TYPE_CHECKING:  # imported by pytest itself, as a plugin, so that its asserts are rewritten
    from helpers.build import BuiltReport

ROOT = paths.ROOT

pytestmark = pytest.mark.slow

REQUIRED_FIELDS = {
    "gd_runs": {"start", "learning_rate", "iterations", "final_x", "final_J"},
    "gd_methods": {
        "method",
        "settings",
        "final_x",
        "final_J",
        "reached_global_min",
        "steps_to_global_min",
    },
    "trainings": {
        "optimizer",
        "seed",
        "variant",
        "epochs",
        "test_accuracy",
        "test_loss",
        "best_val_accuracy",
        "train_seconds",
        "time_to_target_seconds",
        "epochs_to_target",
    },
    "lr_grid": {"optimizer", "learning_rate", "val_accuracy"},
}

KERAS_MNIST_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}

SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\s+")
CAPTION_LABEL = re.compile(r"^((?:Figura|Tabla) \d+):")


def normalize(text: str) -> str:
    """Text as a reader sees it: compatibility forms folded (math italics, no-break spaces,
    ligatures), soft hyphens from line breaking dropped, one space between words."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("\u2212", "-")
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """``normalize`` without any whitespace: immune to how a PDF spaces or breaks its lines."""
    return "".join(normalize(text).split())


class HtmlDocument(HTMLParser):
    """Visible text and structure of the rendered page (headings, links, captions, tables)."""

    SKIPPED = {"script", "style", "annotation", "annotation-xml", "title"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[tuple[str, dict[str, str | None], str]] = []
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.images: list[str] = []
        self.svg_count = 0
        self.captions: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.toc_text = ""
        self._skip = 0
        self._captures: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._containers: list[str] = []  # ids of the open <figure>/<table> elements
        # For each open <div>: its id if it holds a numbered float, that is, a Pandoc-path table
        # block (caption div + scrolling table) or Quarto's div#fig-x / div#tbl-x around a
        # <figure> without id.
        self._divs: list[str | None] = []
        self._rows: list[list[str]] | None = None
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return normalize(" ".join(self.parts))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag in self.SKIPPED:
            self._skip += 1
        elif tag == "img":
            self.images.append(attributes.get("src") or "")
        elif tag == "svg":
            self.svg_count += 1
        elif tag == "div":
            classes = str(attributes.get("class") or "").split()
            own_id = str(attributes.get("id") or "")
            holds_float = "table-block" in classes or own_id.startswith(("fig-", "tbl-"))
            self._divs.append(own_id if holds_float else None)
            if "table-caption" in classes:
                self._captures.append(("div", {"table-caption": self._float_block()}, []))
        elif tag in ("figure", "table"):
            own_id = str(attributes.get("id") or "")
            self._containers.append(own_id or self._float_block())
            if tag == "table":
                self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        if tag in ("h1", "h2", "h3", "a", "figcaption", "caption", "td", "th", "nav"):
            self._captures.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._captures and self._captures[-1][0] == tag:
            _, attributes, parts = self._captures.pop()
            text = normalize(" ".join(parts))
            if tag in ("h1", "h2", "h3"):
                self.headings.append((tag, attributes, text))
            elif tag == "a" and attributes.get("href"):
                self.links.append((str(attributes["href"]), text))
            elif tag in ("figcaption", "caption") and self._containers:
                self.captions[self._containers[-1]] = text
            elif tag == "div":
                self.captions[str(attributes["table-caption"])] = text
            elif tag in ("td", "th") and self._rows:
                self._rows[-1].append(text)
            elif tag == "nav" and attributes.get("id") == "TOC":
                self.toc_text = text
        if tag == "div" and self._divs:
            self._divs.pop()
        if tag in ("figure", "table") and self._containers:
            table_id = self._containers.pop()
            if tag == "table" and self._rows is not None:
                self.tables[table_id] = self._rows
                self._rows = None

    def _float_block(self) -> str:
        """Id of the innermost open div that holds a figure or a table."""
        return next((block for block in reversed(self._divs) if block), "")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        for _, _, parts in self._captures:
            parts.append(data)


def qmd_headings(qmd: str, levels: int = 3, medium: str = "html") -> list[str]:
    """Numbered headings (levels 1 to ``levels``) of the generated document, outside code
    blocks, without ``{#id}``, as ``medium`` (html or typst) shows them: a heading inside a
    ``.content-visible when-format`` block of the other medium is left out, and so is «Lo
    esencial», unnumbered."""
    headings = []
    fence = None
    hidden = []  # one entry per open fenced div: does it hide its content from ``medium``?
    for line in qmd.splitlines():
        marker = re.match(r"^(`{3,}|~{3,})", line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif line.startswith(fence * 3):
                fence = None
            continue
        if fence is not None:
            continue
        div = re.match(r"^:{3,}\s*(.*)$", line)
        if div:
            if div.group(1):
                shown = re.search(r'when-format="(\w+)"', div.group(1))
                hidden.append(bool(shown) and shown.group(1) != medium)
            elif hidden:
                hidden.pop()
            continue
        if any(hidden):
            continue
        if re.match(rf"^#{{1,{levels}}} ", line) and ".unnumbered" not in line:
            title = re.sub(r"\s*\{[^}]*\}\s*$", "", line.lstrip("#")).strip()
            headings.append(normalize(title.replace("*", "").replace("`", "")))
    return headings


def figure_files(qmd: str) -> list[str]:
    return re.findall(r"\]\((figures/[^)\s]+)\)", qmd)


@pytest.fixture(scope="module")
def html(built_report: BuiltReport) -> str:
    return built_report.html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html: str) -> HtmlDocument:
    return HtmlDocument(html)


@pytest.fixture(scope="module")
def pdf(built_report: BuiltReport):
    from pypdf import PdfReader

    return PdfReader(built_report.pdf)


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    return normalize("\n".join(p.extract_text() for p in pdf.pages))


@pytest.fixture(scope="module")
def qmd(built_report: BuiltReport) -> str:
    return built_report.qmd.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def summary(built_report: BuiltReport) -> dict:
    return json.loads(built_report.summary.read_text(encoding="utf-8"))


def pdf_bookmarks(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += pdf_bookmarks(item) if isinstance(item, list) else [normalize(item.title)]
    return titles


def test_every_section_heading_is_in_the_html_and_the_pdf(
    qmd: str, page: HtmlDocument, pdf, pdf_text: str
) -> None:
    headings = qmd_headings(qmd)
    assert len(headings) >= 8, headings
    assert "Introducción" in headings and "Límites y cómo seguir" in headings
    assert "# Lo esencial {.unnumbered" in qmd

    html_headings = [
        SECTION_NUMBER.sub("", text)
        for tag, attributes, text in page.headings
        if tag in ("h1", "h2", "h3") and attributes.get("data-number")
    ]
    assert html_headings == headings

    # The PDF has every heading but those of HTML-only content (the explorer's).
    pdf_headings = qmd_headings(qmd, medium="typst")
    assert "Experimente usted mismo" in headings and "Experimente usted mismo" not in pdf_headings
    bookmarks = [SECTION_NUMBER.sub("", title) for title in pdf_bookmarks(pdf.outline)]
    assert bookmarks == ["Lo esencial", *pdf_headings]
    squeezed = squeeze(pdf_text)
    for heading in pdf_headings:
        assert squeeze(heading) in squeezed, heading
    for chapter in qmd_headings(qmd, levels=1):
        # Once in the PDF's table of contents (chapters only) and once as its heading.
        assert squeezed.count(squeeze(chapter)) >= 2, chapter


def test_the_pdf_fits_in_16_pages_with_the_findings_first(pdf) -> None:
    """The course report's length limit: the story in at most 16 pages, «Lo esencial» on the
    first two, no configuration dump (that lives in the annex)."""
    assert len(pdf.pages) <= 16, len(pdf.pages)
    first_pages = normalize(" ".join(page.extract_text() for page in pdf.pages[:2]))
    assert "Lo esencial" in first_pages
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "optimizers:" not in text and "lr_grid:" not in text


def test_every_figure_is_embedded_in_the_html(
    built_report: BuiltReport, qmd: str, html: str, page: HtmlDocument
) -> None:
    figures = figure_files(qmd)
    assert len(figures) >= 10, figures
    for figure in figures:
        path = built_report.qmd.parent / figure
        assert path.is_file(), figure
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        assert encoded in html, f"{figure} is not embedded in the HTML"
    assert "figures/" not in " ".join(page.images)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?figures/""", html)
    embedded = [src for src in page.images if src.startswith("data:image/")]
    assert len(embedded) + page.svg_count >= len(figures)


def test_html_is_offline_in_spanish_with_a_table_of_contents(
    html: str, page: HtmlDocument, qmd: str, pdf_text: str
) -> None:
    assert external_resources(html) == []
    assert re.search(r"<html\b[^>]*\blang=\"es\"", html)
    assert page.toc_text, "no <nav id='TOC'> in the HTML"
    # The HTML's table of contents goes two levels deep (toc-depth in report/_quarto.yml).
    for heading in qmd_headings(qmd, levels=2):
        assert heading in page.toc_text, heading
    toc_targets = [href[1:] for href, text in page.links if href.startswith("#sec-")]
    assert toc_targets and set(toc_targets) <= page.ids
    assert "Índice" in pdf_text


def test_summary_holds_every_result_with_its_fields(summary: dict) -> None:
    for section, fields in REQUIRED_FIELDS.items():
        entries = summary[section]
        assert entries, section
        for entry in entries:
            assert fields <= set(entry), (section, sorted(fields - set(entry)))

    config = summary["config"]
    assert len(summary["gd_runs"]) == len(config["gradient_descent"]["runs"])
    assert {v["method"] for v in summary["gd_methods"]} == set(
        config["gradient_descent"]["methods"]["settings"]
    )
    expected_trainings = {
        (optimizer, variant, int(seed))
        for optimizer in config["optimizers"]
        for variant in config["training"]["variants"]
        for seed in config["training"]["seeds"]
    }
    trainings = [(t["optimizer"], t["variant"], int(t["seed"])) for t in summary["trainings"]]
    assert sorted(trainings) == sorted(expected_trainings)
    for training in summary["trainings"]:
        assert 0.0 <= training["test_accuracy"] <= 1.0
        assert training["epochs"] == training_settings(config, training["optimizer"])["epochs"]
    probes = sorted((p["optimizer"], p["learning_rate"]) for p in summary["lr_grid"])
    assert probes == sorted(
        (optimizer, rate)
        for optimizer in config["optimizers"]
        for rate in lr_grid(config, optimizer)
    )


def test_median_test_accuracies_are_stated_in_the_html(summary: dict, page: HtmlDocument) -> None:
    groups = summary["training_groups"]
    assert len(groups) == len(summary["config"]["optimizers"]) * len(
        summary["config"]["training"]["variants"]
    )
    text = page.text
    missing = [
        (group["optimizer"], group["variant"], f"{group['test_accuracy']['median']:.4f}")
        for group in groups
        if f"{group['test_accuracy']['median']:.4f}" not in text
    ]
    assert missing == []


def test_gradient_descent_table_matches_the_summary(summary: dict, page: HtmlDocument) -> None:
    header, *rows = page.tables["tbl-gd"]
    assert len(rows) == len(summary["gd_runs"])
    x_column = header.index("x final")
    j_column = header.index("J final")
    assert [row[x_column] for row in rows] == [f"{r['final_x']:.4f}" for r in summary["gd_runs"]]
    assert [row[j_column] for row in rows] == [f"{r['final_J']:.4f}" for r in summary["gd_runs"]]


def test_comparison_table_gives_median_range_and_2019_value(
    summary: dict, page: HtmlDocument
) -> None:
    header, *rows = page.tables["tbl-comparacion"]
    raw = [g for g in summary["training_groups"] if g["variant"] == "raw"]
    assert len(rows) == len(raw)
    reference = summary["config"]["report"]["reference_accuracy"]
    for row, group in zip(rows, raw, strict=True):
        assert row[0].startswith(group["optimizer"])
        accuracy = group["test_accuracy"]
        assert row[header.index("Exactitud: mediana")] == f"{accuracy['median']:.4f}"
        assert row[header.index("Exactitud: rango")] == (
            f"{accuracy['min']:.4f}–{accuracy['max']:.4f}"
        )
        optimizer = group["optimizer"]
        expected = f"{reference[optimizer]:.4f}" if optimizer in reference else "—"
        assert row[header.index("Exactitud en 2019")] == expected


def test_no_ranking_word_beyond_what_the_seeds_support(summary: dict, page: HtmlDocument) -> None:
    """The quick build has 2 seeds a configuration: the rule allows no order, and the text
    says so instead of ranking (the Hypothesis suite, test_claims.py, covers every count)."""
    ranking = summary["findings"]["ranking"]["raw"]
    text = page.text
    assert "la mejor elección" not in text and "el mejor optimizador es" not in text
    assert "empat" not in text
    assert summary["findings"]["rule"]["can_rank"] is False and ranking["can_rank"] is False
    assert "las semillas no permiten ordenar los optimizadores" in text


def test_fair_comparison_tables_match_the_summary(summary: dict, page: HtmlDocument) -> None:
    """Every optimizer and input, its chosen rate and the effect of tuning, as computed."""
    fair = summary["fair_comparison"]
    config = summary["config"]
    assert len(fair["rows"]) == len(config["optimizers"]) * len(config["training"]["variants"])
    header, *rates = page.tables["tbl-tasas-elegidas"]
    chosen = header.index("Tasa ajustada")
    assert len(rates) == len(fair["rows"])
    for cells, row in zip(rates, fair["rows"], strict=True):
        rate = row["choice"]["learning_rate"]
        assert cells[chosen].startswith(f"{rate:.3g}" if rate is not None else "ninguna")
    # The effect of tuning, judged by the one rule; its accuracies are in the figure.
    effect = header.index("Efecto del ajuste en prueba")
    words = {
        "better": "mejora con claridad",
        "worse": "empeora con claridad",
        "unclear": "sin diferencia clara",
        "too_few": "las semillas no permiten decirlo",
        "same_runs": "misma tasa",
        "missing": "sin datos",
    }
    # Each verdict, then the collapsed or diverged runs behind it, if any, in parentheses.
    for cells, row in zip(rates, fair["rows"], strict=True):
        assert cells[effect].split(" (")[0] == words[row["effect"]], row["optimizer"]
    # A tuned training at the configured rate is the main training itself, never a copy;
    # at another rate it is a job of its own, under results/tuned/.
    for run in fair["trainings"]:
        configured = config["optimizers"][run["optimizer"]]["args"]["learning_rate"]
        assert run["same_runs"] == (run["learning_rate"] == configured), run
        assert run["run_dir"].startswith("results/train/" if run["same_runs"] else "results/tuned/")


def test_cross_references_resolve_in_html_and_pdf(
    qmd: str, page: HtmlDocument, pdf_text: str
) -> None:
    references = set(re.findall(r"@((?:fig|tbl)-[\w-]*\w)", qmd))
    assert any(r.startswith("fig-") for r in references)
    assert any(r.startswith("tbl-") for r in references)

    labels = {}
    for target in sorted(references):
        assert target in page.ids, f"@{target} points to nothing"
        caption = CAPTION_LABEL.match(page.captions.get(target, ""))
        assert caption, f"#{target} has no numbered caption: {page.captions.get(target)!r}"
        labels[target] = caption.group(1)
        texts = {text for href, text in page.links if href == f"#{target}"}
        assert texts == {labels[target]}, target
    assert len(set(labels.values())) == len(labels), "two targets share a number"
    assert {"Figura 1", "Tabla 1"} <= set(labels.values())
    assert "@fig-" not in page.text and "@tbl-" not in page.text

    # Same numbering in both outputs (HTML-only content, such as the animation, is unnumbered).
    html_captions = {m.group(1) for c in page.captions.values() if (m := CAPTION_LABEL.match(c))}
    pdf_captions = set(re.findall(r"((?:Figura|Tabla) \d+):", pdf_text))
    assert pdf_captions == html_captions
    for label in ("Figura 1", "Tabla 1"):
        # The caption, and at least one reference to it in the running text.
        assert len(re.findall(rf"{label}(?!\d)", pdf_text)) >= 2, label
    assert "@fig-" not in pdf_text and "@tbl-" not in pdf_text and "??" not in pdf_text


def test_mnist_arrays_have_the_keras_shapes(built_report: BuiltReport) -> None:
    with np.load(built_report.root / "results" / "data" / "mnist.npz") as arrays:
        assert sorted(arrays.files) == sorted(KERAS_MNIST_SHAPES)
        for name, shape in KERAS_MNIST_SHAPES.items():
            assert arrays[name].shape == shape, name
            assert arrays[name].dtype == np.uint8, name
        assert set(np.unique(arrays["y_train"])) == set(range(10))
        assert set(np.unique(arrays["y_test"])) == set(range(10))


def test_annex_names_the_digest_of_the_lock_the_environment_was_installed_from(
    built_report: BuiltReport, summary: dict, page: HtmlDocument, pdf_text: str
) -> None:
    """The annex (its own HTML and PDF) gives the whole digest; the report's reproducibility
    note gives its first 16 characters, with the commit and the configuration's digest."""
    from pypdf import PdfReader

    lock = ROOT / "requirements.lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    facts = summary["environment"]["lock"]
    assert facts["file"] == lock.name and facts["sha256"] == digest
    # The tests run in the environment `make` installed from this lock: nothing differs.
    assert facts["differences"] == []
    assert facts["packages"] >= 100
    site = built_report.html.parent
    annex = HtmlDocument((site / "anexo.html").read_text(encoding="utf-8"))
    assert f"La suma SHA-256 del propio archivo es: {digest}" in annex.text
    assert "cada paquete instalado tenía la versión que fija ese archivo" in annex.text
    annex_pdf = "".join(p.extract_text() for p in PdfReader(site / "anexo.pdf").pages)
    assert digest in squeeze(normalize(annex_pdf))
    assert digest[:16] in page.text and digest[:16] in squeeze(pdf_text)
    assert summary["provenance"]["config_digest"] in page.text
    assert digest not in squeeze(pdf_text), "the whole digest belongs to the annex"
