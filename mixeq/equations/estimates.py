"""``use_estimates=True``: the fitted numbers in place of γ, τ, θ and σ².

Each symbol of the symbolic model carries where its estimate is
(:class:`~mixeq.equations.symbolic.Estimate`: X's column, a term's covariance entry, a
position of θ, σ²); substituting swaps a symbol of the display tree for its number,
matching the symbols themselves — a form's own spellings (Gelman–Hill's β_k, σ²_α)
through the form's aliases to the symbolic model's symbols."""
from __future__ import annotations

import dataclasses

from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Document, Num, Pow, Sym
from mixeq.errors import RenderError


def estimate_values(sm: SymbolicModel) -> dict[Sym, Num]:
    """Symbol → its estimate, rounded to ``digits`` (σ's entry is σ²'s estimate)."""
    fit = sm.info.fit
    if fit is None:
        raise RenderError("use_estimates=True needs a fitted model: pass the result of "
                          "mixeq.fit(...) or Model.fit()")
    has_theta = getattr(fit, "theta", None) is not None
    return {sym: Num(est.value(fit), sm.opts.digits) for sym, est in sm.estimated.items()
            if est.kind != "theta" or has_theta}


def substitute(node, values: dict, kinds: dict, aliases: dict):
    """``node`` with every estimated symbol replaced by its number. A square whose base
    stands for a variance (σ², or Gelman–Hill's σ²_α written for τ_00) becomes the
    variance; ``kinds`` says what each symbol's estimate is (σ's: its square's)."""
    if isinstance(node, Pow) and isinstance(node.base, Sym):
        base = aliases.get(node.base, node.base)
        if base in values and kinds[base] in ("sigma2", "cov"):
            return values[base]
    if isinstance(node, Sym):
        target = aliases.get(node, node)
        return node if kinds.get(target) == "sigma2" else values.get(target, node)
    if isinstance(node, tuple):
        return tuple(substitute(n, values, kinds, aliases) for n in node)
    if isinstance(node, list):
        return [substitute(n, values, kinds, aliases) for n in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: substitute(getattr(node, f.name), values, kinds, aliases)
                   for f in dataclasses.fields(node) if f.name not in ("name", "form")}
        return dataclasses.replace(node, **changes)
    return node


def apply_estimates(doc: Document, sm: SymbolicModel) -> Document:
    values = estimate_values(sm)
    kinds = {s: est.kind for s, est in sm.estimated.items()}
    out = substitute(doc, values, kinds, getattr(doc, "aliases", {}))
    what = ("fixed effects, variances and covariances of the random effects (and θ)"
            if sm.random else "fixed effects")
    sigma2 = next((values[s] for s, kind in kinds.items() if kind == "sigma2"), None)
    sigma = f", σ² = {sigma2.value:.{sm.opts.digits}f}" if sigma2 is not None else \
        f" ({sm.glm.family}: no σ, the variance follows from the mean)"
    out.notes = list(doc.notes) + [f"Estimates substituted: {what}{sigma}."]
    return out
