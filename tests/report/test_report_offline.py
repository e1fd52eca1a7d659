"""The report loads nothing from a network: no http(s) URL in any src/href or CSS url(),
KaTeX and its fonts inlined; explain --format html and Jupyter's HTML likewise."""
from __future__ import annotations

import pytest

import mixeq
from conftest import load_dataset
from report.pagecheck import remote_urls, scan


@pytest.mark.parametrize("name", ["seedlike", "sleepstudy", "penicillin"])
def test_report_loads_no_network_resource(reports, name):
    html = reports[name].read_text(encoding="utf-8")
    assert remote_urls(html) == []
    found = scan(html)
    # every URL it loads is a data: URI or a fragment (#id, the table of contents)
    assert all(u.startswith(("data:", "#")) for u in found.urls), \
        [u[:60] for u in found.urls if not u.startswith(("data:", "#"))]
    assert sum(u.startswith("data:font/woff2") for u in found.urls) >= 19  # KaTeX's fonts
    assert "<script src" not in html and "<link" not in html
    assert "katex" in html and "renderMathInElement" in html


@pytest.mark.parametrize("planted", [
    '<img src="https://example.org/x.png">', '<script src="http://cdn.example/katex.js"></script>',
    '<link rel="stylesheet" href="//cdn.example/k.css">',
    '<style>@font-face{src:url(https://fonts.example/a.woff2)}</style>',
    '<div style="background:url(\'http://x.example/b.png\')"></div>',
    '<svg><image xlink:href="https://x.example/c.png"/></svg>'])
def test_checker_catches_planted_remote_resources(reports, planted):
    html = reports["seedlike"].read_text(encoding="utf-8")
    html = html.replace("</main>", planted + "</main>")
    assert len(remote_urls(html)) == 1


def test_explain_html_is_a_self_contained_page(capsys):
    from mixeq.cli.main import main

    assert main(["explain", "y ~ x * m + (1 + x | school)", "--data", "mixeq/examples/seedlike.csv",
                 "--form", "all", "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert remote_urls(html) == [] and "renderMathInElement" in html
    assert scan(html).math >= 7  # every form's math


def test_jupyter_html_typesets_offline():
    eq = mixeq.Model("y ~ x * m + (1 + x | school)", load_dataset("seedlike")).equations()
    html = eq._repr_html_()
    assert eq.html in html and "renderMathInElement" in html and remote_urls(html) == []


def test_check_html_is_a_self_contained_page(capsys):
    from mixeq.cli.main import main

    assert main(["check", "tests/data/fixtures/cross_level_as_written.tex", "--format", "html"]) == 3
    html = capsys.readouterr().out  # exit 1: the file has a remark, shown on the page
    assert html.startswith("<!DOCTYPE html>") and remote_urls(html) == []
    assert scan(html).math == 2  # the composite and the matrix form
    assert "[slope-not-indexed]" in html and "y ~ 1 + X + M + X:M + (1 + X | j)" in html
