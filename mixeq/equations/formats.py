"""The table of output formats: one record per format, read by ``Equation`` (its
``.latex``, ``.text`` … and ``str()``), ``render()``, the CLI's ``--format`` choices and
the docs (tests/equations/test_registry.py). Every format writes the same display tree."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mixeq.equations.html import to_html
from mixeq.equations.latex import to_latex
from mixeq.equations.markdown import to_markdown
from mixeq.equations.text import to_text
from mixeq.errors import RenderError


def text_with_notes(doc, opts) -> str:
    """Unicode text, the notes (levels assumed, estimates) after it, a line each."""
    return to_text(doc, opts) + "".join("\n\nNote: " + n for n in doc.notes)


@dataclass(frozen=True)
class Format:
    """``name`` (what ``format=`` takes), ``summary`` (one line for help texts) and
    ``write(document, options) -> str``."""

    name: str
    summary: str
    write: Callable


TABLE: tuple[Format, ...] = (
    Format("latex", "amsmath aligned/bmatrix (KaTeX, MathJax, pdflatex)", to_latex),
    Format("text", "Unicode text, matrices drawn over several lines", text_with_notes),
    Format("markdown", "a $$ block, sentences as a list, notes as a quote", to_markdown),
    Format("html", "a fragment with display math, typeset by KaTeX or MathJax", to_html),
)
FORMATS: tuple[str, ...] = tuple(f.name for f in TABLE)
_BY_NAME = {f.name: f for f in TABLE}


def output_format(name: str) -> Format:
    """The record of ``name``; an unknown name is a RenderError."""
    found = _BY_NAME.get(name)
    if found is None:
        raise RenderError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return found
