"""The display tree every form builds and every format renders.

Forms (multilevel, composite, matrix, …) build these nodes from the symbolic
model; the format modules (:mod:`latex`, :mod:`text`) turn them into strings.
No form writes LaTeX or Unicode by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Sym:
    """A symbol with subscript tokens: ``Sym("gamma", ("0", "1"))`` is γ₀₁.

    ``kind`` is ``greek`` (base is a Greek letter's name), ``var`` (a data
    variable, shown upright or italic by the format's options), ``plain``
    (a one-letter mathematical symbol such as X, T, n) or ``text``.
    ``sub`` tokens are strings or nested :class:`Sym` (``n_j`` in ``y_{n_j j}``).
    """

    base: str
    sub: tuple = ()
    sup: Union[str, "Sym", None] = None
    kind: str = "plain"
    label: str | None = None  # a dummy's level: recipe_B

    @property
    def key(self) -> str:
        """Identity used by SymPy: base, label, subscript, superscript."""
        sub = ",".join(t.key if isinstance(t, Sym) else str(t) for t in self.sub)
        sup = self.sup.key if isinstance(self.sup, Sym) else (self.sup or "")
        lab = f"[{self.label}]" if self.label else ""
        return f"{self.base}{lab}_{{{sub}}}^{{{sup}}}"

    def with_sub(self, sub: tuple) -> "Sym":
        return Sym(self.base, tuple(sub), self.sup, self.kind, self.label)


@dataclass(frozen=True)
class Num:
    value: float
    digits: int | None = None


@dataclass(frozen=True)
class Text:
    """Words inside an equation (``for school j = 1, …, J``)."""

    text: str


@dataclass(frozen=True)
class Dots:
    """``v`` vertical, ``h`` horizontal (centred), ``d`` diagonal, ``l`` low (…)."""

    kind: str = "h"


@dataclass(frozen=True)
class Seq:
    """Items separated by commas: ``1, …, J``."""

    items: tuple


@dataclass(frozen=True)
class Add:
    terms: tuple


@dataclass(frozen=True)
class Mul:
    """A product; ``dot`` shows the multiplication sign (1·γ₀₀)."""

    factors: tuple
    dot: bool = False


@dataclass(frozen=True)
class Pow:
    base: object
    exp: object


@dataclass(frozen=True)
class Neg:
    arg: object


@dataclass(frozen=True)
class Call:
    """``N(0, σ²)``: a named function of arguments; ``brackets="[]"`` for E[y | b]."""

    name: str
    args: tuple
    brackets: str = "()"


@dataclass(frozen=True)
class Matrix:
    """A bracketed matrix (``bmatrix``) or column vector; ``name`` tags it for checks."""

    rows: tuple
    name: str = ""
    paren: bool = False


@dataclass(frozen=True)
class Transpose:
    arg: object


@dataclass(frozen=True)
class Kron:
    left: object
    right: object


@dataclass(frozen=True)
class Relation:
    """``lhs rel rhs`` with rel one of ``=``, ``~``, ``,`` (a list), ``|`` (given)."""

    lhs: object
    rel: str
    rhs: object


@dataclass(frozen=True)
class Row:
    """One displayed line: a relation, an optional label (``Level 1:``) and a
    trailing remark (``for school j = 1, …, J``)."""

    relation: object
    label: str = ""
    remark: object = None
    name: str = ""


@dataclass
class Block:
    """A titled group of rows (``Level 2``), or of sentences when ``sentences``."""

    title: str
    rows: list = field(default_factory=list)
    sentences: list = field(default_factory=list)


@dataclass
class Document:
    """What one form produces: blocks of rows plus notes for the reader."""

    form: str
    blocks: list
    notes: list = field(default_factory=list)
    aliases: dict = field(default_factory=dict)  # a form's symbol → the symbolic model's
    expand: dict = field(default_factory=dict)   # symbol → what it stands for (α_j[i])

    def rows(self, name: str | None = None) -> list:
        out = [r for b in self.blocks for r in b.rows]
        return [r for r in out if name is None or r.name == name]

    def row(self, name: str) -> Row:
        found = self.rows(name)
        if not found:
            raise KeyError(name)
        return found[0]


@dataclass(frozen=True)
class Sentence:
    """Prose with inline math: ``parts`` alternate ``str`` and tree nodes."""

    parts: tuple


def add(*terms) -> object:
    flat = []
    for t in terms:
        if t is None:
            continue
        if isinstance(t, Add):
            flat.extend(t.terms)
        else:
            flat.append(t)
    if not flat:
        return Num(0)
    return flat[0] if len(flat) == 1 else Add(tuple(flat))


def mul(*factors, dot: bool = False) -> object:
    flat = []
    for f in factors:
        if f is None:
            continue
        if isinstance(f, Mul) and not f.dot:
            flat.extend(f.factors)
        else:
            flat.append(f)
    if not flat:
        return Num(1)
    return flat[0] if len(flat) == 1 else Mul(tuple(flat), dot)


def column(*entries, name: str = "") -> Matrix:
    return Matrix(tuple((e,) for e in entries), name=name)


def split_sign(term) -> tuple[int, object]:
    """A term of a sum as (sign, what follows the sign): ``Neg(x)`` → (-1, x),
    ``-2`` → (-1, 2), ``-2·x`` → (-1, 2·x), anything else (1, term)."""
    if isinstance(term, Neg):
        return -1, term.arg
    if isinstance(term, Num) and term.value < 0:
        return -1, Num(-term.value, term.digits)
    if isinstance(term, Mul) and isinstance(term.factors[0], Num) \
            and term.factors[0].value < 0:
        first = Num(-term.factors[0].value, term.factors[0].digits)
        return -1, Mul((first, *term.factors[1:]), term.dot)
    return 1, term


def needs_parens(factor) -> bool:
    """A factor of a product (or a negated term) that is bracketed: a sum, a
    negation, a negative number."""
    return isinstance(factor, (Add, Neg)) or (isinstance(factor, Num) and factor.value < 0)
