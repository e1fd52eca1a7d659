"""Checks of a report's HTML source: every resource it would load, its math and figures."""
from __future__ import annotations

import re
from html.parser import HTMLParser

URL_ATTRS = {"src", "href", "xlink:href", "srcset", "data", "poster", "action", "formaction"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
OPENING = re.compile(r"(?<!\\)\\[\[(]")  # \[ or \( opening math, not a row end \\[4pt]
REMOTE = re.compile(r"^\s*(https?:|//|ftp:|ws:|wss:)", re.I)


class Resources(HTMLParser):
    """Every URL the page would load: src/href-like attributes, CSS url() in <style>
    and style attributes; also counts math delimiters outside scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self.math, self.figures, self._in = [], 0, 0, []
        self._plain = []  # inside a class="no-math" element (data, never typeset)

    def handle_starttag(self, tag, attrs):
        self._in.append(tag)
        self._plain.append("no-math" in (dict(attrs).get("class") or "").split())
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRS:
                self.urls.append(value)
            if name == "style":
                self.urls += CSS_URL.findall(value)
        if tag == "figure":
            self.figures += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in.pop()
        self._plain.pop()

    def handle_endtag(self, tag):
        while self._in:
            self._plain.pop()
            if self._in.pop() == tag:
                break

    def handle_data(self, data):
        where = self._in[-1] if self._in else ""
        if where == "style":
            self.urls += CSS_URL.findall(data)
        elif where != "script" and not any(self._plain):
            self.math += len(OPENING.findall(data))


def scan(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


def remote_urls(html: str) -> list[str]:
    """URLs that would reach a network address: http(s), protocol-relative, ftp, websockets."""
    return [u for u in scan(html).urls if REMOTE.match(u)]
