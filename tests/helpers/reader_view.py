"""What a reader sees in a rendered report, in a form two renderers' outputs can be compared by.

``html_view`` and ``pdf_view`` keep what must not depend on the renderer (headings and their
numbers, numbered captions, the numbers quoted in the text, the date, the PDF's metadata and
page size) and drop how it is marked up.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from helpers.html_offline import external_resources

CAPTION = re.compile(r"^(?:Figura|Tabla) \d+:")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SPANISH_DATE = re.compile(
    r"\b\d{1,2} de (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    r"|noviembre|diciembre) de \d{4}\b"
)


def normalize(text: str) -> str:
    """Compatibility forms folded, soft hyphens and invisible math operators (U+2061-U+2064,
    which only some Pandoc versions write in MathML) dropped, one space between words."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    text = re.sub("[\u00ad\u2061-\u2064]", "", text)
    return " ".join(text.split())


class _Page(HTMLParser):
    """Headings, captions and body text of an HTML page."""

    SKIPPED = {"script", "style", "svg", "title", "annotation", "annotation-xml"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.captions: list[str] = []
        self.body: list[str] = []
        self._skip = 0
        self._open: list[tuple[str, list[str]]] = []  # captures: (tag, text parts)
        self._divs: list[bool] = []  # for each open <div>: is it a caption?
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = str(attributes.get("class") or "").split()
        if tag in self.SKIPPED:
            self._skip += 1
        elif tag in ("h1", "h2", "h3") and "title" not in classes:
            self._open.append((tag, []))
        elif tag == "figcaption":
            self._open.append((tag, []))
        elif tag == "div":
            self._divs.append("table-caption" in classes)
            if self._divs[-1]:
                self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "div":
            if not (self._divs and self._divs.pop()):
                return
        if self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            text = normalize(" ".join(parts))
            (self.headings if tag.startswith("h") else self.captions).append(text)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.body.append(data)
        for _, parts in self._open:
            parts.append(data)


def html_view(html: str) -> dict:
    page = _Page(html)
    text = normalize(" ".join(page.body))
    return {
        "headings": page.headings,
        "captions": [caption for caption in page.captions if CAPTION.match(caption)],
        "numbers": Counter(NUMBER.findall(text)),
        "dates": SPANISH_DATE.findall(text),
        "external resources": external_resources(html),
    }


def _bookmarks(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _bookmarks(item) if isinstance(item, list) else [normalize(item.title)]
    return titles


def pdf_view(pdf: Path) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    pages = reader.pages
    text = normalize("\n".join(page.extract_text() for page in pages))
    metadata = reader.metadata or {}
    return {
        "title": metadata.get("/Title"),
        "author": metadata.get("/Author"),
        "language": reader.trailer["/Root"].get("/Lang"),
        "page sizes (pt)": sorted(
            {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
        ),
        "bookmarks": _bookmarks(reader.outline),
        # Floats (figures and tables) may sit in another order on the page with two Typst
        # versions: the labels are compared sorted.
        "caption labels": sorted(re.findall(r"((?:Figura|Tabla) \d+):", text)),
        "dates": SPANISH_DATE.findall(text),
    }


def comparable_pdf_view(pdf: Path) -> dict:
    """``pdf_view`` without what the two renderers' Typst versions write differently: Typst
    0.14+ (the ``typst`` package) puts the region in the PDF language ("es-ES") and section
    numbers in the bookmarks; the Typst 0.13 that Quarto 1.7 runs does neither."""
    view = pdf_view(pdf)
    view["language"] = str(view["language"]).split("-")[0]
    view["bookmarks"] = [re.sub(r"^[\d.]+ ", "", title) for title in view["bookmarks"]]
    return view
