"""What reading equations gives back."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.reader.diagnostics import Diagnostic
from mixeq.spec.types import ModelSpec


@dataclass
class ReadResult:
    """The model read from hand-written equations.

    ``spec`` (None when no model could be read), ``formula`` (lme4 text),
    ``composite`` and ``matrix`` (rendered in ``format``), ``diagnostics``
    (what is wrong, each with a corrected equation), ``levels`` (predictor →
    ``{"level": 1|2|3, "group": name}``), ``group_map`` (index letter →
    grouping factor), ``notes`` (things said about the output, not the input),
    ``matrix_form`` ("matrix", or "stacked" for crossed factors); for a generalized
    model (binomial, Poisson), ``family`` and ``link`` (lme4's names; None for a linear
    mixed model).
    """

    spec: ModelSpec | None
    formula: str | None
    composite: str | None
    matrix: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    levels: dict[str, dict] = field(default_factory=dict)
    group_map: dict[str, str] = field(default_factory=dict)
    format: str = "latex"
    notes: list[str] = field(default_factory=list)
    matrix_form: str = "matrix"  # "stacked" when one cluster's form does not apply (crossed)
    family: str | None = None
    link: str | None = None

    @property
    def glmer(self) -> str | None:
        """lme4's call for a GLMM read: ``glmer(y ~ …, family = binomial(link = "logit"))``."""
        if self.family is None or self.formula is None:
            return None
        return f'glmer({self.formula}, family = {self.family}(link = "{self.link}"))'

    @property
    def ok(self) -> bool:
        """True when the equations were read and nothing needs remarking."""
        return self.spec is not None and not self.diagnostics

    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]

    def to_dict(self) -> dict:
        return {
            "formula": self.formula,
            "family": self.family,
            "link": self.link,
            "composite": self.composite,
            "matrix": self.matrix,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "levels": self.levels,
            "groups": self.group_map,
            "notes": self.notes,
        }

    def __str__(self) -> str:
        from mixeq.reader.report import text_report

        return text_report(self)

    def __repr__(self) -> str:
        what = repr(self.formula) if self.formula else "no model read"
        if self.family:
            what += f" ({self.family}, {self.link} link)"
        codes = ", ".join(dict.fromkeys(self.codes()))
        return (f"<ReadResult {what}: " + (f"{len(self.diagnostics)} remark(s) ({codes})>"
                                           if self.diagnostics else "no remarks>"))

    def _repr_pretty_(self, p, cycle):  # IPython's text display: the whole report
        p.text(str(self))

    def _repr_html_(self) -> str:
        from mixeq.reader.report import html_report

        return html_report(self)
