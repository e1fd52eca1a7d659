"""Steps of the walk about coefficients: finding a coefficient's equation, and the
remarks on one written without the cluster index, with the wrong index, without an
equation, or numbered against the convention."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.naming import GREEK_NAME, NEXT_LEVEL, show, strip_zeros
from mixeq.reader.parsed import Equation
from mixeq.reader.structure import Owner, RandomEffect
from mixeq.reader.symbols import COEF, ERROR, Index, SymInfo
from mixeq.reader.walk_effects import add_fixed, term
from mixeq.reader.walk_state import (WalkState, cluster_order, def_key, fix, reindex, remark,
                                     spell)


def lookup(w: WalkState, coef: SymInfo, eq: Equation) -> Equation | None:
    """The equation of ``coef``; β_10 and β_1j find each other (with a remark)."""
    found = w.defs.get(def_key(w, coef))
    if found is not None or w.doc.gelman_hill:
        return found
    matches = w.by_stripped.get((coef.base, strip_zeros(coef.numbers)), [])
    if len(matches) != 1:
        return None
    d = matches[0]
    right = d.lhs if d.lhs.letters else coef
    wrong = coef if right is d.lhs else d.lhs
    target_eq = eq if wrong is coef else d
    remark(w, D.INDEX_MISMATCH, target_eq,
           f"{show(coef)} (line {eq.line}) and {show(d.lhs)} (line {d.line}) are the same "
           f"coefficient written two ways; write {show(right)} in both.",
           fix(target_eq, [reindex(w, wrong, right.index)]), at=wrong.sym.start)
    return d


def not_indexed(w: WalkState, coef, eq, d, numbers, letters, here) -> None:
    index = Index(numbers, cluster_order(w, letters))
    slope = bool(here)
    code = D.SLOPE_NOT_INDEXED if slope else D.INTERCEPT_NOT_INDEXED
    errs = [e for m in d.monomials for e in m.errors]
    what = "slope" if slope else "intercept"
    fixed = [fix(eq, [reindex(w, coef, index)])]
    if d is not eq and not set(index.letters) <= set(d.lhs.letters):
        fixed.append(fix(d, [reindex(w, d.lhs, index)]))
    remark(w, code, eq,
           f"the {what} {show(coef)} has a random effect {show(errs[0])} in its equation "
           f"(line {d.line}), so it varies by cluster: write {show(coef, index)}, "
           f"not {show(coef)}.", "\n".join(fixed), at=coef.sym.start)


def missing_equation(w: WalkState, coef, eq, numbers, letters, here) -> None:
    index = Index(numbers, letters)
    base = NEXT_LEVEL.get(coef.base, "gamma")
    gamma = spell(w, COEF, base, Index(numbers + ("0",), ()))
    u = spell(w, ERROR, "u", index)
    lhs = w.doc.source[coef.sym.start:coef.sym.end]
    unreadable = any(d.code == D.PARSE_ERROR and d.equation.lstrip().startswith(lhs)
                     for d in w.doc.diagnostics)
    if not unreadable:  # else its equation is there but could not be read
        remark(w, D.MISSING_LEVEL2, eq,
               f"{show(coef)} carries the cluster index {''.join(letters)}, so it varies by "
               f"cluster, but it has no equation of its own; mixeq reads it as "
               f"{show(coef)} = {GREEK_NAME[base]}_{''.join(numbers)}0 + U_{index.text()} "
               "(a fixed effect plus a random effect); add that equation, or drop the index "
               "if the coefficient is the same in every cluster.",
               f"{lhs} = {gamma} + {u}", at=coef.sym.start)
    add_fixed(w, here, coef, eq)
    w.s.random.append(RandomEffect(term(w, here), letters, coef, eq, {("missing", coef.key)}))


def check_coefficient_index(w: WalkState, coef: SymInfo, eq: Equation) -> None:
    obs, clusters = w.s.observation, w.s.clusters
    wrong = [c for c in coef.letters if c not in clusters]
    if not wrong or not clusters or coef.sym.start in w.flagged:
        return
    good = Index(coef.numbers, cluster_order(
        w, [c for c in coef.letters if c in clusters] or clusters[:1]))
    reason = (f"the observation index {obs}" if obs in wrong
              else f"the index {''.join(wrong)}, which the outcome does not carry")
    remark(w, D.COEFFICIENT_WRONG_INDEX, eq,
           f"{show(coef)} carries {reason}; a coefficient varies over clusters "
           f"({', '.join(clusters)}): write {show(coef, good)}.",
           fix(eq, [reindex(w, coef, good)]), at=coef.sym.start)


def check_numbering(w: WalkState, coef: SymInfo, eq: Equation, owner: Owner | None) -> None:
    if owner is None or not owner.numbers or not coef.numbers:
        return
    if coef.sym.start in w.flagged:
        return
    if len(coef.numbers) != len(owner.numbers) + 1:
        return  # another numbering scheme altogether: not ours to police
    if coef.numbers[:-1] == owner.numbers:
        return
    good = Index(owner.numbers + coef.numbers[-1:], coef.letters)
    remark(w, D.COEFFICIENT_NUMBERING, eq,
           f"{show(coef)} is in the equation of the coefficient numbered "
           f"{''.join(owner.numbers)}; by convention its first index repeats that "
           f"number: {show(coef, good)}.",
           fix(eq, [reindex(w, coef, good)]), at=coef.sym.start)
