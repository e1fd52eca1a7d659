"""The offline math renderer: KaTeX's script, auto-render and CSS with its fonts
as ``data:`` URIs, read from the package data in ``mixeq/report/katex/`` (KaTeX is
MIT-licensed; its LICENSE ships alongside). Every HTML mixeq writes typesets with
this, so nothing is fetched from a network when a page is opened."""
from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib import resources

_FONT_SRC = re.compile(r"src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\)[^;}]*")

# Typesets every \( … \) and \[ … \] once the page has loaded; a malformed
# formula shows as a red .katex-error instead of stopping the others (an unknown
# command inside a formula: in errorColor, #cc0000).
_RENDER = r"""
(function () {
  function typeset() {
    renderMathInElement(document.body, {
      delimiters: [{left: "\\[", right: "\\]", display: true},
                   {left: "\\(", right: "\\)", display: false}],
      ignoredClasses: ["no-math"], throwOnError: false, errorColor: "#cc0000", strict: "ignore"});
    document.documentElement.setAttribute("data-math", "done");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", typeset);
  else typeset();
})();
"""


def _read(name: str) -> bytes:
    return resources.files("mixeq.report").joinpath("katex", name).read_bytes()


def _font_data(match: re.Match) -> str:
    data = base64.b64encode(_read(f"fonts/{match.group(1)}.woff2")).decode("ascii")
    return f'src:url(data:font/woff2;base64,{data}) format("woff2")'


@lru_cache(maxsize=1)
def katex_css() -> str:
    """KaTeX's CSS with every font inlined (woff2 only: every current browser reads it)."""
    return _FONT_SRC.sub(_font_data, _read("katex.min.css").decode("utf-8"))


@lru_cache(maxsize=1)
def katex_head() -> str:
    """``<style>`` and ``<script>`` elements that typeset the page's math offline."""
    js = _read("katex.min.js").decode("utf-8") + "\n" + _read("auto-render.min.js").decode("utf-8")
    js = js.replace("</script", "<\\/script")
    return (f"<style>{katex_css()}</style>\n<script>{js}\n{_RENDER}</script>\n")
