"""Walk the equations from the level-1 equation down through the coefficient
equations, collecting fixed and random effects and the remarks a careful reader
would make. Every step is a function of one explicit :class:`WalkState`."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.naming import corrected_numbers, factor_dummies, show, strip_zeros
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.structure import Owner, Structure
from mixeq.reader.symbols import VAR, SymInfo
from mixeq.reader.terms import Monomial
from mixeq.reader.walk_coefficients import (check_coefficient_index, check_numbering, lookup,
                                            missing_equation, not_indexed)
from mixeq.reader.walk_effects import add_fixed, check_variable, visit_error
from mixeq.reader.walk_final import after_walk
from mixeq.reader.walk_state import WalkState, cluster_order, def_key, remark


def build_structure(doc: Document) -> Structure | None:
    """Read one document: the Structure (or None), its remarks left in ``doc.diagnostics``."""
    w = WalkState(doc)
    if not choose_level1(w):
        return None
    index_definitions(w)
    find_indices(w)
    walk(w, w.level1, w.level1.monomials, (), None, [])
    after_walk(w)
    return w.s


# -- setup ----------------------------------------------------------------------
def choose_level1(w: WalkState) -> bool:
    cands = w.doc.level1_candidates
    if not cands and any(d.code == D.PARSE_ERROR for d in w.doc.diagnostics):
        return False  # the level-1 equation is probably the one that failed to parse
    if not cands:
        remark(w, D.NO_LEVEL1, None,
               "there is no level-1 equation (outcome = coefficients × predictors + "
               "residual), so there is no model to read; start with y_ij = β_0j + "
               "β_1j x_ij + ε_ij.")
        return False
    defined = {eq.lhs.base for eq in w.doc.definitions}
    w.level1 = max(cands, key=lambda e: (
        sum(c.base in defined for m in e.monomials for c in m.coefs),
        any(m.coefs or m.errors for m in e.monomials), -cands.index(e)))
    for other in cands:
        if other is w.level1:
            continue
        if other.lhs.base == w.level1.lhs.base:
            w.s.also_written.append(other)  # the composite, compared later
            continue
        remark(w, D.SEVERAL_LEVEL1, other,
               f"a second level-1 equation (for {show(other.lhs)}); mixeq reads "
               f"the one on line {w.level1.line} and ignores this one.")
    return True


def index_definitions(w: WalkState) -> None:
    for eq in w.doc.definitions:
        key = def_key(w, eq.lhs)
        if key in w.defs:
            first = w.defs[key]
            remark(w, D.DUPLICATE_EQUATION, eq,
                   f"{show(eq.lhs)} already has an equation (line {first.line}); "
                   "each coefficient gets exactly one: delete or renumber this one.")
            continue
        w.defs[key] = eq
    for (base, nums, *_), d in w.defs.items():
        w.by_stripped.setdefault((base, strip_zeros(nums)), []).append(d)


def find_indices(w: WalkState) -> None:
    lhs = w.level1.lhs
    letters = list(lhs.letters)
    if not letters:
        letters = next((list(err.letters) for mono in w.level1.monomials
                        for err in mono.errors if not err.numbers and err.letters), [])
    w.s.response = lhs.base
    w.s.observation = letters[0] if letters else None
    w.s.clusters = letters[1:] or implied_clusters(w)
    # x_ij^2 alone does not make x level 1: mixeq writes I(x ** 2) as its own predictor
    obs = w.s.observation
    w.level1_names = {v.base for m in w.level1.monomials for v in m.variables
                      if v.power == 1 and (obs in v.letters or not v.letters)}
    w.factor_of = factor_dummies(
        v.base for eq in [w.level1, *w.doc.definitions]
        for m in eq.monomials for v in m.variables) if w.doc.guess_factors else {}
    w.doc.factor_of = w.factor_of
    w.level1_names |= {w.factor_of.get(n, n) for n in w.level1_names}


def implied_clusters(w: WalkState) -> list[str]:
    """Cluster indices when the outcome carries none (y_i = β_0j + …)."""
    seen: list[str] = []
    for eq in [w.level1, *w.doc.definitions]:
        for mono in eq.monomials:
            for info in [*mono.coefs, *mono.errors, eq.lhs]:
                if info.role == VAR:
                    continue
                for c in info.letters:
                    if c != w.s.observation and c not in seen:
                        seen.append(c)
    return seen


# -- the walk ------------------------------------------------------------------------
def walk(w: WalkState, eq: Equation, monos: list[Monomial], path: tuple, owner: Owner | None,
         stack: list) -> None:
    for mono in monos:
        if mono.is_zero:
            continue
        variables = [check_variable(w, v, eq, owner) for v in mono.variables]
        here = path + tuple(variables)
        symbols = mono.coefs + mono.errors
        if len(symbols) > 1:
            remark(w, D.PRODUCT_OF_COEFFICIENTS, eq,
                   f"{' · '.join(show(s) for s in symbols)} multiplies coefficients or "
                   "random effects together; each term has one coefficient (or one "
                   "random effect) times predictors.", at=symbols[1].sym.start)
            continue
        if mono.coefs:
            visit_coefficient(w, mono.coefs[0], eq, here, owner, stack, mono)
        elif mono.errors:
            visit_error(w, mono.errors[0], eq, here, owner, tuple(variables))
        elif is_offset(mono, owner):
            w.s.offsets.append(mono.variables[0].base)
        elif is_column_offset(w, mono, owner):
            w.s.offsets.append(mono.variables[0].base)
            if not also_predictor(eq, mono.variables[0].base):
                v = mono.variables[0]
                remark(w, D.TERM_WITHOUT_COEFFICIENT, eq,
                       f"{show(v)} has no coefficient: mixeq reads it as an offset "
                       f"(coefficient fixed at 1, offset({v.base})); if {v.base} is a "
                       f"predictor, give it its own coefficient (β {show(v)}).",
                       at=v.sym.start)
        elif mono.variables:
            name = " ".join(show(v) for v in mono.variables)
            remark(w, D.TERM_WITHOUT_COEFFICIENT, eq,
                   f"{name} has no coefficient: every predictor needs its own coefficient "
                   "(β or γ) to be estimated; mixeq reads it as a fixed effect.",
                   at=mono.variables[0].sym.start)
            add_fixed(w, here, None, eq)
        else:
            remark(w, D.TERM_WITHOUT_COEFFICIENT, eq,
                   f"the constant {mono.numbers[0].value} is not a model term: the "
                   "intercept is a coefficient (γ_00); mixeq ignores it.",
                   at=mono.numbers[0].start)


def is_offset(mono: Monomial, owner: Owner | None) -> bool:
    """``log(t_ij)`` (or mixeq's ``I(10 * log(t))_ij``) with no coefficient in the
    level-1 equation: an offset (R's ``offset(log(t))``, coefficient fixed at 1). A bare
    column is :func:`is_column_offset`'s."""
    return (owner is None and mono.sign > 0 and not mono.numbers and len(mono.variables) == 1
            and "(" in mono.variables[0].base)


def is_column_offset(w: WalkState, mono: Monomial, owner: Owner | None) -> bool:
    """``x_ij`` alone, with no coefficient, added in the level-1 equation: written so,
    its coefficient is 1 (R's ``offset(x)``). Unambiguous when x is also a predictor
    (``x_ij + β_1j x_ij``: a forgotten coefficient would be a second β for x); alone it
    may be a coefficient forgotten, so the walk then remarks on it."""
    if owner is not None or mono.sign < 0 or mono.numbers or len(mono.variables) != 1:
        return False
    v = mono.variables[0]
    return v.power == 1 and v.base not in w.factor_of


def also_predictor(eq: Equation, base: str) -> bool:
    """``base`` is also a predictor with a coefficient in ``eq`` (β_1j x_ij)."""
    return any(m.coefs and any(v.base == base for v in m.variables) for m in eq.monomials)


def visit_coefficient(w: WalkState, coef: SymInfo, eq: Equation, here: tuple,
                      owner: Owner | None, stack: list, mono: Monomial) -> None:
    """A coefficient: a fixed effect, or (through its equation) fixed and random parts."""
    numbers = corrected_numbers(coef.numbers, len(stack))
    uses = w.coef_uses.setdefault(coef.key, [])
    uses.append((coef, eq, owner, bool(mono.variables)))
    if len(uses) == 1:
        check_numbering(w, coef, eq, owner)
    check_coefficient_index(w, coef, eq)
    d = lookup(w, coef, eq)
    if d is None:
        letters = tuple(c for c in coef.letters if c in w.s.clusters)
        if letters:
            missing_equation(w, coef, eq, numbers, letters, here)
        else:
            add_fixed(w, here, coef, eq)
        return
    key = def_key(w, d.lhs)
    if key in stack and coef.letters != d.lhs.letters:
        add_fixed(w, here, coef, eq)  # MLwiN's β_0j = β_0 + u_0j: β_0 is the fixed part
        return
    if key in stack:
        remark(w, D.CIRCULAR, d, f"{show(d.lhs)} is defined in terms of itself.")
        return
    w.used.add(key)
    error_letters = {c for m in d.monomials for e in m.errors for c in e.letters
                     if c in w.s.clusters}
    own = set(coef.letters) & set(w.s.clusters)
    if error_letters and not error_letters <= own:
        not_indexed(w, coef, eq, d, numbers, error_letters | own, here)
    letters = cluster_order(w, (set(d.lhs.letters) & set(w.s.clusters)) | own | error_letters)
    walk(w, d, d.monomials, here, Owner(numbers, letters, d), stack + [key])
