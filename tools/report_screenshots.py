"""Screenshots of reports for the README (docs/report-*.png), taken with headless
Chromium (Debian's ``chromium``) through Playwright: ``python3 tools/report_screenshots.py``."""
from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

import mixeq
from mixeq.datasets import load_example

DOCS = Path(__file__).resolve().parents[1] / "docs"


def shoot(html: Path, png: Path, selector: str | None, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(html.as_uri())
        page.wait_for_selector("html[data-math=done]")
        page.evaluate("document.fonts.ready")
        if selector:
            page.locator(selector).screenshot(path=str(png))
        else:
            page.screenshot(path=str(png))
        browser.close()


def main() -> None:
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as tmp:
        warnings.simplefilter("ignore")
        sleep = load_example("sleepstudy")
        fits = [mixeq.fit(f, sleep) for f in ("Reaction ~ Days + (Days | Subject)",
                                               "Reaction ~ Days + (Days || Subject)")]
        compare = Path(tmp) / "compare.html"
        mixeq.report.report(*fits, path=compare, labels=["correlated", "uncorrelated"])
        shoot(compare, DOCS / "report-compare.png", None, 1100, 1250)
        shoot(compare, DOCS / "report-caterpillar.png", "#m1-fig-caterpillar", 1100, 900)


if __name__ == "__main__":
    main()
