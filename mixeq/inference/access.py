"""The one door from inference to the fitter's internals (issue 11).

Everything in mixeq/inference reads a fit through ``LmmAccess``: the criterion's
pieces at any θ (log|L_Z|², log|R_X|², r², β̂(θ), R_X), the θ layout, the
model matrices, and a refit of the same model to a new response. When the fitter
changes (mixeq/fitting is being rebuilt for GLMMs), only this file follows it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mixeq.errors import InferenceError
from mixeq.fitting.oneterm import OneTermFactor


# Refits of simulated responses: replicates need θ to ~1e-6, not the 1e-12 of a reported fit
REFIT_TOL = {"ftol_rel": 1e-10, "ftol_abs": 1e-7, "xtol_abs": 1e-6}
# a GLMM's replicates over (θ, β): cbpp's move by < 1e-3 (a 200th of an SE) against the fit's
# own tolerances, at half the evaluations
GLMM_REFIT_TOL = {"ftol_rel": 1e-8, "ftol_abs": 1e-6, "xtol_abs": 1e-5}


def supported(fit) -> bool:
    """Whether df, profiles and simulations apply to this fit (its rows in memory)."""
    return in_memory(fit)


def in_memory(fit) -> bool:
    """A fit whose model holds the data's rows (not a remote source's aggregated cells,
    mixeq/remote)."""
    return not hasattr(fit, "fitted_query")


class ModelTerms:
    """The terms of an adapter's ``model``, shared by the LMM and GLMM adapters: the
    fixed-effects terms (for type III contrasts) and the random-effects terms with their
    θ layout; reads ``self.model``, ``self.names`` and ``self.layout``, holds no state."""

    @cached_property
    def fixed_terms(self) -> list[str]:
        return list(self.model.spec.fixed)

    @property
    def has_intercept(self) -> bool:
        return bool(self.model.spec.intercept)

    @property
    def data(self):
        return self.model.data

    def term_columns(self) -> dict[str, list[int]]:
        return term_columns(self.model, self.names, self.fixed_terms)

    # -- θ layout and random-effects terms ----------------------------------------------
    @property
    def theta_diagonal(self) -> np.ndarray:
        return np.asarray(self.layout.diagonal)

    def lambdas(self, theta) -> list[np.ndarray]:
        return self.layout.lambdas(np.asarray(theta, dtype=float))

    @property
    def term_sizes(self) -> tuple[int, ...]:
        return tuple(self.layout.sizes)

    @property
    def terms(self):
        """(grouping factor, column names, codes (n,), matrix (n × k), levels) per term, in θ order."""
        return [(t.group, list(t.columns), np.asarray(t.codes), np.asarray(t.matrix, dtype=float),
                 t.nlevels) for t in self.model.terms]


@dataclass
class Refit:
    theta: np.ndarray
    beta: np.ndarray
    sigma: float
    objective: float
    se: np.ndarray


@dataclass
class Parts:
    """The pieces of the criterion at one θ, β̂(θ) and R_X in the original
    coordinates of X (vcov(β) = σ² (R_X R_Xᵀ)⁻¹)."""

    ld_l: float
    ld_x: float
    pwrss: float
    beta: np.ndarray
    rx: np.ndarray


class LmmAccess(ModelTerms):
    """What inference needs of a linear mixed-model fit, and nothing else."""

    def __init__(self, fit):
        from mixeq.fitting.result import FitResult

        if not isinstance(fit, FitResult) or not hasattr(fit, "_factor"):
            raise InferenceError(f"expected a linear mixed-model fit (mixeq.fit(...)), got "
                                 f"{type(fit).__name__}")
        model = fit.model
        self.unsupported = None
        w, off = getattr(model, "weights", None), getattr(model, "offset", None)
        self.weights = None if w is None else np.asarray(w, dtype=float)
        self.offset = None if off is None else np.asarray(off, dtype=float)
        if not in_memory(fit):
            from mixeq.remote.refusal import refusal

            raise InferenceError(refusal(fit, "df, p-values, intervals and simulations"))
        self.fit = fit
        self.model = fit.model
        self.reml = bool(fit.reml)
        self.theta = np.asarray(fit.theta, dtype=float).copy()
        self.sigma = float(fit.sigma)
        self.beta = fit.fixef.to_numpy().copy()
        self.n = int(fit.nobs)
        self.p = self.beta.size
        self.names = list(fit.fixef.index)
        self._factor = fit._factor
        self.layout = fit._layout
        # the criterion of the √w-scaled problem that parts() evaluates: the fit's objective
        # is lme4's devCrit, that criterion − Σ log w (R/profile.R's ldW)
        self.objective = float(fit.objective) + self.log_weights

    @property
    def log_weights(self) -> float:
        return 0.0 if self.weights is None else float(np.log(self.weights).sum())

    @cached_property
    def sqrt_w(self) -> np.ndarray | None:
        """√ of the prior weights (None without): lme4's sqrtXwt, which scales X's, y's and
        Z's rows so that the weighted model is an unweighted one."""
        return None if self.weights is None else np.sqrt(self.weights)

    def scaled(self, a: np.ndarray) -> np.ndarray:
        """The rows of ``a`` times √w (``a`` itself without weights)."""
        if self.sqrt_w is None:
            return a
        return a * (self.sqrt_w[:, None] if a.ndim == 2 else self.sqrt_w)

    @property
    def known_mean(self) -> np.ndarray:
        """The offset (zeros without one): the known part of the mean."""
        return np.zeros(self.n) if self.offset is None else self.offset

    # -- the criterion's pieces -------------------------------------------------------
    @cached_property
    def X(self) -> np.ndarray:
        return np.ascontiguousarray(self.model.X.to_numpy(dtype=float))

    @cached_property
    def y(self) -> np.ndarray:
        """The response less the offset: what the criterion fits (as the fitter's _prepare)."""
        y = self.model.y.to_numpy(dtype=float)
        return y if self.offset is None else y - self.offset

    @cached_property
    def _centering(self):
        from mixeq.fitting.centering import Centering

        return Centering.of(self.X, self.y)

    def parts(self, theta: np.ndarray) -> Parts | None:
        """Criterion pieces at θ (None where the factor is not positive definite)."""
        theta = np.asarray(theta, dtype=float)
        fac = self._factor
        if isinstance(fac, OneTermFactor):
            return self._fast_parts(theta)
        try:
            fz = self._centering.restore(fac.factorization(theta))
        except (np.linalg.LinAlgError, ValueError, ArithmeticError):
            return None
        except Exception as exc:  # the factor's own FitError
            if type(exc).__name__ == "FitError":
                return None
            raise
        if not (np.isfinite(fz.ld_l) and fz.pwrss > 0):
            return None
        return Parts(float(fz.ld_l), float(fz.ld_x), float(fz.pwrss), fz.beta, fz.rx)

    def criterion_parts(self, theta) -> tuple[float, float, float] | None:
        """(log|L_Z|², log|R_X|², r²) at θ, the cheapest way the factor allows
        (the one-term closed form: its [X y] block's pivots, no β)."""
        fac = self._factor
        if not isinstance(fac, OneTermFactor):
            parts = self.parts(theta)
            return None if parts is None else (parts.ld_l, parts.ld_x, parts.pwrss)
        from mixeq.fitting.criterion import small_pivots

        ld, SF = fac.schur(np.asarray(theta, dtype=float))
        piv = small_pivots(list(SF), self.p + 1)
        if piv is None or not piv[self.p] > 0:
            return None
        return float(ld), float(sum(np.log(piv[:self.p]))), float(piv[self.p])

    def _fast_parts(self, theta):
        return _parts(self._factor, self._centering, theta, self.p)

    @cached_property
    def group_labels(self) -> list[str]:
        """Grouping-factor names as lme4 prints them (a second term on one factor: ``g.1``)."""
        seen: dict[str, int] = {}
        labels = []
        for t in self.model.terms:
            c = seen.get(t.group, 0)
            labels.append(t.group if c == 0 else f"{t.group}.{c}")
            seen[t.group] = c + 1
        return labels

    # -- refits -------------------------------------------------------------------------
    def make_refitter(self, reml: bool | None = None):
        """A function ``y → Refit(θ, β, σ, criterion, se(β))`` refitting this model to a new response,
        warm-started at this fit's θ (the design, Z and X, the weights and offset stay)."""
        from mixeq.fitting.centering import Centering
        from mixeq.fitting.engine import make_factor
        from mixeq.fitting.optimize import minimize

        reml = self.reml if reml is None else bool(reml)
        model, X, layout = self.model, self.X, self.layout
        lower = layout.lower_bounds()
        steps = np.maximum(0.2 * np.abs(self.theta), 0.05)
        start = np.maximum(self.theta, lower)

        def refit(y: np.ndarray):
            y = np.asarray(y, dtype=float) - self.known_mean    # a simulated y includes the offset
            centering = Centering.of(X, y)
            fac, _ = make_factor(model, "auto", centering, X, y, self.sqrt_w)
            f = fac.criterion(reml)
            summary = minimize(f, start.copy(), lower, fac.name, "bobyqa", steps=steps, **REFIT_TOL)
            fz = _parts(fac, centering, summary.theta, self.p) if isinstance(fac, OneTermFactor) \
                else centering.restore(fac.factorization(summary.theta))
            p = fz.beta.size
            sigma = float(np.sqrt(fz.pwrss / (self.n - p if reml else self.n)))
            rinv = np.linalg.inv(fz.rx)
            se = sigma * np.sqrt(np.einsum("ij,ij->j", rinv, rinv))   # √diag σ²(R_X R_Xᵀ)⁻¹
            return Refit(summary.theta, fz.beta, sigma, float(summary.objective), se)

        return refit


def term_columns(model, names: list[str], fixed_terms: list[str]) -> dict[str, list[int]]:
    """Fixed-effect term label → indices of its columns in X (lme4's ``assign``)."""
    from mixeq.design.names import r_column_name
    from mixeq.spec.check import written_contrasts
    from mixeq.spec.types import quote_name

    spec = model.design.x_model_spec
    aliases = getattr(model.design, "aliases", None)  # formulaic's names → the user's
    index = {name: i for i, name in enumerate(names)}
    out: dict[str, list[int]] = {}
    slices = getattr(spec, "term_slices", None)
    if slices is not None:
        cols = [r_column_name(c, aliases) for c in spec.column_names]
        for term, sl in slices.items():
            label = written_contrasts(str(term))   # C(f, 'sum') → C(f, sum), as written
            label = aliases.undo(label, quote_name) if aliases else label
            if label == "1":
                continue
            out[label] = [index[c] for c in cols[sl] if c in index]
    else:  # NumericSpec: one column per term
        for term in spec.terms:
            label = ":".join(term)
            label = aliases.undo(label, quote_name) if aliases else label
            if label in index:
                out[label] = [index[label]]
    return {t: out.get(t, []) for t in fixed_terms}


def one_blas_thread():
    """A context running BLAS on one thread (the fitter's policy, mixeq/fitting/threads.py):
    on a busy 2-core machine OpenBLAS's spinning threads cost more than they give."""
    from mixeq.fitting.threads import limit

    return limit(1)


def new_design(fit, newdata, include_random: bool = True):
    """(index, X, [(M, codes) per term]) for ``newdata`` (None: the fitted rows), built as
    the fitter's predict() builds them; codes −1 mark levels not seen in the fit."""
    from mixeq.fitting.predict import new_design as design_of

    return design_of(fit.model, newdata, include_random)


def fixed_formatting():
    """The summary's number formatting and table layout (R's format and printCoefmat)."""
    from mixeq.fitting.summary import _table, r_format

    return r_format, _table


def _parts(fac, centering, theta, p: int) -> Parts | None:
    """One-term closed-form factor: its (p+1)² [X y] block at θ, factored here
    (β and r² without the per-level modes the fitter's factorization adds)."""
    from mixeq.fitting.criterion import Factorization

    ld, SF = fac.schur(theta)
    try:
        L = np.linalg.cholesky(np.array(SF).reshape(p + 1, p + 1))
    except np.linalg.LinAlgError:
        return None
    rx = L[:p, :p]
    beta = np.linalg.solve(rx.T, L[p, :p]) if p else np.zeros(0)
    fz = centering.restore(Factorization(ld, 0.0, float(L[p, p]) ** 2, beta, [], rx))
    ld_x = 2.0 * float(np.log(np.diag(rx)).sum())
    return Parts(float(ld), ld_x, fz.pwrss, fz.beta, fz.rx)


# -- generalized linear mixed models ---------------------------------------------------------
class GlmmAccess(ModelTerms):
    """What inference needs of a GLMM fit (mixeq/fitting/glmm): the Laplace (or AGQ)
    deviance at any (θ, β) — lme4's ``getME(m, "devfun")`` — the θ layout, X, the
    response's family, trials and weights, and a refit to a new response."""

    def __init__(self, fit):
        from mixeq.fitting.glmm.result import GlmmFit

        if not isinstance(fit, GlmmFit):
            raise InferenceError(f"expected a GLMM fit (mixeq.fit(..., family=...)), got "
                                 f"{type(fit).__name__}")
        self.fit = fit
        self.unsupported = None
        if not in_memory(fit):
            from mixeq.remote.refusal import refusal

            self.unsupported = refusal(
                fit, "profiles, simulations, bootstrap and Wald chi-square tests",
                "Wald intervals (confint('Wald')) and coef_table() apply to this fit")
        self.model = fit.model
        self.problem = fit._problem
        self.layout = fit._layout
        self.theta = np.asarray(fit.theta, dtype=float).copy()
        self.beta = fit.fixef.to_numpy().copy()
        self.names = list(fit.fixef.index)
        self.p = self.beta.size
        self.n = int(fit.nobs)
        self.objective = float(fit.objective)
        self.sigma = 1.0
        self._eta_fit = np.asarray(fit.linear_predictor, dtype=float).copy()
        self._eta = self._eta_fit.copy()

    @cached_property
    def X(self) -> np.ndarray:
        return self.problem.pred.X

    @property
    def response(self):
        """lme4's glmResp: family, y (a proportion for binomial trials), trials, weights, offset."""
        return self.problem.resp

    def require_deviance(self) -> None:
        """Profiles and refits minimise the deviance over (θ, β), which an nAGQ = 0 fit
        does not have."""
        if self.fit.nagq == 0:
            raise InferenceError("this GLMM was fitted with nagq=0 (β estimated inside PIRLS, "
                                 "no deviance over (θ, β)); refit with nagq=1 (Laplace) for "
                                 "profile and bootstrap intervals")

    def deviance(self, theta, beta) -> float:
        """The fit's criterion at (θ, β) (inf where PIRLS fails), PIRLS starting from the
        last point's η as lme4's stateful devfun does (from the fit's η after a failure)."""
        from mixeq.fitting.glmm.agq import agq
        from mixeq.fitting.glmm.mode import PirlsFailed
        from mixeq.fitting.glmm.pirls import laplace, pirls

        prob = self.problem
        theta = np.asarray(theta, dtype=float)
        beta = np.asarray(beta, dtype=float)
        for start in (self._eta, self._eta_fit):
            try:
                mode = pirls(prob.pred, prob.resp, theta, start, beta)
            except PirlsFailed:
                continue
            dev = laplace(mode, prob.resp) if prob.rule is None else \
                agq(prob.pred, prob.resp, theta, mode, prob.rule, prob.agq_plan)
            if np.isfinite(dev):
                self._eta = mode.eta
                return float(dev)
        return np.inf

    def reset(self) -> None:
        self._eta = self._eta_fit.copy()

    def make_refitter(self):
        """A function ``y → (θ, β, deviance)`` refitting this GLMM to a new response
        (a proportion for binomial trials, as the fit's y) by lme4's second stage over
        (θ, β), warm-started at the estimate (the design, trials and weights stay)."""
        import copy
        import dataclasses

        from mixeq.fitting.glmm.agq import AgqPlan
        from mixeq.fitting.glmm.fit import STEP2, Memo
        from mixeq.fitting.optimize import minimize

        prob0 = self.problem
        lower = np.concatenate([self.layout.lower_bounds(), np.full(self.p, -np.inf)])
        se = self.fit.stderr.to_numpy()
        steps = np.concatenate([np.maximum(STEP2[0] * np.abs(self.theta), STEP2[1]),
                                STEP2[2] * np.where(np.isfinite(se) & (se > 0), se, 0.1)])
        start = np.concatenate([self.theta, self.beta])
        ntheta = self.theta.size

        def refit(y: np.ndarray):
            prob = copy.copy(prob0)
            prob.resp = dataclasses.replace(prob0.resp, y=np.asarray(y, dtype=float))
            prob.memo = Memo()                     # values of another y answer nothing
            if prob.rule is not None:              # the AGQ plan's η-form parts are y's
                prob.agq_plan = AgqPlan(prob.pred, prob.resp, prob.rule)
            summary = minimize(prob.stage2(self._eta_fit), start.copy(), lower, "glmm-blocked",
                               "bobyqa", steps=steps, **GLMM_REFIT_TOL)
            return summary.theta[:ntheta], summary.theta[ntheta:], float(summary.objective)

        return refit
