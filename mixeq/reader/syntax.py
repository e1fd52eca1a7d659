"""Syntax tree of one equation, as the parser builds it. Every node keeps its
span (offsets in the whole input) for messages and corrections."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Script:
    """A subscript or superscript: raw text and where it sits in the input.
    ``span`` covers the content only; ``braced`` says it was written ``{…}``;
    ``glued`` marks plain-text spellings like ``b0j`` (no ``_``)."""

    raw: str
    span: tuple[int, int]
    braced: bool = False
    glued: bool = False


@dataclass
class Sym:
    """A symbol: ``name`` (Greek spelled out: ``beta``) with an optional
    subscript and superscript; ``start``/``end`` cover all of it."""

    name: str
    start: int
    end: int
    sub: Script | None = None
    sup: Script | None = None


@dataclass
class Num:
    value: str
    start: int
    end: int


def is_zero(node) -> bool:
    """A number written as 0 (``0``, ``0.0``)."""
    if isinstance(node, Num):
        try:
            return float(node.value) == 0.0
        except ValueError:
            return False
    return False


@dataclass
class Sum:
    """``terms`` are (sign, node) with sign +1 or -1."""

    terms: list[tuple[int, object]]
    start: int
    end: int


@dataclass
class Prod:
    factors: list[object]
    start: int
    end: int


@dataclass
class Group:
    """``( … )`` or ``[ … ]`` with one or more comma/semicolon-separated items,
    or a matrix environment: ``rows`` of cells (a cell may be None when empty).
    ``transposed`` is set by a following ``'`` or ``^T``."""

    rows: list[list[object | None]]
    bracket: str
    start: int
    end: int
    transposed: bool = False
    sup: Script | None = None

    def items(self) -> list[object | None]:
        """Cells as one list: a row or column vector's entries."""
        if len(self.rows) == 1:
            return list(self.rows[0])
        if all(len(r) == 1 for r in self.rows):
            return [r[0] for r in self.rows]
        return [c for r in self.rows for c in r]

    @property
    def is_single(self) -> bool:
        return len(self.rows) == 1 and len(self.rows[0]) == 1


@dataclass
class Call:
    func: str
    args: list[object]
    start: int
    end: int


@dataclass
class Relation:
    """``lhs op rhs`` with op ``=`` or ``~``; ``op_span`` is where the sign is;
    ``given``: what a distribution is conditioned on (``y_ij | β_0j ~ …``); ``middle``:
    the linear predictor's name in ``logit(p_ij) = η_ij = …``."""

    lhs: object
    op: str
    rhs: object
    op_span: tuple[int, int] = field(default=(0, 0))
    given: list = field(default_factory=list)
    middle: object = None


def symbols_of(node) -> list[Sym]:
    """Every symbol in a parsed expression (a matrix cell, a link's argument), in order."""
    if isinstance(node, Sym):
        return [node]
    if isinstance(node, Sum):
        return [s for _, t in node.terms for s in symbols_of(t)]
    if isinstance(node, Prod):
        return [s for f in node.factors for s in symbols_of(f)]
    if isinstance(node, Group):
        return [s for row in node.rows for c in row if c is not None for s in symbols_of(c)]
    if isinstance(node, Call):
        return [s for a in node.args for s in symbols_of(a)]
    return []
