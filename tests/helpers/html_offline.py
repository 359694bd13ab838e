"""External resources of an HTML page: the tests' check that a report works offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


def external_resources(html_text: str) -> list[str]:
    """Return the external resources (``http(s)://`` or ``//`` URLs) a page would load.

    Looks at ``src``/``href``/``srcset``... of ``link``, ``script``, ``img``, ``source``,
    ``iframe`` and similar tags, plus ``url(...)``/``@import`` inside CSS. Ordinary hyperlinks
    (``<a href>``) are not resources and are ignored. An empty list means the page works offline.
    """
    finder = _ExternalRefFinder()
    finder.feed(html_text)
    finder.close()
    return finder.found
