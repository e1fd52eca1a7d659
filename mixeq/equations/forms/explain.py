"""Plain sentences: where each column of Z_j comes from and why it repeats X_j."""
from __future__ import annotations

from mixeq.design.names import dummy_name
from mixeq.equations.forms.common import factor_words
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.glm import SCALE_WORDS
from mixeq.equations.tree import (Block, Call, Document, Num, Relation, Sentence, Sym, add,
                                  mul)


def build(sm: SymbolicModel) -> Document:
    scale = scale_sentences(sm) if sm.generalized else []
    if not sm.random:
        M = sm.matrices
        X, beta, eps = M.X(), M.beta, M.eps()
        if sm.generalized:
            linear = Relation(sm.link(Call("E", (M.y(),), brackets="[]")), "=", mul(X, beta))
            kind = "the generalized linear model "
        else:
            linear, kind = Relation(M.y(), "=", add(mul(X, beta), eps)), "the linear model "
        text = [Sentence(("This formula has no random-effects terms: ", M.Z(),
                          " is empty and the model is ", kind, linear,
                          ", one coefficient per column of ", X, ".",))]
        return Document("explain", [Block("", [], scale + text)], sm.notes())
    sentences = list(scale)
    several = len(sm.groups) > 1
    terms = sorted({r.term for r in sm.random})
    for g in sm.groups.values():
        effects = [r for r in sm.random if r.group == g.name]
        for k, r in enumerate(effects, start=1):
            if sm.crossed:  # the stacked form's block of this term, for level j of g
                mine = [e for e in sm.random if e.term == r.term]
                tag = f"({terms.index(r.term) + 1})" if len(terms) > 1 else None
                Zj, k = sm.matrices.Z((g.letter,), tag), mine.index(r) + 1
            else:  # the matrix form of one finest cluster
                Zj = sm.matrices.Z(sm.upper_tokens(1), f"({g.level})" if several else None)
            sentences.append(column_sentence(sm, g, Zj, k, r))
        if len({r.term for r in effects}) > 1:
            sentences.append(Sentence((
                "The random effects of ", *factor_words(g), " come from separate terms "
                f"({', '.join(sm.info.terms[t].spec.canonical() for t in sorted({r.term for r in effects}))}), "
                "so they are uncorrelated: the off-diagonal entries of their covariance "
                "matrix are 0.",)))
    return Document("explain", [Block("", [], sentences)], sm.notes())


def column_sentence(sm: SymbolicModel, g, Zj, k: int, r) -> Sentence:
    term = sm.info.terms[r.term]
    entry = sm.atoms_expr(r.atoms) or Num(1)
    head = (f"Column {k} of ", Zj, " (", entry, f") comes from {term.spec.canonical()}: ",
            r.symbol, f" is {g.noun} ", Sym(g.letter), f"'s own deviation in {_what(r, term)}.")
    match = next((f for f in sm.fixed if {a.key for a in f.atoms} == {a.key for a in r.atoms}),
                 None)
    if match is not None:
        pos = sm.fixed.index(match) + 1
        X = sm.matrices.X(() if sm.crossed else sm.upper_tokens(1))
        if _cell(sm, r, term):
            a = r.atoms[0]
            intercept = next(f for f in sm.fixed if not f.atoms)
            tail = (f" It repeats column {pos} of ", X, f" (the indicator of cell {a.label}): ",
                    sm.matrices.X(), " carries ", match.symbol, f", the average difference between "
                    f"cell {a.label} and the reference cell, so cell {a.label}'s mean is ",
                    intercept.symbol, " + ", match.symbol, "; ", sm.matrices.Z(),
                    " carries each cluster's deviation from that mean.")
        else:
            tail = (f" It repeats column {pos} of ", X, " because that coefficient varies by "
                    "cluster: ", *_average(sm, match), sm.matrices.Z(),
                    " carries each cluster's deviation from it.")
    elif _reference_cell(sm, r):
        a = r.atoms[0]
        intercept = next(f for f in sm.fixed if not f.atoms)
        tail = (f" X has no column {dummy_name(a.var, a.label)} because {a.label} is the reference level "
                f"of {a.var}: the mean of cell {a.var} = {a.label} is the intercept ",
                intercept.symbol, " (the other cells add their own coefficients), and ",
                sm.matrices.Z(), " carries each cluster's deviation from that mean.")
    else:
        tail = (" X has no such column, so the model has no average effect for it: "
                "the cluster deviations vary around 0.",)
    return Sentence(head + tail)


def _what(r, term) -> str:
    """What the random effect is a deviation in: the intercept, a slope, a cell mean
    (a factor's dummy in a term without intercept, ``(0 + f | g)``), or a contrast."""
    if not r.atoms:
        return "the intercept"
    if len(r.atoms) == 1 and r.atoms[0].label is not None:
        a = r.atoms[0]
        if not term.spec.intercept:
            return f"the mean of cell {a.var} = {a.label}"
        return f"the difference between {a.var} = {a.label} and the reference level"
    shown = [a.var if a.label is None else dummy_name(a.var, a.label) for a in r.atoms]
    return "the slope of " + " × ".join(shown)


def _cell(sm: SymbolicModel, r, term) -> bool:
    """A cell-mean column of ``(0 + f | g)`` while X codes f as contrasts to a reference."""
    return (len(r.atoms) == 1 and r.atoms[0].label is not None and not term.spec.intercept
            and any(not f.atoms for f in sm.fixed))


def _reference_cell(sm: SymbolicModel, r) -> bool:
    """A dummy of the reference level: X has the intercept and the factor's other levels."""
    if len(r.atoms) != 1 or r.atoms[0].label is None:
        return False
    a = r.atoms[0]
    has_intercept = any(not f.atoms for f in sm.fixed)
    others = any(len(f.atoms) == 1 and f.atoms[0].var == a.var for f in sm.fixed)
    return has_intercept and others


def _average(sm: SymbolicModel, match) -> tuple:
    """``X carries its average effect γ_10`` — true only when no level-2 predictor
    moves it; with a cross-level interaction γ_10 is the effect where m_j = 0."""
    node = sm.nodes.get(match.path[:1]) if sm.nlevels > 1 else None
    own = any(match.path[1:])  # γ_01 of a level-2 m_j: nothing else moves m's own effect
    movers = [p for _, p in (node.children if node and not own else []) if p.atoms]
    if not movers:
        return (sm.matrices.X(), " carries its average effect ", match.symbol, ", ")
    names = [" × ".join(a.var for a in p.atoms) for p in movers]
    zero = " and ".join(f"{n} = 0" for n in names)
    return (sm.matrices.X(), " carries ", match.symbol, f", its effect where {zero} (the average "
            f"effect only when {' and '.join(names)} {'is' if len(names) == 1 else 'are'} "
            "centred to mean 0); ")


# -- a GLMM's scale: log-odds, odds ratios, rate ratios ---------------------------------
def scale_sentences(sm: SymbolicModel) -> list[Sentence]:
    """What the coefficients of a GLMM mean (McCullagh & Nelder 1989 §4.3; Gelman & Hill
    2007 §5.2, §6.2): they are linear on the link scale — log-odds for logit, so exp(γ)
    is an odds ratio; the log mean for log, so exp(γ) is a rate ratio — conditional on
    the random effects (cluster-specific, not population-averaged)."""
    glm = sm.glm
    y, eta, mean = sm.response(), sm.eta(), sm.mean()
    scale, ratio, change = SCALE_WORDS[glm.link]
    what = {"binomial": "the probability that " if glm.distribution == "Bernoulli" else
            "the probability of success of each trial of ",
            "poisson": "the expected count of ", "gaussian": "the mean of "}[glm.family]
    tail = (" = 1",) if glm.distribution == "Bernoulli" else ()
    out = [Sentence(("The equations are on the link scale, ", scale, ": ",
                     Relation(sm.link(mean), "=", eta), " is linear in the coefficients, and ",
                     Relation(mean, "=", sm.inverse_link(eta)), " is ", what, y, *tail,
                     " given the random effects." if sm.random else ".")),
           Sentence(("There is no residual ", sm.residual(), ": given the random effects, "
                     if sm.random else ": ", y,
                     " follows the ", glm.distribution, " distribution, whose variance "
                     "follows from its mean.",))]
    named = sm.response_name
    slopes = [f for f in sorted(sm.fixed, key=lambda f: f.path) if f.atoms]
    if slopes:
        f = slopes[0]
        event = f"{named} = 1" if glm.distribution == "Bernoulli" else "a success"
        words = change.format(y=named, event=event)
        held = (", for a cluster whose random effects are held fixed (a cluster-specific "
                "effect, not a population-averaged one)") if sm.random else ""
        out.append(Sentence(("Each fixed coefficient is ", words, " of its predictor", held,
                             *(_ratio_words(ratio, f, sm)), ".")))
    for expr, node in zip(glm.offsets, sm.offset_terms()):
        out.append(Sentence(("The offset ", node, f" ({expr}) enters with coefficient 1: no "
                             "coefficient is estimated for it",
                             *((", so the coefficients model ", mean, " per unit of ",
                                node.args[0], " (a rate)") if glm.link == "log" and
                               isinstance(node, Call) and node.name == "log" else ()), ".")))
    return out


def _ratio_words(ratio, f, sm: SymbolicModel) -> tuple:
    """``; exp(γ_10) is the odds ratio for one unit more of x`` (= its value, with a fit)."""
    if ratio is None:
        return ()
    shown = " × ".join(a.var if a.label is None else dummy_name(a.var, a.label) for a in f.atoms)
    value = ()
    fit = sm.info.fit
    if fit is not None and sm.opts.use_estimates and f.column in fit.fixef.index:
        import math

        value = (f" = {math.exp(float(fit.fixef[f.column])):.{sm.opts.digits}f}",)
    return ("; ", Call("exp", (f.symbol,)), *value, f" is the {ratio} for one unit more of "
            f"{shown}, and likewise for the other coefficients")
