"""``use_estimates=True``: the fitted numbers in place of γ, τ and σ²."""
from __future__ import annotations

import dataclasses

import numpy as np

from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Document, Num, Pow, Sym
from mixeq.errors import RenderError


def estimate_values(sm: SymbolicModel) -> tuple[dict, float]:
    """Symbol key → estimate for fixed coefficients and covariance entries; σ²."""
    fit = sm.info.fit
    if fit is None:
        raise RenderError("use_estimates=True needs a fitted model: pass the result of "
                          "mixeq.fit(...) or Model.fit()")
    digits = sm.opts.digits
    fixef = fit.fixef
    values = {f.symbol.key: Num(float(fixef[f.column]), digits) for f in sm.fixed}
    covs = [np.asarray(c, dtype=float) for c in fit.term_covariances()]
    for cov in sm.covariances:
        pos = [[r for r in sm.random if r.term == e.term].index(e) for e in cov.effects]
        for a, ea in enumerate(cov.effects):
            for b, eb in enumerate(cov.effects):
                entry = cov.matrix[a][b]
                if isinstance(entry, Sym):
                    values[entry.key] = Num(float(covs[ea.term][pos[a], pos[b]]), digits)
    theta = getattr(fit, "theta", None)
    if theta is not None:  # lme4's order: term by term, lower triangle column by column
        for k, value in enumerate(np.asarray(theta, dtype=float), start=1):
            values[Sym("theta", (str(k),), kind="greek").key] = Num(float(value), digits)
    return values, float(fit.sigma) ** 2


def substitute(node, values: dict, sigma2: float, digits: int, aliases: dict):
    if isinstance(node, Pow) and isinstance(node.base, Sym):
        key = aliases.get(node.base.key, node.base.key)
        if node.base.base == "sigma" and not node.base.sub and node.base.sup is None:
            return Num(sigma2, digits)
        if key in values and key.startswith("tau"):
            return values[key]
    if isinstance(node, Sym):
        key = aliases.get(node.key, node.key)
        return values.get(key, node)
    if isinstance(node, tuple):
        return tuple(substitute(n, values, sigma2, digits, aliases) for n in node)
    if isinstance(node, list):
        return [substitute(n, values, sigma2, digits, aliases) for n in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: substitute(getattr(node, f.name), values, sigma2, digits, aliases)
                   for f in dataclasses.fields(node) if f.name not in ("name", "form")}
        return dataclasses.replace(node, **changes)
    return node


def apply_estimates(doc: Document, sm: SymbolicModel) -> Document:
    values, sigma2 = estimate_values(sm)
    out = substitute(doc, values, sigma2, sm.opts.digits, getattr(doc, "aliases", {}))
    what = ("fixed effects, variances and covariances of the random effects (and θ)"
            if sm.random else "fixed effects")
    sigma = f", σ² = {sigma2:.{sm.opts.digits}f}" if sm.glm.has_scale else \
        f" ({sm.glm.family}: no σ, the variance follows from the mean)"
    out.notes = list(doc.notes) + [f"Estimates substituted: {what}{sigma}."]
    return out
