"""The reports of seedlike, sleepstudy (two models compared) and Penicillin (crossed)
opened in real headless Chromium: every formula typeset by KaTeX, no .katex-error,
every figure present and non-empty with caption and alt text, nothing failed to
load and nothing was requested but the file itself; readable at 1280 px and at a
phone's 390 px (no horizontal scrolling of the page). Screenshots: tmp/artifacts/."""
from __future__ import annotations

import pytest

from report.browser import ARTIFACTS, require_browser, visit
from report.pagecheck import scan

FIGURES = {"seedlike": 5, "sleepstudy": 10, "penicillin": 5}


@pytest.fixture(scope="module")
def browser():
    path = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.mark.parametrize("name", ["seedlike", "sleepstudy", "penicillin"])
def test_report_renders_in_chromium(browser, reports, name):
    path = reports[name]
    source = scan(path.read_text(encoding="utf-8"))
    v = visit(browser, path.as_uri(), 1280, screenshot=ARTIFACTS / f"report-{name}-1280.png")
    r = v.result
    assert v.failed == [] and v.console_errors == []
    assert v.requests == [path.as_uri()]  # the file itself, nothing else
    assert r["errors"] == [] and r["unknown"] == []
    assert r["katex"] >= source.math > 10  # every \( \) and \[ \] became KaTeX output
    for leftover in ("\\[", "\\(", "\\begin{", "\\frac"):
        assert leftover not in r["text"], f"untypeset math {leftover!r} left in the page"
    assert r["fontErrors"] == [] and {"KaTeX_Main", "KaTeX_Math"} <= set(r["fontsLoaded"])
    assert len(r["figures"]) == source.figures == FIGURES[name]
    for fig in r["figures"]:
        assert fig["width"] > 200 and fig["height"] > 100, fig
        assert fig["shapes"] > 20 and fig["caption"].strip() and fig["alt"].strip() and fig["role"] == "img"
    assert r["h1"] == 1 and r["h2"] >= 1
    assert r["overflow"] <= 1  # nothing wider than the window at 1280 px


@pytest.mark.parametrize("name", ["sleepstudy", "penicillin"])
def test_report_reads_at_phone_width(browser, reports, name):
    v = visit(browser, reports[name].as_uri(), 390, 844, screenshot=ARTIFACTS / f"report-{name}-390.png")
    assert v.result["errors"] == [] and v.failed == []
    assert v.result["overflow"] <= 1  # wide equations and tables scroll in their own boxes
    assert all(f["width"] <= 390 for f in v.result["figures"])


def test_katex_errors_are_detected(browser, reports, tmp_path):
    """The checks above can fail: malformed LaTeX shows a .katex-error, an unknown
    command KaTeX's error colour, an unclosed delimiter leaves raw LaTeX in the text."""
    html = reports["seedlike"].read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    planted = r"<p>\(x^\)</p><p>\(\undefinedmacro{x}\)</p><p>\(\frac{1}{2}</p>"
    broken.write_text(html.replace("</main>", planted + "</main>"), encoding="utf-8")
    v = visit(browser, broken.as_uri(), 1280)
    assert len(v.result["errors"]) == 1
    assert set(v.result["unknown"]) == {"\\undefinedmacro"}
    assert "\\(\\frac" in v.result["text"]


def test_missing_resource_is_detected(browser, reports, tmp_path):
    """…and a resource that fails to load is caught."""
    html = reports["seedlike"].read_text(encoding="utf-8")
    broken = tmp_path / "missing.html"
    broken.write_text(html.replace("</main>", '<img src="absent.png" alt="x"></main>'), encoding="utf-8")
    v = visit(browser, broken.as_uri(), 1280)
    assert len(v.failed) == 1 and v.failed[0].endswith("absent.png")


@pytest.mark.parametrize("argv", [
    ["explain", "y ~ x * m + (1 + x | school)", "--data", "mixeq/examples/seedlike.csv",
     "--form", "all", "--format", "html", "--verify"],
    ["check", "tests/data/fixtures/cross_level_as_written.tex", "--format", "html"]])
def test_explain_and_check_pages_render(browser, tmp_path, capsys, argv):
    """explain/check --format html typeset with the same offline KaTeX."""
    from mixeq.cli.main import main

    main(argv)
    page = tmp_path / f"{argv[0]}.html"
    page.write_text(capsys.readouterr().out, encoding="utf-8")
    source = scan(page.read_text(encoding="utf-8"))
    v = visit(browser, page.as_uri(), 1280)
    assert v.failed == [] and v.requests == [page.as_uri()]
    assert v.result["errors"] == [] and v.result["unknown"] == []
    assert v.result["katex"] >= source.math >= 2 and "\\begin{" not in v.result["text"]
