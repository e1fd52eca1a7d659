"""A document once parsed: its equations sorted by what they say."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.reader import diagnostics as D
from mixeq.reader.lines import Statement
from mixeq.reader.symbols import SymInfo
from mixeq.reader.syntax import Relation, Sym
from mixeq.reader.terms import Monomial


@dataclass
class Equation:
    """A parsed model equation ``lhs = rhs`` with the right side expanded."""

    statement: Statement
    tree: Relation
    lhs: SymInfo
    monomials: list[Monomial]
    implicit_residual: bool = False  # y_i ~ N(mean, σ²): the residual is in the distribution

    @property
    def line(self) -> int:
        return self.statement.line

    @property
    def text(self) -> str:
        return self.statement.text


@dataclass
class Document:
    """Everything read from the input: level-1 candidates, coefficient
    equations, distribution lines, covariance matrices, and the remarks so far."""

    source: str
    latex: bool
    level1_candidates: list[Equation] = field(default_factory=list)
    definitions: list[Equation] = field(default_factory=list)
    distributions: list[tuple[Statement, Relation]] = field(default_factory=list)
    covariance_defs: dict[str, object] = field(default_factory=dict)
    zero_covariances: list[tuple[object, object]] = field(default_factory=list)
    declared_random: set[tuple] = field(default_factory=set)  # (name, numbers, letters) ~ N(0, …)
    gelman_hill: bool = False  # the outcome's line is a distribution: y_i ~ N(…, σ²)
    diagnostics: list[D.Diagnostic] = field(default_factory=list)
    disagreements: dict[int, str] = field(default_factory=dict)  # line → what it reads as
    # a GLMM (reader/glmm.py): distribution lines, link equations, η_ij = … lines, and the
    # family and link read from them
    glm_families: list = field(default_factory=list)
    glm_links: list = field(default_factory=list)
    linear_predictors: list = field(default_factory=list)
    glm: object = None
    exact_groups: set = field(default_factory=set)  # letters named whole by the legend
    # without data, two or more name_level predictors are guessed to be one factor's
    # dummies; with data, the data says (reader/data_check.py) and nothing is guessed
    guess_factors: bool = True
    factor_of: dict = field(default_factory=dict)  # a dummy → its factor, as the walk read it


def covariance_name(sym: Sym) -> str:
    """T, T^g, T_π: the name a covariance matrix is referred to by."""
    parts = [sym.name]
    for script in (sym.sub, sym.sup):
        parts.append(script.raw.replace(" ", "") if script is not None else "")
    return "|".join(parts)
