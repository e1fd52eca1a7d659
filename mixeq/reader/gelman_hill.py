"""Gelman–Hill (varying-coefficient) notation, as mixeq's gelman-hill form and
R's equatiomatic write it::

    y_i ~ N(α_j[i] + β_1j[i] x_i, σ²)
    (α_j, β_1j) ~ N((γ_0^α + γ_1^α m_j, γ_0^β1 + γ_1^β1 m_j), Σ)
    a_0j ~ N(0, σ²_a)                      (a zero-mean effect of a factor)

The outcome's distribution is the level-1 equation (its residual implied); a
varying coefficient's distribution is its level-2 equation with an implied
random effect; a symbol with mean 0 is a random effect."""
from __future__ import annotations

from mixeq.reader.lines import Statement
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.parser import ParseError
from mixeq.reader.symbols import COEF, ERROR, VAR, SymInfo, classify
from mixeq.reader.syntax import Call, Group, Num, Relation, Script, Sym
from mixeq.reader.terms import Monomial, expand
from mixeq.reader.vocabulary import DISTRIBUTIONS, VARIANCE_NAMES

IMPLIED = "implied:"


def implied_effect(info: SymInfo) -> SymInfo:
    """The random effect a varying coefficient's distribution implies."""
    sym = Sym("u", info.sym.start, info.sym.end, info.sym.sub,
              Script(IMPLIED + info.base, info.sym.sub.span if info.sym.sub else (0, 0)))
    return SymInfo(ERROR, "u", info.index, sym)


def _members(node) -> list:
    if isinstance(node, Sym):
        return [node]
    if isinstance(node, Group):
        return list(node.items())
    return []


def _means(node, n: int) -> list | None:
    if n == 1:
        return [node]
    if isinstance(node, Group) and len(node.items()) == n:
        return node.items()
    if isinstance(node, Num):
        return [node] * n
    return None


def _zero(node) -> bool:
    return isinstance(node, Num) and node.value.strip("0.") == ""


def read_distribution(doc: Document, st: Statement, tree: Relation) -> None:
    rhs = tree.rhs
    if not (isinstance(rhs, Call) and rhs.func in DISTRIBUTIONS and rhs.args):
        return
    members = _members(tree.lhs)
    means = _means(rhs.args[0], len(members))
    if not members or means is None or not all(isinstance(m, Sym) for m in members):
        return
    for sym, mean in zip(members, means, strict=False):
        info = classify(sym)
        if mean is None or info.role == ERROR or sym.name in VARIANCE_NAMES:
            continue
        if _zero(mean):
            doc.declared_random.add((info.base, info.numbers, info.letters))
            continue
        try:
            monomials = expand(mean)
        except ParseError:
            continue
        if info.role == VAR and len(members) == 1:
            doc.gelman_hill = True
            doc.level1_candidates.append(
                Equation(st, Relation(sym, "=", mean), info, monomials, implicit_residual=True))
        elif info.role == COEF:
            implied = Monomial(errors=[implied_effect(info)], start=sym.start, end=sym.end)
            doc.definitions.append(Equation(st, Relation(sym, "=", mean), info,
                                            monomials + [implied]))


def _as_error(info: SymInfo) -> SymInfo:
    return SymInfo(ERROR, info.base, info.index, info.sym)


def finish(doc: Document) -> None:
    """After every line is read: ``y_i ~ N(μ_i, σ²)`` with ``μ_i = …`` on its
    own line is one level-1 equation; zero-mean symbols are random effects."""
    _join_linear_predictor(doc)
    _mark_declared_random(doc)


def _join_linear_predictor(doc: Document) -> None:
    if doc.glm is not None:
        return  # a GLMM's linear predictor is joined to its link by reader/glmm.py
    cands = doc.level1_candidates
    for outer in [e for e in cands if e.implicit_residual]:
        monos = outer.monomials
        if len(monos) != 1 or len(monos[0].variables + monos[0].coefs) != 1 or monos[0].errors:
            continue
        name = (monos[0].variables + monos[0].coefs)[0]
        for pool in (cands, doc.definitions):
            inner = next((e for e in pool if e is not outer and not e.implicit_residual
                          and e.lhs.base == name.base and e.lhs.index == name.index), None)
            if inner is not None:
                pool.remove(inner)
                cands[cands.index(outer)] = Equation(inner.statement, inner.tree, outer.lhs,
                                                     inner.monomials, implicit_residual=True)
                break


def _mark_declared_random(doc: Document) -> None:
    """Symbols given a zero-mean distribution are random effects wherever they appear."""
    if not doc.declared_random:
        return
    for eq in [*doc.level1_candidates, *doc.definitions]:
        for mono in eq.monomials:
            for group in (mono.variables, mono.coefs):
                moved = [i for i in group if (i.base, i.numbers, i.letters) in doc.declared_random]
                for info in moved:
                    group.remove(info)
                    mono.errors.append(_as_error(info))
