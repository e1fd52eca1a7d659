"""Steps of the walk that record what a term is: its predictors (and their level),
its fixed effect, its random effect — with the remarks about predictors and error
terms written at the wrong level or with the wrong index."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.corrections import Edit
from mixeq.reader.naming import show, term_name
from mixeq.reader.parsed import Equation
from mixeq.reader.structure import FixedEffect, Owner, Predictor, RandomEffect
from mixeq.reader.symbols import ERROR, Index, SymInfo
from mixeq.reader.walk_state import WalkState, cluster_order, fix, reindex, remark, spell


def term(w: WalkState, variables: tuple[SymInfo, ...]) -> tuple[tuple[str, int], ...]:
    """The term of a product of predictors: ((name, power), …), dummies as their factor."""
    powers: dict[str, int] = {}
    for v in variables:
        name = w.factor_of.get(v.base, v.base)
        powers[name] = powers.get(name, 0) + v.power
    return tuple(powers.items())


def add_fixed(w: WalkState, here: tuple, coef: SymInfo | None, eq: Equation) -> None:
    t = term(w, here)
    remarked = any(v.sym.start in w.flagged for v in here)
    other = w.fixed_by_term.get(t)  # the first fixed effect of this term
    if other is not None:
        if remarked or other.remarked or any(v.base in w.factor_of for v in here):
            return  # another dummy of the same factor, or already remarked on
        name = term_name(t) or "the intercept"
        first = show(other.coefficient) if other.coefficient else f"line {other.equation.line}"
        remark(w, D.DUPLICATE_TERM, eq,
               f"{name} already has a fixed coefficient ({first}); a second one "
               f"({show(coef) if coef else 'here'}) cannot be estimated apart from it: "
               "delete one.", at=coef.sym.start if coef else None)
        return
    w.s.fixed.append(FixedEffect(t, coef, eq, remarked))
    w.fixed_by_term[t] = w.s.fixed[-1]


def add_random(w: WalkState, here: tuple, letters: tuple, symbol: SymInfo, eq: Equation,
               keys: set) -> None:
    w.s.random.append(RandomEffect(term(w, here), cluster_order(w, letters), symbol, eq, keys))


def check_variable(w: WalkState, v: SymInfo, eq: Equation, owner: Owner | None) -> SymInfo:
    """Record a predictor; remark on a level-1 predictor, or the observation index, in
    the equation of a coefficient that varies by cluster."""
    obs = w.s.observation
    has_obs = obs is not None and obs in v.letters
    clusters = tuple(c for c in v.letters if c in w.s.clusters)
    name = w.factor_of.get(v.base, v.base)
    if owner is not None and (has_obs or name in w.level1_names):
        target = owner.letters or tuple(w.s.clusters[:1])
        if name in w.level1_names:
            bar = (f"\\bar{{{v.base}}}_{{{Index((), target).text()}}}" if w.doc.latex
                   else f"{v.base}bar_{Index((), target).text()}")
            remark(w, D.LEVEL1_IN_LEVEL2, eq,
                   f"{show(v)} is a level-1 predictor (it is in the level-1 equation), but this "
                   "is the equation of a coefficient that varies between clusters, which can "
                   f"only hold cluster-level predictors; to use the cluster mean of {v.base}, "
                   f"make it a column and write it with the cluster index, e.g. {bar}.",
                   fix(eq, [Edit(v.sym.start, v.sym.end, bar)]), at=v.sym.start)
            register(w, v, eq, level1=True, letters=())
            return v
        remark(w, D.LEVEL2_OBSERVATION_INDEX, eq,
               f"{show(v)} carries the observation index {obs}, but a predictor in a "
               f"level-2 equation is constant within clusters: write it "
               f"{show(v, Index((), target))}.",
               fix(eq, [reindex(w, v, Index(v.numbers, target))]), at=v.sym.start)
        register(w, v, eq, level1=False, letters=target)
        return v
    if has_obs or (owner is None and not clusters):
        register(w, v, eq, level1=True, letters=())
    else:
        register(w, v, eq, level1=False, letters=clusters or (owner.letters if owner else ()))
    return v


def register(w: WalkState, v: SymInfo, eq: Equation, level1: bool, letters) -> None:
    name = w.factor_of.get(v.base, v.base)
    p = w.s.predictors.get(name)
    if p is None:
        w.s.predictors[name] = Predictor(name, len(w.s.predictors), level1,
                                         cluster_order(w, letters), eq.line, eq.text)
    elif level1 and not p.level1:
        p.level1, p.letters = True, ()


def own_slope_number(eq: Equation, owner: Owner | None, variables: tuple) -> tuple | None:
    """The number of ``U_01j`` in ``U_01j m_j`` in β_0j's equation: the random slope of a
    level-2 predictor on its own clusters (``y ~ m + (1 + m | g)`` with m constant within
    g, written at its level) is numbered as the fixed slope γ_01 of the same predictor in
    this equation. None when no such γ is there (U_02j m_j alone stays a remark)."""
    if owner is None or not owner.numbers or not variables:
        return None
    bases = sorted(v.base for v in variables)
    for m in eq.monomials:
        if m.coefs and sorted(v.base for v in m.variables) == bases:
            numbers = m.coefs[0].numbers
            if len(numbers) == len(owner.numbers) + 1 and numbers[:-1] == owner.numbers:
                return numbers
    return None


def index_problems(w: WalkState, err: SymInfo, owner: Owner | None, is_residual: bool,
                   letters: tuple, expected: tuple,
                   slope: tuple | None = None) -> tuple[list[str], tuple]:
    """What is wrong with a random effect's indices, and the numbers it should carry."""
    obs = w.s.observation
    numbers = err.numbers
    problems = []
    if is_residual:
        problems.append(f"{show(err)} is written like the level-1 residual, but it is in the "
                        "equation of a coefficient, where the random effect of a cluster goes")
        numbers = owner.numbers if owner else ()
    elif obs is not None and obs in err.letters:
        problems.append(f"{show(err)} carries the observation index {obs}, but a random "
                        "effect belongs to a cluster")
    elif not letters or any(c not in w.s.clusters for c in err.letters):
        problems.append(f"{show(err)} does not carry the cluster index {''.join(expected)}")
    elif owner is not None and not set(letters) <= set(owner.letters) and owner.letters:
        problems.append(f"{show(err)} varies over {''.join(letters)}, but its coefficient "
                        f"varies over {''.join(owner.letters)}")
    if owner is not None and owner.numbers and err.numbers \
            and err.numbers not in (owner.numbers, slope):
        problems.append(f"{show(err)} is numbered {''.join(err.numbers)} but sits in the "
                        f"equation of coefficient {''.join(owner.numbers)}"
                        + (f", where the fixed slope of the same predictor is numbered "
                           f"{''.join(slope)}" if slope else ""))
        numbers = slope or owner.numbers
    return problems, numbers


def visit_error(w: WalkState, err: SymInfo, eq: Equation, here: tuple,
                owner: Owner | None, variables: tuple = ()) -> None:
    """The level-1 residual, or a random effect of the clusters its indices name
    (``variables``: the predictors it multiplies in this equation)."""
    obs = w.s.observation
    is_residual = not err.numbers and (
        (obs is not None and obs in err.letters) or (obs is None and owner is None))
    if is_residual and owner is None:
        if w.s.residual is not None:
            remark(w, D.SYMBOL_REUSED, eq,
                   f"two residual terms ({show(w.s.residual)} and {show(err)}); the "
                   "level-1 equation has exactly one.", at=err.sym.start)
        else:
            w.s.residual = err
        return
    letters = tuple(c for c in err.letters if c in w.s.clusters)
    expected = owner.letters if owner is not None and owner.letters else letters
    if not expected:
        expected = tuple(w.s.clusters[:1]) or tuple(err.letters) or ("j",)
    slope = own_slope_number(eq, owner, variables)
    problems, numbers = index_problems(w, err, owner, is_residual, letters, expected, slope)
    group = letters if not problems else cluster_order(w, expected)
    if problems:
        good = Index(numbers, group)
        new = spell(w, ERROR, "u" if err.base == "e" else err.base, good)
        shown = new if err.base == "e" else show(err, good)
        remark(w, D.WRONG_RANDOM_INDEX, eq, "; ".join(problems) + f": write {shown}.",
               fix(eq, [Edit(err.sym.start, err.sym.end, new)]), at=err.sym.start)
    w.error_uses.setdefault(err.key, []).append((err, eq))
    keys = {err.key, (ERROR, err.base, numbers, group, err.key[-1])}
    add_random(w, here, group, err, eq, keys)
