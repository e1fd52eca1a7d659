"""Headless Chromium (Debian's ``chromium``) driven by Playwright without a browser
download: open a page, wait for the math, read the rendered DOM."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("MIXEQ_ARTIFACTS", Path(__file__).resolve().parents[2] / "tmp" / "artifacts"))

# Read after the math is typeset and the fonts have loaded.
PROBE = """async () => {
  await document.fonts.ready;
  const figs = [...document.querySelectorAll("figure")].map(f => {
    const svg = f.querySelector("svg"); const box = svg ? svg.getBoundingClientRect() : null;
    return {id: f.id, caption: (f.querySelector("figcaption") || {}).textContent || "",
            alt: svg ? svg.getAttribute("aria-label") || "" : "", role: svg ? svg.getAttribute("role") : "",
            width: box ? box.width : 0, height: box ? box.height : 0,
            shapes: svg ? svg.querySelectorAll("path, use, rect, line, polyline").length : 0};
  });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement.closest(".katex, script, style") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let text = ""; while (walker.nextNode()) text += walker.currentNode.textContent;
  return {katex: document.querySelectorAll(".katex").length,
          errors: [...document.querySelectorAll(".katex-error")].map(e => e.title || e.textContent),
          unknown: [...document.querySelectorAll(".katex [style]")].filter(
            e => e.style.color === "rgb(204, 0, 0)").map(e => e.textContent),
          fontErrors: [...document.fonts].filter(f => f.status === "error").map(f => f.family),
          fontsLoaded: [...document.fonts].filter(f => f.status === "loaded").map(f => f.family),
          figures: figs, text: text, h1: document.querySelectorAll("h1").length,
          h2: document.querySelectorAll("h2").length,
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_browser():
    path = chromium_path()
    if path is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        pytest.skip("the Playwright driver is not installed (pip install -e '.[test]')")
    return path


@dataclass
class Visit:
    result: dict
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def visit(browser, url: str, width: int, height: int = 900, screenshot: Path | None = None) -> Visit:
    page = browser.new_page(viewport={"width": width, "height": height})
    v = Visit({})
    page.on("request", lambda r: v.requests.append(r.url))
    page.on("requestfailed", lambda r: v.failed.append(r.url))
    page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: v.console_errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("html[data-math=done]", timeout=30_000)
    v.result = page.evaluate(PROBE)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
    page.close()
    return v
