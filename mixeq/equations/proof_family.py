"""verify(): every form writes the model's family — the distribution of y given the
random effects (Bernoulli, Binomial with the right trials, Poisson, or ε ~ N for a linear
mixed model), the link on the left side (logit(p_ij), Φ⁻¹(p_ij), log(λ_ij)), no residual
ε in a GLMM, and the offset with coefficient 1 — checked on the printed trees against
the model's family (:class:`~mixeq.equations.glm.GLMFacts`) and, with data, the written
offset and trials evaluated on the data against ``m.offset`` and the trials lme4 uses.
"""
from __future__ import annotations

import numpy as np

from mixeq.equations.glm import MEAN
from mixeq.equations.tree import Call, Mul, Relation, Sym

_LINK_ROWS = {"multilevel": "level1", "composite": "composite", "observation": "observation",
              "matrix": "matrix", "stacked": "stacked"}
_NARGS = {"Bernoulli": 1, "Binomial": 2, "Poisson": 1, "N": 2}


def check_family(sm, D) -> tuple[bool, str]:
    problems: list[str] = []
    checked = 0
    for form, doc in D.items():
        if doc is None:
            continue
        before = len(problems)
        problems += [f"{form}: {p}" for p in _form_problems(sm, form, doc)]
        checked += len(problems) == before
    if not problems and sm.info.rows_loaded:
        problems += _data_problems(sm, D)
    if problems:
        return False, "; ".join(problems[:4])
    glm = sm.glm
    what = (f"{glm.distribution} with the {glm.link} link, no ε" if sm.generalized
            else "a normal residual ε")
    if glm.offsets:
        what += f", offset {', '.join(glm.offsets)} with coefficient 1"
    return True, f"{checked} forms write {what}"


# -- one form ------------------------------------------------------------------------------
def _form_problems(sm, form: str, doc) -> list[str]:
    out = []
    if form == "gelman-hill":
        return _gelman_hill_problems(sm, doc)
    responses = doc.rows("response")
    if sm.generalized:
        if form in ("multilevel", "composite", "matrix", "stacked") and len(responses) != 1:
            out.append(f"{len(responses)} lines give the distribution of y (one is needed)")
        for row in responses:
            out += _distribution_problems(sm, row.relation.rhs)
        if doc.rows("residual") or doc.rows("eps"):
            out.append("a residual ε is written (a GLMM has none)")
    elif responses:
        out.append("a linear mixed model's y is written with a distribution other than ε ~ N")
    elif sm.glm.weights:
        for row in doc.rows("residual"):
            if not _weighted(sm, row.relation.rhs):
                out.append(f"the residual variance is not σ² divided by the prior weights "
                           f"{sm.glm.weights}")
    name = _LINK_ROWS.get(form)
    if name and doc.rows(name):
        rel = doc.row(name).relation
        lhs = rel.lhs.lhs if isinstance(rel.lhs, Relation) else rel.lhs  # g(p) = η = …
        out += _link_problems(sm, lhs, form)
        terms = _terms(rel.rhs)
        if sm.generalized and any(_has_residual(sm, t) for t in terms):
            out.append("a residual ε is written in the linear predictor (a GLMM has none)")
        if form in ("matrix", "stacked"):
            has_o = any(isinstance(t, Sym) and t.base == "o" for t in terms)
            if has_o != bool(sm.glm.offsets):
                out.append("the offset vector o is " + ("missing" if sm.glm.offsets else
                                                        "written but the model has no offset"))
        else:
            offsets = [t for t in terms if _is_offset(t)]
            if len(offsets) != len(sm.glm.offsets):
                out.append(f"{len(offsets)} offset term(s) with coefficient 1 written, the "
                           f"model has {len(sm.glm.offsets)}")
    return out


def _distribution_problems(sm, rhs) -> list[str]:
    glm = sm.glm
    if not isinstance(rhs, Call) or rhs.name != glm.distribution:
        got = rhs.name if isinstance(rhs, Call) else type(rhs).__name__
        return [f"y's distribution is written {got}, the model's is {glm.distribution}"]
    if len(rhs.args) != _NARGS[glm.distribution]:
        return [f"{glm.distribution} is written with {len(rhs.args)} arguments"]
    mean = rhs.args[-1] if glm.distribution != "N" else rhs.args[0]
    if not (isinstance(mean, Sym) and mean.base == MEAN[glm.family][0]):
        return [f"the mean of {glm.distribution}(…) is not {MEAN[glm.family][0]}"]
    return []


def _link_problems(sm, lhs, form: str) -> list[str]:
    glm = sm.glm
    if not sm.generalized:
        ok = isinstance(lhs, Sym)  # y_ij, or the vector Y_j, y
        return [] if ok else ["the left side is not y (a linear mixed model has no link)"]
    want = glm.link_name
    if want is None:  # the identity: the mean itself, or E[…]
        ok = (isinstance(lhs, Sym) and lhs.base == MEAN[glm.family][0]) or \
            (isinstance(lhs, Call) and lhs.name == "E")
        return [] if ok else ["the left side is not the mean (identity link)"]
    if not isinstance(lhs, Call) or lhs.name != want:
        got = lhs.name if isinstance(lhs, Call) else "no function"
        return [f"the link is written {got}, the model's is {want} ({glm.link})"]
    arg = lhs.args[0] if lhs.args else None
    if form in ("matrix", "stacked") and glm.distribution != "Binomial":
        ok = isinstance(arg, Call) and arg.name == "E"
    else:  # p_ij, λ_ij; the vector p_j of a Binomial's success probabilities
        ok = isinstance(arg, Sym) and arg.base == MEAN[glm.family][0]
    return [] if ok else [f"{want}(…) is not of the mean"]


def _weighted(sm, dist) -> bool:
    """ε ~ N(0, σ² w⁻¹) (σ² W⁻¹ in the matrix forms): the weights' symbol to the power −1."""
    from mixeq.equations.tree import Pow

    var = dist.args[1] if isinstance(dist, Call) and len(dist.args) == 2 else None
    names = {sm.opts.names.get(sm.glm.weights, sm.glm.weights), "W"}
    return isinstance(var, Mul) and any(
        isinstance(f, Pow) and isinstance(f.base, Sym) and f.base.base in names
        and getattr(f.exp, "value", None) == -1 for f in var.factors)


def _gelman_hill_problems(sm, doc) -> list[str]:
    glm = sm.glm
    gh = doc.row("gh").relation
    if not sm.generalized:
        ok = isinstance(gh.rhs, Call) and gh.rhs.name == "N"
        return [] if ok else ["y_i is not written ~ N(…)"]
    out = []
    inverse = glm.inverse_name
    if glm.distribution == "Bernoulli":
        if not (isinstance(gh.lhs, Call) and gh.lhs.name == "Pr"):
            out.append("a binary y is not written Pr(y_i = 1) = …")
        rhs = gh.rhs
    else:
        out += _distribution_problems(sm, gh.rhs)
        link_row = (doc.rows("gh-link") or doc.rows("gh-mean"))[0].relation
        if glm.family == "binomial":
            rhs = link_row.rhs
        else:
            return out + _link_problems(sm, link_row.lhs, "gelman-hill")
    if inverse is not None and not (isinstance(rhs, Call) and rhs.name == inverse):
        got = rhs.name if isinstance(rhs, Call) else "no function"
        out.append(f"the inverse link is written {got}, the model's is {inverse}")
    return out


# -- terms ---------------------------------------------------------------------------------
def _terms(node) -> list:
    from mixeq.equations.proof_data import sum_terms

    return sum_terms(node)


def _factors(term) -> list:
    return list(term.factors) if isinstance(term, Mul) else [term]


def _is_offset(term) -> bool:
    """A term with no coefficient (no Greek or plain symbol among its factors)."""
    return not any(isinstance(f, Sym) and f.kind in ("greek", "plain") for f in _factors(term))


def _has_residual(sm, term) -> bool:
    letter = sm.residual().base
    return any(isinstance(f, Sym) and f.base == letter and f.kind != "var"
               for f in _factors(term))


# -- with data -----------------------------------------------------------------------------
def _data_problems(sm, D) -> list[str]:
    """The offset terms of the composite, evaluated on the data, sum to ``m.offset``; the
    Binomial's trials written are the trials lme4 uses."""
    from mixeq.equations.proof_data import Evaluator, NotEvaluable, first_difference, same

    model = sm.info.model
    ev = Evaluator(sm, model)
    rows = np.arange(len(ev.data))
    out = []
    rel = D["composite"].row("composite").relation
    offsets = [t for t in _terms(rel.rhs) if _is_offset(t)]
    want = np.zeros(len(rows)) if model.offset is None else np.asarray(model.offset, float)
    try:
        got = sum((ev.value(t, rows) for t in offsets), np.zeros(len(rows)))
        if not same(got, want):
            out.append(f"composite: the offset written differs from m.offset "
                       f"({first_difference(got, want)})")
    except NotEvaluable as exc:
        out.append(f"composite: the offset cannot be evaluated on the data ({exc})")
    if sm.glm.distribution == "Binomial":
        dist = D["composite"].row("response").relation.rhs
        n = dist.args[0]
        trials = model.trials if sm.glm.trials[0] == "cbind" else model.weights
        if isinstance(n, Sym) and n.kind == "var" and trials is not None:
            try:
                got = ev.value(n, rows)
                if not same(got, np.asarray(trials, dtype=float)):
                    out.append(f"composite: the trials written differ from the model's "
                               f"({first_difference(got, np.asarray(trials, dtype=float))})")
            except NotEvaluable as exc:
                out.append(f"composite: the trials cannot be evaluated ({exc})")
    return out
