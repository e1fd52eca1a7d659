"""The textbook model y ~ x * m + (1 + x | school) on seedlike, every form and
format, against golden files read line by line by a person.

Regenerate after a deliberate change with MIXEQ_UPDATE_GOLDEN=1 and read the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from mixeq.equations import FORMATS, FORMS, render

from .helpers import model

GOLDEN = Path(__file__).with_name("golden")
EXT = {"latex": "tex", "text": "txt", "markdown": "md", "html": "html"}
# HTML is the LaTeX format's math, escaped, plus sentences (test_html.py ties the
# two together for every form); two golden files pin the fragment's structure.
CASES = [(form, fmt, {}) for form in FORMS for fmt in FORMATS if fmt != "html"] + [
    ("composite", "html", {}),
    ("explain", "html", {}),
    ("matrix", "text", {"cluster": "s001"}),
    ("matrix", "latex", {"cluster": "s001"}),
    ("observation", "text", {"cluster": "s001"}),
]


def golden_name(form: str, fmt: str, options: dict) -> str:
    tail = "".join(f"_{k}-{v}" for k, v in options.items())
    return f"textbook_{form}{tail}.{EXT[fmt]}"


@pytest.mark.parametrize("form,fmt,options", CASES,
                         ids=[golden_name(*c) for c in CASES])
def test_textbook_matches_golden(form, fmt, options):
    out = str(render(model("textbook"), form=form, format=fmt, **options))
    path = GOLDEN / golden_name(form, fmt, options)
    if os.environ.get("MIXEQ_UPDATE_GOLDEN"):
        path.write_text(out + "\n", encoding="utf-8")
    assert path.exists(), f"missing golden file {path.name}"
    assert out + "\n" == path.read_text(encoding="utf-8")
