"""Remarks made once the walk is over: unused equations, a missing residual,
symbols used for two things."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.corrections import Edit, unicode_like
from mixeq.reader.naming import show
from mixeq.reader.symbols import Index
from mixeq.reader.walk_state import WalkState, fix, reindex, remark


def after_walk(w: WalkState) -> None:
    unused_definitions(w)
    missing_residual(w)
    glmm_residual(w)
    reused_symbols(w)


def glmm_residual(w: WalkState) -> None:
    """An ε in the level-1 equation of a GLMM: the level-1 randomness is the outcome's
    distribution (Bernoulli, Binomial, Poisson), there is no residual term."""
    err = w.s.residual
    if w.doc.glm is None or err is None:
        return
    src, start = w.doc.source, err.sym.start
    k = start - 1
    while k >= 0 and src[k] in " \t":
        k -= 1
    if k >= 0 and src[k] in "+":
        start = k
    remark(w, D.GLMM_RESIDUAL, w.level1,
           f"{show(err)} is a residual, but this is a {w.doc.glm.family} model: its level-1 "
           "randomness is the distribution of the outcome given the random effects, so "
           f"there is no residual term at level 1; delete {show(err)}.",
           fix(w.level1, [Edit(start, err.sym.end, "")]).rstrip(), at=err.sym.start)


def unused_definitions(w: WalkState) -> None:
    for key, d in w.defs.items():
        if key not in w.used:
            remark(w, D.UNUSED_LEVEL2, d,
                   f"{show(d.lhs)} has an equation, but the level-1 equation does not use it: "
                   f"add {show(d.lhs)} times its predictor to the level-1 equation, or delete "
                   "this equation.")


def missing_residual(w: WalkState) -> None:
    if w.s.residual is not None or w.level1.implicit_residual:
        return
    letters = tuple(filter(None, [w.s.observation])) + tuple(
        c for c in w.level1.lhs.letters if c != w.s.observation)
    index = Index((), letters).text()
    sub = w.level1.lhs.sym.sub
    unicode = unicode_like(w.doc.source[sub.span[0]:sub.span[1]], index) if sub else None
    if w.doc.latex:
        res = f"\\varepsilon_{{{index}}}" if index else "\\varepsilon"
    elif unicode is not None:
        res = "ε" + unicode
    else:
        res = f"e_{index}" if index else "e"
    remark(w, D.MISSING_RESIDUAL, w.level1,
           "the level-1 equation has no residual term: each observation deviates from its "
           f"cluster's line by a residual; add {res}.", w.level1.text.rstrip() + f" + {res}")


def reused_symbols(w: WalkState) -> None:
    for uses in w.coef_uses.values():
        for coef, eq, owner, has_variables in uses[1:]:
            if coef.sym.start in w.flagged:
                continue
            taken = {u[0].numbers for us in w.coef_uses.values() for u in us}
            prefix = owner.numbers if owner else ()
            start = 1 if has_variables else 0
            new = next((prefix + (str(k),) for k in range(start, 10)
                        if prefix + (str(k),) not in taken), coef.numbers)
            good = Index(new, coef.letters)
            remark(w, D.SYMBOL_REUSED, eq,
                   f"{show(coef)} is used for two different terms (line {uses[0][1].line} and "
                   f"line {eq.line}); each coefficient needs its own symbol: write "
                   f"{show(coef, good)} here.", fix(eq, [reindex(w, coef, good)]),
                   at=coef.sym.start)
    for uses in w.error_uses.values():
        for err, eq in uses[1:]:
            if err.sym.start in w.flagged or uses[0][0].sym.start in w.flagged:
                continue
            remark(w, D.SYMBOL_REUSED, eq,
                   f"{show(err)} is used for two different random effects (line "
                   f"{uses[0][1].line} and line {eq.line}); each coefficient that varies by "
                   "cluster has its own random effect.", at=err.sym.start)
    if w.s.response in w.s.predictors:
        remark(w, D.SYMBOL_REUSED, w.level1,
               f"{w.s.response} is both the outcome and a predictor; use another name for "
               "one of them.")
