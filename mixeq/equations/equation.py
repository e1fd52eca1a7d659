"""``Equation``: one form of a model in one format, displayable in Jupyter."""
from __future__ import annotations

from dataclasses import dataclass

from mixeq.equations.formats import FORMATS, output_format
from mixeq.equations.options import Options
from mixeq.equations.tree import Document

__all__ = ["Equation", "FORMATS"]


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

    def written(self, fmt: str) -> str:
        """The equations in format ``fmt`` (a name of the formats table)."""
        return output_format(fmt).write(self.tree, self.options)

    @property
    def latex(self) -> str:
        return self.written("latex")

    @property
    def text(self) -> str:
        return self.written("text")

    @property
    def markdown(self) -> str:
        return self.written("markdown")

    @property
    def html(self) -> str:
        return self.written("html")

    def __str__(self) -> str:
        return self.written(self.format)

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
