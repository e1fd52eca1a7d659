"""``fit_model``: choose the factorisation, minimise the criterion, wrap the result."""
from __future__ import annotations

from dataclasses import replace
from weakref import WeakKeyDictionary

import numpy as np

from mixeq.errors import FitError
from mixeq.fitting.blocked import BlockedFactor
from mixeq.fitting.centering import Centering
from mixeq.fitting.dense import DenseFactor
from mixeq.fitting import convergence
from mixeq.fitting.oneterm import OneTermFactor
from mixeq.fitting.optimize import minimize
from mixeq.fitting.options import FitOptions
from mixeq.fitting.search import search
from mixeq.fitting.result import FitResult
from mixeq.fitting.theta import ThetaLayout
from mixeq.fitting.threads import limit

DENSE_LIMIT = 160  # q + p + 1 up to this: one small dense matrix is cheapest
THREADED_SIZE = 100  # dense blocks from this size on would start BLAS threads

# Per model: the checked arrays, centring and factor of its last fit, so that a refit
# skips them (≈ 0.3 ms of a 2 ms sleepstudy fit). Only for the one-term closed-form
# factor, which keeps no per-θ state (no buffers written per θ), so sharing it between
# fits is safe; a model's data do not change after Model() is built (the entry is
# dropped if the model's design object is replaced).
_PREPARED: "WeakKeyDictionary" = WeakKeyDictionary()


def make_factor(model, factor: str = "auto", centering: Centering | None = None,
                X: np.ndarray | None = None, y: np.ndarray | None = None,
                sqrt_w: np.ndarray | None = None):
    """The per-θ factorisation for this model: ``"dense"``, ``"blocked"`` or ``"auto"``,
    on y and X centred by ``centering`` when given (see centering.py); ``X`` and
    ``y``: the model's as float arrays, when already at hand. ``sqrt_w``: square
    roots of prior weights, which scale the rows of X, y and every term's matrix
    (weighted least squares is least squares on √w-scaled rows; lme4's sqrtXwt)."""
    X = np.ascontiguousarray(model.X.to_numpy(dtype=float) if X is None else X)
    y = model.y.to_numpy(dtype=float) if y is None else y
    if centering is not None:
        X, y = centering.apply(X, y)
    terms = list(model.terms)
    if sqrt_w is not None:
        X, y = np.ascontiguousarray(X * sqrt_w[:, None]), y * sqrt_w
        terms = [replace(t, matrix=t.matrix * sqrt_w[:, None]) for t in terms]
    layout = ThetaLayout.from_terms(terms)
    if factor == "auto":
        dim = sum(t.q for t in terms) + X.shape[1] + 1
        # one term: the blocked factor is closed-form per level and cheapest
        small = dim <= DENSE_LIMIT and len(terms) > 1
        factor = "dense" if small or not terms else "blocked"
    if factor == "dense":
        return DenseFactor(X, y, terms, layout), layout
    if factor == "blocked":
        if not terms:
            raise FitError("the blocked factor needs at least one random-effects term; use factor='dense'")
        return OneTermFactor.of(X, y, terms, layout) or BlockedFactor(X, y, terms, layout), layout
    raise FitError(f"unknown factor {factor!r}; choose 'auto', 'dense' or 'blocked'")


def fit_model(model, reml: bool = True, optimizer: str = "bobyqa", start=None,
              factor: str = "auto", nagq: int = 1, **options) -> FitResult:
    """Fit ``model`` by REML (default) or ML.

    ``start``: θ to start from (default lme4's: 1 on the diagonal, 0 off it);
    ``factor``: ``"auto"`` (dense for small q, blocked otherwise), ``"dense"`` or
    ``"blocked"``; further options go to the optimiser (``ftol_rel``,
    ``ftol_abs``, ``xtol_abs``, ``initial_step``, ``maxeval``); ``check_conv``:
    lme4's convergence check at the optimum — ``"auto"`` (as lme4: fewer than
    10,000 observations and 10 θ), ``True`` or ``False`` (see convergence.py).
    """
    return fit_with(model, FitOptions.of(reml=reml, nagq=nagq, optimizer=optimizer, start=start,
                                         factor=factor, **options))


def fit_with(model, opts: FitOptions) -> FitResult:
    """Fit ``model`` with the options record ``opts`` (``FitResult.refit`` reuses a fit's)."""
    reml, optimizer, start = opts.reml, opts.optimizer, opts.start
    y, centering, fac, layout = _prepare(model, opts.factor)
    weights = getattr(model, "weights", None)
    theta0 = _start(start, layout)
    lower = layout.lower_bounds()
    options = {**opts.optimizer_options, "profile": opts.profile,
               "float32_search": opts.float32_search}      # search.py takes the last two out
    threads, check_conv = opts.blas_threads, opts.check_conv    # threads.py, convergence.py
    with limit(threads if fac.dense_size >= THREADED_SIZE else None):
        summary = search(fac, layout, theta0, lower, reml, optimizer, options,
                         given_start=start is not None)
        if not np.isfinite(summary.objective):
            raise FitError("the criterion is not finite at the optimum: the fixed-effects matrix "
                           "is probably singular, or the response is constant")
        summary.convergence = convergence.check_fit(
            _criterion(fac, reml), summary, lower, model.nobs, check_conv,
            restart=lambda theta: _restart(fac, theta, lower, reml, optimizer))
        fz = centering.restore(fac.factorization(summary.theta))
    if weights is not None:  # lme4's devCrit: the criterion of the √w-scaled problem − Σ log w
        summary.objective -= float(np.log(weights).sum())
    if fz.pwrss <= 1e-24 * float(y @ y):
        raise FitError("the fixed effects reproduce the response exactly (zero residual "
                       "variance): remove predictors that are copies of the response")
    result = FitResult(model, reml, fac, layout, summary, fz)
    result.options = opts
    return result


def _criterion(fac, reml: bool):
    """The criterion over the full θ, in the cheapest form the factor has."""
    return fac.criterion(reml)


def _restart(fac, theta: np.ndarray, lower: np.ndarray, reml: bool, optimizer: str):
    """One more optimiser run from ``theta`` with small first steps (convergence.py)."""
    steps = np.maximum(0.05 * np.abs(theta), 1e-3)
    try:
        again = minimize(_criterion(fac, reml), theta, lower, fac.name, optimizer, steps=steps,
                         **convergence.RESTART)
    except FitError:  # e.g. nlopt's roundoff limit: keep the first optimum
        return theta, np.inf, 0
    return again.theta, again.objective, again.evaluations


def _prepare(model, factor: str):
    """The response, centring, factor and θ layout of ``model`` (cached, see _PREPARED)."""
    try:
        cached = _PREPARED.get(model, {}).get(factor)
    except TypeError:  # not weakly referenceable or not hashable: no cache
        cached = None
    if cached is not None and cached[0] is model.design:
        return cached[1]
    n, p = model.X.shape
    if n <= p:
        raise FitError(f"{n} observations for {p} fixed effects: the model cannot be fitted; "
                       "use fewer fixed-effect terms or more data")
    y = model.y.to_numpy(dtype=float)
    weights, offset = getattr(model, "weights", None), getattr(model, "offset", None)
    if offset is not None:  # lmer's offset: a known part of the mean
        y = y - offset
    if y.size and y.max() == y.min():
        raise FitError(f"the response '{model.spec.response}' is constant ({y[0]:g}) in all "
                       f"{n} rows used: there is no variation to model")
    X = model.X.to_numpy(dtype=float)
    _check_scale(X, y, list(model.X.columns), model.spec.response)
    centering = Centering.of(X, y)
    sqrt_w = None if weights is None else np.sqrt(weights)
    fac, layout = make_factor(model, factor, centering, X, y, sqrt_w)
    prepared = (y, centering, fac, layout)
    if isinstance(fac, OneTermFactor) and weights is None and offset is None:
        try:
            _PREPARED.setdefault(model, {})[factor] = (getattr(model, "design", None), prepared)
        except TypeError:
            pass
    return prepared


SCALE_LIMIT = 1e140  # |values| beyond 1e±140: cross-products over- or underflow doubles


def _check_scale(X: np.ndarray, y: np.ndarray, names: list[str], response: str) -> None:
    """Refuse columns whose squares leave double precision (XᵀX, yᵀy), with the reason."""
    for values, name in [*zip(X.T, names), (y, response)]:
        top = float(np.max(np.abs(values))) if values.size else 0.0
        if top > SCALE_LIMIT or 0.0 < top < 1.0 / SCALE_LIMIT:
            raise FitError(
                f"'{name}' has values of size {top:.0e}: their squares leave the range of "
                "double precision, so the fit would be wrong or fail; rescale it (e.g. divide "
                f"by {10.0 ** round(np.log10(top)):.0e}) and scale its estimate back")


def _start(start, layout: ThetaLayout) -> np.ndarray:
    if start is None:
        return layout.start()
    try:
        theta = np.asarray(start, dtype=float).ravel()
    except (TypeError, ValueError):
        raise FitError(f"start={start!r}: give {layout.size} numbers, the θ to start from "
                       f"({', '.join(layout.names)})") from None
    if theta.size != layout.size:
        raise FitError(f"start has {theta.size} values but the model has {layout.size} θ "
                       f"parameters ({', '.join(layout.names)})")
    low = layout.lower_bounds()
    if np.any(theta < low) or not np.all(np.isfinite(theta)):
        raise FitError("start must be finite and ≥ 0 for the diagonal elements of λ "
                       f"({', '.join(n for n, d in zip(layout.names, layout.diagonal) if d)})")
    return theta
