"""GLMMs (binomial, Poisson) from a remote source, from per-cell sufficient
statistics: one aggregate query, then glmer's fit in memory, exactly.

A row enters PIRLS and the Laplace/AGQ deviance only through its η (a function
of its *cell*: its levels of the grouping factors and its values of the columns
the model's X, Z and offset read) and through its response y_i and prior weight
wt_i (binomial trials × ``weights``). For rows i of one cell c (one η, one μ),
with W_c = Σ wt_i and S_c = Σ wt_i y_i (weighted successes or counts) and the
cell's response ȳ_c = S_c / W_c:

- working weights (lme4's sqrtWrkWt²): Σ_i wt_i μ'²/V(μ) = W_c μ'²/V(μ);
- weighted working response: Σ_i wt_i μ'²/V (η + (y_i − μ)/μ') = W_c μ'²/V (η + (ȳ_c − μ)/μ'),
  so every cross-product of [Z X z] PIRLS forms is the cell's (the z'Wz entry,
  which PIRLS does not use, excepted);
- deviance: Σ_i d(y_i, μ; wt_i) = d(ȳ_c, μ; W_c) + Δ_c, Δ_c free of μ (the log-likelihoods
  of the binomial and the Poisson are S log μ + (W − S) log(1 − μ) and S log μ − W μ
  plus terms of y alone);
- R's ``aic``: Σ_i d_i + a constant, the ``offset_c`` of mixeq.fitting.family.Kernel.

So (N_c rows, W_c, S_c) per cell are exact sufficient statistics for binomial (any
link) and Poisson (any link) GLMMs; the fitter runs on one pseudo-row per cell,
response ȳ_c and prior weight W_c, with Δ and offset_c added (:class:`CellKernel`):
its deviance, PIRLS steps and Laplace/AGQ criterion are the rows'. Δ and offset_c
are sums over rows of functions of (y, trials, weight) alone: one GROUP BY over
those brings the distinct triples and their counts, and the family's own code
evaluates the sums at a reference μ*.

Passes over the rows (``fit.remote_passes``): the profile (counts, missing values,
means), one per factor for its levels, the cells, the distinct responses; the
fit itself then needs none (no pass per PIRLS step). The one difference from the
in-memory fit is R's starting μ (``mustart``, per row from y_i), taken per cell
from ȳ_c: it only moves PIRLS's first start; the modes it converges to are the
same. Continuous covariates make about one cell per row; above ``MAX_CELLS``
cells the fit is refused (the cells come into memory).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import ibis
import numpy as np
import pandas as pd

from mixeq.errors import DataError, FitError
from mixeq.fitting.glmm.result import GlmmFit
from mixeq.spec.check import call_arguments

MAX_CELLS = 5_000_000
MU_STAR = {"binomial": 0.5, "poisson": 1.0}   # where the μ-free constants are evaluated


@dataclass
class CellStats:
    """Per cell: the response ȳ, prior weight W, rows N, offset; and the constants."""

    y: np.ndarray
    wt: np.ndarray
    rows: np.ndarray
    offset: np.ndarray
    delta: np.ndarray          # Δ_c: the rows' deviance minus the cell's (free of μ)
    offset_c: float            # R's aic − Σ d_i over the rows (free of μ)


class CellKernel:
    """The rows' deviance residuals and aic from a kernel on the cells (see the module)."""

    def __init__(self, base, delta: np.ndarray, offset_c: float):
        self.base, self.delta, self.offset_c = base, delta, offset_c

    def dev_resid(self, mu):
        return self.base.dev_resid(mu) + self.delta

    def aic(self, mu) -> float:
        return float(self.dev_resid(mu).sum()) + self.offset_c


def cell_response(design, family):
    """The GLMM response of a remote design's cells (mixeq.fitting.glmm.response's seam)."""
    from mixeq.fitting.glmm.response import GlmResponse

    c = design.cells
    resp = GlmResponse(family, c.y, np.ones_like(c.y), c.wt, c.offset)
    resp.kernel = CellKernel(resp.kernel, c.delta, c.offset_c)
    return resp


# -- the response --------------------------------------------------------------
def response_columns(resp: str, comp) -> list[str]:
    """The raw columns a GLMM's response reads (cbind(s, f), a column, an expression)."""
    pair = call_arguments(resp, "cbind")
    cols = []
    for part in (pair if pair is not None else [resp]):
        part = part.strip()
        if part in comp.schema:
            cols.append(part)
            continue
        atom = comp.atom(part, resp, "the response")
        cols += comp.columns_of(atom, resp)
    return cols


@dataclass
class ResponseExprs:
    y: object                  # the row's response (a proportion for cbind)
    trials: object | None      # binomial trials of cbind(s, f)
    successes: object          # y × trials (s for cbind), summed with the weights
    parts: list                # cbind's two counts (checked ≥ 0)


def response_exprs(resp: str, comp, family, src, complete) -> ResponseExprs:
    """The response as R's ``binomial()``/``poisson()`` read it (design/response.py)."""
    from mixeq.remote.design import _levels_of

    pair = call_arguments(resp, "cbind")
    if pair is not None:
        if family.name != "binomial":
            raise DataError(f"the response '{resp}' is cbind(successes, failures), which is a "
                            f"binomial response; fit it with family='binomial'")
        if len(pair) != 2:
            raise DataError(f"cbind() in the response '{resp}' needs two arguments: "
                            "cbind(successes, failures)")
        s, f = (_numeric(part.strip(), comp, resp) for part in pair)
        n = s + f
        y = ibis.ifelse(n > 0, s / n, ibis.literal(0.0, type="float64"))
        return ResponseExprs(y, n, s, [s, f])
    if resp in comp.schema and comp.is_factor_column(resp):
        if family.name != "binomial":
            raise DataError(f"the response '{resp}' is not numeric (type {comp.schema[resp]}); "
                            f"a {family.name} response is a count")
        col = comp.table[resp]
        if comp.schema[resp].is_boolean() and resp not in src.factors:
            y = col.cast("float64")
        else:
            levels = _levels_of(src, complete, resp, src.factors)
            if len(levels) > 2:
                shown = ", ".join(lab for _, lab in levels[:5])
                raise DataError(f"the response '{resp}' has {len(levels)} levels ({shown}"
                                f"{' …' if len(levels) > 5 else ''}); a binomial response has "
                                f"two: recode it in the table (first level 0, the other 1)")
            y = comp.indicator(resp, levels[1][0]) if len(levels) == 2 else \
                ibis.literal(0.0, type="float64")
        return ResponseExprs(y, None, y, [])
    y = _numeric(resp, comp, resp)
    return ResponseExprs(y, None, y, [])


def _numeric(text: str, comp, resp: str):
    atom = comp.atom(text, resp, "the response")
    if atom.logical and not atom.present:     # I(y > 0): TRUE is 1, as R's logical
        return comp.comparison(atom.node).cast("float64")
    if atom.factor:
        raise DataError(f"'{text}' in the response '{resp}' is not numeric; cbind() and count "
                        "responses take numbers")
    return comp.numeric(atom.node)


# -- the design ------------------------------------------------------------------
@dataclass
class GlmmPlan:
    """What both ways of fitting a remote GLMM share (cells here, passes in passes.py):
    the compiled formula, the profile of the rows and the response's constants."""

    spec: object
    src: object
    comp: object
    family: object
    complete: object
    key_cols: list                  # the columns whose combinations are the cells
    group_cols: list
    basis: dict                     # name → engine expression of each distinct column
    x_cols: list
    t_cols: list
    resp: ResponseExprs
    weight_expr: object
    offset_expr: object
    const: dict                     # _constants: dev at μ*, offset_c, c_dev
    prof: dict
    used: list
    passes: int                     # queries so far (profile, levels, constants)


def build_glmm_design(spec, src, comp, family, fixed_atoms, random_atoms, used, group_cols,
                      complete, numeric_atoms, offset_expr, weight_expr):
    """The profile, levels and constants of a remote GLMM, then its design: by cells
    when the rows compress into at most ``MAX_CELLS`` of them, else for passes."""
    from mixeq.remote import aggregate
    from mixeq.remote.design import _cell_key, _check_profile, _check_weights, model_columns

    if family.name not in MU_STAR:
        raise FitError(f"the {family} family cannot be fitted from a database or Spark source "
                       "(binomial and Poisson GLMMs can); load the data into a pandas DataFrame")
    key_cols = list(dict.fromkeys(group_cols + _model_columns(spec, comp, fixed_atoms,
                                                              random_atoms)))
    extra = {}
    if weight_expr is not None:
        extra["w_min"] = weight_expr.min(where=complete)
    resp = response_exprs(spec.response, comp, family, src, complete)
    for i, part in enumerate(resp.parts):
        extra[f"part_min_{i}"] = part.min(where=complete)
    prof = aggregate.profile(src, complete, used, numeric_atoms, None,
                             _cell_key(src.table, key_cols), extra)
    _check_profile(prof, used, spec, src, numeric_atoms)
    _check_weights(prof, "weights", gaussian=False)
    for i in range(len(resp.parts)):
        if prof[f"part_min_{i}"] < 0:
            raise DataError(f"'{call_arguments(spec.response, 'cbind')[i].strip()}' in the "
                            f"response '{spec.response}' has negative counts; "
                            "cbind(successes, failures) takes counts ≥ 0")
    x_cols, t_cols, basis = model_columns(spec, comp, fixed_atoms, random_atoms, src, complete)
    const = _constants(src, complete, resp, weight_expr, family, spec.response)
    plan = GlmmPlan(spec, src, comp, family, complete, key_cols, group_cols, basis, x_cols,
                    t_cols, resp, weight_expr, offset_expr, const, prof, used,
                    2 + len(comp.levels))
    return glmm_design(plan, "cells" if prof["cells"] <= MAX_CELLS else "passes")


def glmm_design(plan: GlmmPlan, mode: str):
    """The design of ``plan`` for fitting by ``mode``: "cells" (one pass, refused
    above ``MAX_CELLS`` cells) or "passes" (passes.py: a query per PIRLS step)."""
    if mode == "passes":
        return _passes_design(plan)
    if plan.prof["cells"] > MAX_CELLS:
        raise FitError(
            f"the GLMM's rows form about {plan.prof['cells']:,} cells (distinct combinations "
            f"of {', '.join(plan.key_cols)}), more than the {MAX_CELLS:,} a remote GLMM brings "
            "into memory: a continuous covariate makes one cell per row. Fit it by passes "
            "over the rows (remote_glmm='passes', the default for such data), or round or bin "
            "the covariate in the table")
    return _cells_design(plan)


def _kept_columns(plan: GlmmPlan, G: np.ndarray, x_index: list[int]) -> tuple[list, list]:
    """X's columns that are not combinations of earlier ones (from the rows' XᵀX)."""
    from mixeq.remote.design import _independent

    keep = _independent(G, x_index, [0.0] * len(x_index))
    dropped = [c.name for c, k in zip(plan.x_cols, keep) if not k]
    if dropped:
        import warnings

        from mixeq.errors import MixeqWarning

        warnings.warn(
            f"fixed-effect model matrix is rank deficient so dropping {len(dropped)} "
            f"column{'s' if len(dropped) > 1 else ''}: {', '.join(dropped)} (aliased with "
            "earlier columns; remove the redundant term to silence this)", MixeqWarning,
            stacklevel=6)
    if plan.prof["n"] <= int(np.sum(keep)):
        raise DataError(f"{plan.prof['n']} complete rows for {int(np.sum(keep))} fixed effects: "
                        "the model cannot be fitted")
    return [c for c, k in zip(plan.x_cols, keep) if k], dropped


def _terms(plan: GlmmPlan, groups: dict, B: np.ndarray, index: dict, n: int):
    """The random-effects terms on the rows of B (cells), lme4's order, with each
    column's basis index (0: the constant)."""
    from mixeq.remote.design import ordered_terms, re_term

    terms = []
    for r, cols in zip(plan.spec.random, plan.t_cols):
        g = groups[r.group_name]
        idx = [0 if c.expr is None else index[c.name] for c in cols]
        M = np.column_stack([B[:, i] for i in idx])
        terms.append((re_term(r, g, g.row_codes, cols, M, n), ([c.expr for c in cols], idx)))
    ordered, pairs = ordered_terms(terms)
    for g in groups.values():
        g.codes = g.row_codes
        del g.row_codes
    return ordered, [e for e, _ in pairs], [i for _, i in pairs]


def _design(plan: GlmmPlan, X, y, terms, groups, term_exprs, x_cols, dropped, passes, mode,
            **more):
    from mixeq.remote.design import RemoteDesign

    comp, spec = plan.comp, plan.spec
    response_names = set(response_columns(spec.response, comp))
    predictors = [c for c in plan.used if c not in plan.group_cols and c not in response_names
                  and c in plan.key_cols]
    out = RemoteDesign(
        y=y, X=X, terms=terms, groups=groups, data=pd.DataFrame(columns=list(comp.schema)),
        nobs=plan.prof["n"], dropped_rows=plan.prof["n_total"] - plan.prof["n"],
        dropped_columns=dropped, source=plan.src, complete=plan.complete,
        x_exprs={c.name: c.expr for c in x_cols}, term_exprs=term_exprs,
        y_expr=plan.resp.y, offset_expr=plan.offset_expr, intercept_index=None,
        x_shifts=np.zeros(len(x_cols)), y_shift=0.0, predictors=predictors,
        passes=passes, mode=mode,
        by_column={c: m for c, m in plan.prof["missing"].items() if m}, spec=spec,
        factor_levels=dict(comp.levels), weight_expr=plan.weight_expr, family=plan.family,
        trials_expr=plan.resp.trials, **more)
    out.plan = plan
    return out


def _cells_design(plan: GlmmPlan):
    from mixeq.remote.design import _groups

    src, complete, family = plan.src, plan.complete, plan.family
    wt = _product(plan.resp.trials, plan.weight_expr)            # None: 1 per row
    successes = plan.resp.successes if plan.weight_expr is None else \
        plan.resp.successes * plan.weight_expr
    keys, B, stats = _cells(src, complete, plan.key_cols, list(plan.basis.values()),
                            plan.offset_expr, wt, successes)
    n = plan.prof["n"]
    index = {name: i + 1 for i, name in enumerate(plan.basis)}
    x_index = [0 if c.expr is None else index[c.name] for c in plan.x_cols]
    x_cols, dropped = _kept_columns(plan, (B * stats["rows"][:, None]).T @ B, x_index)
    x_index = [0 if c.expr is None else index[c.name] for c in x_cols]
    groups = _groups(keys[plan.group_cols], plan.spec, src.factors, n)
    ordered, term_exprs, _ = _terms(plan, groups, B, index, n)
    W, S = stats["wt"], stats["successes"]
    ybar = np.divide(S, W, out=np.zeros_like(S), where=W > 0)
    base = family.kernel(ybar, np.ones_like(ybar), W)
    mu_star = np.full(ybar.size, MU_STAR[family.name])
    const = plan.const
    delta = np.full(ybar.size, (const["dev"] - float(base.dev_resid(mu_star).sum())) / ybar.size)
    cells = CellStats(ybar, W, stats["rows"], stats["offset"], delta, const["offset_c"])
    return _design(plan, pd.DataFrame(B[:, x_index], columns=[c.name for c in x_cols]),
                   pd.Series(ybar, name=plan.spec.response), ordered, groups, term_exprs,
                   x_cols, dropped, plan.passes + 1, "cells", cells=cells)


def _passes_design(plan: GlmmPlan):
    """The design laid out on the grouping cells (combinations of the grouping
    factors' levels): one query for them, their counts and the unweighted Gram sums
    (XᵀX for the rank check); X and the terms' columns hold each cell's means
    (the factor's layout; the values come from every step's query, passes.py)."""
    from mixeq.remote import aggregate
    from mixeq.remote.design import _groups

    n = plan.prof["n"]
    keys, G = aggregate.cell_grams(plan.src, plan.complete, plan.group_cols,
                                   list(plan.basis.values()))
    index = {name: i + 1 for i, name in enumerate(plan.basis)}
    x_index = [0 if c.expr is None else index[c.name] for c in plan.x_cols]
    x_cols, dropped = _kept_columns(plan, G.sum(axis=0), x_index)
    x_index = [0 if c.expr is None else index[c.name] for c in x_cols]
    means = G[:, 0, :] / G[:, :1, 0]
    groups = _groups(keys, plan.spec, plan.src.factors, n)
    ordered, term_exprs, term_basis = _terms(plan, groups, means, index, n)
    out = _design(plan, pd.DataFrame(means[:, x_index], columns=[c.name for c in x_cols]),
                  pd.Series(np.zeros(len(means)), name=plan.spec.response), ordered, groups,
                  term_exprs, x_cols, dropped, plan.passes + 1, "passes")
    out.term_basis, out.x_basis = term_basis, x_index
    return out


def _model_columns(spec, comp, fixed_atoms, random_atoms) -> list[str]:
    """The raw columns X, Z and the offset read: a cell is one combination of them."""
    from mixeq.remote.design import _atom_columns

    cols = []
    for atoms in fixed_atoms + random_atoms:
        for a in atoms:
            cols += _atom_columns(a, comp, a.text)
    offsets = [f"offset({o})" for o in getattr(spec, "offsets", ())]
    for term in [*offsets, *spec.fixed]:
        if term.startswith("offset(") and term.endswith(")"):
            atom = comp.atom(term[7:-1], term, "the fixed part")
            cols += _atom_columns(atom, comp, term)
    return cols


def _product(a, b):
    """a × b of two optional row expressions (None: 1)."""
    if a is None or b is None:
        return b if a is None else a
    return a * b


def _cells(src, complete, keys, basis, offset, wt, successes):
    """One GROUP BY over the cells: rows, Σ wt, Σ wt·y, and the model's columns."""
    t = src.table.filter(complete)
    metrics = {"n_": t.count(), "w_": t.count() if wt is None else wt.sum(),
               "s_": successes.sum()}
    for i, e in enumerate(basis):
        metrics[f"b_{i}"] = e.max()          # constant within a cell
    if offset is not None:
        metrics["o_"] = offset.max()
    out = src.execute(t.group_by(keys).aggregate(**metrics))
    B = np.column_stack([np.ones(len(out))] + [out[f"b_{i}"].to_numpy(dtype=float)
                                               for i in range(len(basis))])
    stats = {"rows": out["n_"].to_numpy(dtype=float), "wt": out["w_"].to_numpy(dtype=float),
             "successes": out["s_"].to_numpy(dtype=float),
             "offset": (out["o_"].to_numpy(dtype=float) if offset is not None
                        else np.zeros(len(out)))}
    return out[keys], B, stats


def _constants(src, complete, resp: ResponseExprs, weight, family, name: str) -> dict:
    """Σ_rows d_i(μ*) and R's aic − Σ d_i over the rows, from the distinct (y, trials,
    weight) and their counts; the family's checks of the response on those values."""
    from mixeq.fitting.family import check_response

    t = src.table.filter(complete)
    by = {"y_": resp.y}
    if resp.trials is not None:
        by["n_"] = resp.trials
    if weight is not None:
        by["w_"] = weight
    out = src.execute(t.group_by(**by).aggregate(count_=t.count()))
    y = out["y_"].to_numpy(dtype=float)
    count = out["count_"].to_numpy(dtype=float)
    trials = out["n_"].to_numpy(dtype=float) if "n_" in out else np.ones_like(y)
    w = out["w_"].to_numpy(dtype=float) if "w_" in out else np.ones_like(y)
    wt = trials * w                      # R's binomial()$initialize: trials × weights
    check_response(family, y, name, weight is not None)
    if family.kernel(y, trials, wt).offset_c is None:
        raise FitError(f"the binomial likelihood of '{name}' with these weights is not a "
                       "function of per-cell sums (non-integer successes × weights); fit it "
                       "from a pandas DataFrame")
    mu = np.full(y.size, MU_STAR[family.name])
    dev = float(family.dev_resid(y, mu, wt) @ count)
    aic = float(family.aic_terms(y, trials, mu, wt) @ count)
    c_dev = float((2.0 * wt * family.kernel(y, trials, wt).c) @ count)   # passes.py's Σ 2 wt c(y)
    return {"dev": dev, "offset_c": aic - dev, "distinct": int(y.size), "c_dev": c_dev}


# -- the result --------------------------------------------------------------------
def fit_remote_glmm(model, reml=None, **options):
    """glmer's fit of a remote design: on its cells, or by passes over the rows
    (``remote_glmm=`` "auto": the design's choice; "cells" or "passes" to force it)."""
    import copy

    from mixeq.fitting.glmm.fit import fit_glmm
    from mixeq.fitting.options import FitOptions

    want = FitOptions.of(reml=reml, glmm=True, **dict(options)).remote_glmm
    design = model.design
    mode = design.mode if want == "auto" else want
    if mode != design.mode:
        model = copy.copy(model)
        model.__dict__.pop("Z", None)
        model.design = glmm_design(design.plan, mode)
        model.design.passes += design.passes - design.plan.passes
    if mode == "passes":
        from mixeq.remote.passes import PassProblem

        fit = fit_glmm(model, reml=reml, problem=PassProblem, **options)
    else:
        fit = fit_glmm(model, reml=reml, **options)
    out = RemoteGlmmFit.of(fit)
    out.optimizer_summary.options["remote"] = {
        "source": model.design.source.description, "mode": mode,
        "cells": int(len(model.design.y)), "queries": out.remote_passes}
    return out


class RemoteGlmmFit(GlmmFit):
    """A GLMM fitted from a remote source's cells: glmer's accessors; the per-row
    values (η, fitted means, residuals) are an engine query (``fitted_query()``),
    pulled only when read."""

    @classmethod
    def of(cls, fit: GlmmFit) -> "RemoteGlmmFit":
        """The same fit (the same state, no copy of arrays) with the remote accessors."""
        out = cls.__new__(cls)
        out.__dict__.update(fit.__dict__)
        return out

    @property
    def remote_passes(self) -> int:
        """Queries over the data's rows so far: the design's (profile, levels, cells or
        grouping cells, responses), then by passes one per PIRLS step (the fit, and the
        Hessian of the standard errors when first asked for); by cells none."""
        engine = getattr(self._problem, "engine", None)
        return int(self.model.design.passes) + (engine.passes if engine is not None else 0)

    @property
    def deviance(self) -> float:
        """Σ dᵢ at the modes (PIRLS's penalised deviance less ‖u‖²)."""
        return float(self._mode.pdev - self._mode.ussq)

    def pearson_quantiles(self, probs) -> list[float]:
        """The summary's scaled-residual quantiles, computed by the engine (no rows
        come back): exact (R's type 7) in DuckDB and Spark, approximate in engines
        without an exact quantile (then ``quantile_note`` says so)."""
        from mixeq.remote.fitted import glmm_pearson_quantiles

        return glmm_pearson_quantiles(self, probs)

    @property
    def quantile_note(self) -> str | None:
        from mixeq.remote.fitted import quantile_note

        return quantile_note(self.model.design.source)

    def fitted_query(self):
        """A lazy query of the complete rows with ``y``, ``eta`` (the linear predictor
        at the modes) and ``fitted`` (μ, for the logit, log, cloglog and identity links)."""
        from mixeq.remote.fitted import glmm_fitted_query

        return glmm_fitted_query(self)

    @cached_property
    def _rows(self) -> pd.DataFrame:
        from mixeq.remote.fitted import glmm_fetch

        return glmm_fetch(self)

    @cached_property
    def linear_predictor(self) -> pd.Series:
        return pd.Series(self._rows["eta"].to_numpy(dtype=float), name="eta")

    @cached_property
    def fitted(self) -> pd.Series:
        eta = self._rows["eta"].to_numpy(dtype=float)
        return pd.Series(self.family.link.linkinv(eta), name="fitted")

    def _row_arrays(self):
        r = self._rows
        y = r["y"].to_numpy(dtype=float)
        wt = r["wt"].to_numpy(dtype=float)
        return y, wt, self.fitted.to_numpy()

    @cached_property
    def deviance_residuals(self) -> pd.Series:
        y, wt, mu = self._row_arrays()
        d = np.clip(self.family.dev_resid(y, mu, wt), 0, None)
        return pd.Series(np.sign(y - mu) * np.sqrt(d), name="residuals")

    @cached_property
    def pearson_residuals(self) -> pd.Series:
        y, wt, mu = self._row_arrays()
        return pd.Series((y - mu) * np.sqrt(wt) / np.sqrt(self.family.variance(mu)),
                         name="pearson")

    def predict(self, newdata=None, type: str = "link", include_random: bool = True,
                allow_new_levels: bool = False):
        """Predictions for new rows (a DataFrame, or a path/table as for fitting; None:
        the source's rows), computed by an engine (mixeq/remote/predict.py)."""
        from mixeq.remote.predict import predict_remote

        return predict_remote(self, newdata, type=type, include_random=include_random,
                              allow_new_levels=allow_new_levels)

    def refit(self, reml: bool = False, **changes):
        if reml or not changes:
            return super().refit(reml, **changes)
        return fit_remote_glmm(self.model, **self.options.with_(**changes).kwargs())
