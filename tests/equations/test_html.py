"""The HTML format: the LaTeX format's math (HTML-escaped) as display math,
sentences as a list with inline math, notes as paragraphs."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from mixeq.equations import FORMS, render

from .helpers import MODELS, assert_katex_renders, model

APPLIES = [(m, f) for m in MODELS for f in FORMS if (m, f) != ("penicillin_crossed", "matrix")]


class Fragment(HTMLParser):
    """Collects the display math, list items and notes; checks tags are balanced."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.math, self.items, self.notes = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append((tag, dict(attrs)))
        if tag == "li":
            self.items.append("")
        if tag == "p":
            self.notes.append("")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data):
        tag, attrs = self.stack[-1] if self.stack else ("", {})
        if tag == "div" and attrs.get("class") == "math display":
            self.math.append(data)
        elif tag == "li":
            self.items[-1] += data
        elif tag == "p":
            self.notes[-1] += data


def parse(html: str) -> Fragment:
    frag = Fragment()
    frag.feed(html)
    frag.close()
    assert not frag.stack, "unclosed tags"
    return frag


@pytest.mark.parametrize("model_id,form", APPLIES)
def test_html_holds_the_latex_formats_math_and_every_sentence(model_id, form):
    eq = render(model(model_id), form=form, format="html")
    frag = parse(str(eq))
    md = eq.markdown
    if "$$" in md:
        latex_math = md.split("$$\n", 1)[1].split("\n$$", 1)[0]
        assert frag.math == ["\\[\n" + latex_math + "\n\\]"]
    else:
        assert frag.math == []
    bullets = [ln[2:] for ln in md.splitlines() if ln.startswith("- ")]
    assert len(frag.items) == len(bullets)
    for item, bullet in zip(frag.items, bullets):  # same words, \( \) for $ $
        assert item.replace("\\(", "$").replace("\\)", "$") == bullet
    assert frag.notes == ["Note: " + n for n in eq.notes]


def test_html_escapes_ampersands_and_angle_brackets():
    html = render(model("textbook"), "composite", "html").html
    assert "&amp;=" in html and " &= " not in html
    html = render("y ~ x + (1 | g)", "composite", "html", names={"x": "x<1 & y>2"}).html
    assert "x<1" not in html and "x&lt;1" in html


def test_html_math_renders_in_katex():
    named = {}
    for model_id in ("textbook", "pastes_nested", "penicillin_crossed"):
        for form in FORMS:
            if (model_id, form) not in APPLIES:
                continue
            frag = parse(render(model(model_id), form=form, format="html").html)
            for k, m in enumerate(frag.math):
                named[f"{model_id}/{form}/display{k}"] = m.strip()[2:-2]
            for k, item in enumerate(frag.items):
                for n, piece in enumerate(item.split("\\(")[1:]):
                    named[f"{model_id}/{form}/inline{k}.{n}"] = piece.split("\\)")[0]
    assert_katex_renders(named)
