"""``Equation``: one form of a model in one format, displayable in Jupyter."""
from __future__ import annotations

from dataclasses import dataclass

from mixeq.equations.html import to_html
from mixeq.equations.latex import to_latex
from mixeq.equations.markdown import to_markdown
from mixeq.equations.options import Options
from mixeq.equations.text import to_text
from mixeq.equations.tree import Document

FORMATS = ("latex", "text", "markdown", "html")


@dataclass
class Equation:
    """``.latex``, ``.text``, ``.markdown``, ``.html``; ``str()`` gives ``format``;
    ``.tree`` is the display tree every format renders."""

    tree: Document
    format: str
    options: Options

    @property
    def form(self) -> str:
        return self.tree.form

    @property
    def notes(self) -> list[str]:
        return list(self.tree.notes)

    @property
    def latex(self) -> str:
        return to_latex(self.tree, self.options)

    @property
    def text(self) -> str:
        body = to_text(self.tree, self.options)
        return body + "".join("\n\nNote: " + n for n in self.tree.notes)

    @property
    def markdown(self) -> str:
        return to_markdown(self.tree, self.options)

    @property
    def html(self) -> str:
        return to_html(self.tree, self.options)

    def __str__(self) -> str:
        return getattr(self, self.format)

    def _repr_latex_(self) -> str:
        return "$$" + self.latex + "$$"

    def _repr_html_(self) -> str:
        """Typeset offline in Jupyter: KaTeX (mixeq's package data) precedes the HTML."""
        from mixeq.report.page import fragment

        return fragment(self.html)

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return f"Equation(form={self.form!r}, format={self.format!r})"
