"""Expand the right side of an equation into monomials: each a sign, the
coefficients and error terms in it, its variables (with powers) and numbers."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.reader.parser import NOT_A_TERM, ParseError
from mixeq.reader.symbols import COEF, ERROR, VAR, Index, SymInfo, classify
from mixeq.reader.syntax import Call, Group, Num, Prod, Sum, Sym, is_zero
from mixeq.reader.vocabulary import TRANSFORMS


@dataclass
class Monomial:
    sign: int = 1
    coefs: list[SymInfo] = field(default_factory=list)
    errors: list[SymInfo] = field(default_factory=list)
    variables: list[SymInfo] = field(default_factory=list)
    numbers: list[Num] = field(default_factory=list)
    start: int = 0
    end: int = 0

    def times(self, other: Monomial) -> Monomial:
        return Monomial(self.sign * other.sign, self.coefs + other.coefs,
                        self.errors + other.errors, self.variables + other.variables,
                        self.numbers + other.numbers, min(self.start, other.start),
                        max(self.end, other.end))

    @property
    def is_zero(self) -> bool:
        return any(is_zero(n) for n in self.numbers)


def _expression(parts: list[Monomial]) -> tuple[str, list[str]]:
    """Monomials of predictors as the formula writes them (``x - x_bar``), and the index
    letters they carry."""
    text = []
    letters: list[str] = []
    for k, mono in enumerate(parts):
        factors = [n.value for n in mono.numbers] + [
            v.base if v.power == 1 else f"{v.base} ** {v.power}" for v in mono.variables]
        sign = "-" if mono.sign < 0 else "+"
        text.append(("-" if sign == "-" else "") if k == 0 else f" {sign} ")
        text.append(" * ".join(factors))
        for v in mono.variables:
            letters += [c for c in v.letters if c not in letters]
    return "".join(text), letters


def _derived(parts: list[Monomial], node: Group) -> SymInfo:
    """``(x_ij - x̄_j)``: a centred predictor, one variable ``I(x - x_bar)``."""
    text, letters = _expression(parts)
    name = "I(" + text + ")"
    return SymInfo(VAR, name, Index((), tuple(letters)), Sym(name, node.start, node.end))


def _transformed(node: Call) -> SymInfo | None:
    """``log(w_ij)``, ``scale(u_ij)``: a function of predictors is one predictor, named as
    the formula writes it (``log(w)``); every symbol inside is a variable (``u`` in
    ``scale(u_ij)`` is a column, not a random effect)."""
    func = TRANSFORMS.get(node.func)
    if func is None:
        return None
    texts, letters = [], []
    for arg in node.args:
        parts = expand(arg)
        for m in parts:
            m.variables += [SymInfo(VAR, i.sym.name, i.index, i.sym) for i in m.coefs + m.errors]
            m.coefs, m.errors = [], []
        text, found = _expression(parts)
        texts.append(text)
        letters += [c for c in found if c not in letters]
    name = f"{func}({', '.join(texts)})"
    return SymInfo(VAR, name, Index((), tuple(letters)), Sym(name, node.start, node.end))


def expand(node) -> list[Monomial]:
    """Distribute products over sums; raises ParseError for vectors and
    functions, which cannot stand in a model equation's right side."""
    if isinstance(node, Sym):
        info = classify(node)
        mono = Monomial(start=node.start, end=node.end)
        {COEF: mono.coefs, ERROR: mono.errors}.get(info.role, mono.variables).append(info)
        return [mono]
    if isinstance(node, Num):
        return [Monomial(numbers=[node], start=node.start, end=node.end)]
    if isinstance(node, Sum):
        out = []
        for sign, term in node.terms:
            for mono in expand(term):
                mono.sign *= sign
                out.append(mono)
        return out
    if isinstance(node, Prod):
        result = [Monomial(start=node.start, end=node.start)]
        for factor in node.factors:
            result = [a.times(b) for a in result for b in expand(factor)]
        return result
    if isinstance(node, Group) and node.is_single and not node.transposed:
        inner = expand(node.rows[0][0])
        if len(inner) > 1 and not any(m.coefs or m.errors for m in inner):
            return [Monomial(variables=[_derived(inner, node)], start=node.start, end=node.end)]
        return inner
    if isinstance(node, Group):
        raise ParseError(NOT_A_TERM, "a vector or matrix cannot be a term of a model equation",
                         node.start)
    if isinstance(node, Call) and (info := _transformed(node)) is not None:
        return [Monomial(variables=[info], start=node.start, end=node.end)]
    if isinstance(node, Call):
        raise ParseError(NOT_A_TERM,
                         f"the function {node.func}(…) cannot be a term of a model equation",
                         node.start)
    raise ParseError(NOT_A_TERM, "this cannot be a term of a model equation",
                     getattr(node, "start", 0))
