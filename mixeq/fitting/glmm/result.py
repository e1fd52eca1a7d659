"""``GlmmFit``: a fitted GLMM with glmer's accessors.

Same names as the LMM's ``FitResult`` (``fixef``, ``stderr``, ``theta``,
``varcorr``, ``ranef``, ``loglik``, ``aic`` …) with lme4's GLMM definitions:
σ = 1 and no residual row in ``varcorr``; ``loglik`` = −½ × the optimised
deviance (the Laplace criterion, or for nAGQ > 1 the AGQ one, which lme4 forms
from deviance residuals); ``deviance`` = Σ d_i at the conditional modes
(lme4's ``deviance()``); standard errors from the finite-difference Hessian of
the deviance over (θ, β) as glmer's ``vcov`` (falling back to R_X when that
Hessian is not positive definite).
"""
from __future__ import annotations

from functools import cached_property
from math import log

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import solve_triangular

from mixeq.fitting.components import varcorr_frame
from mixeq.fitting.convergence import derivatives
from mixeq.fitting.modes import ConditionalModes, ModesAccess
from mixeq.fitting.result import SINGULAR_TOL

HESSIAN_DELTA = 1e-4   # lme4's deriv12(delta = 1e-4)


class GlmmFit(ModesAccess):
    """A generalized linear mixed model fitted by Laplace or adaptive Gauss–Hermite."""

    quantile_note = None   # residual quantiles from the rows are exact (a remote fit's may not be)

    reml = False
    sigma = 1.0

    def __init__(self, model, problem, options, summary, theta, beta, mode, eta0):
        self.model = model
        self.family = model.family
        self.options = options
        self.nagq = options.nagq
        self._problem = problem
        self._layout = problem.layout
        self._mode = mode
        self._eta0 = eta0
        self.optimizer_summary = summary
        self.theta = np.asarray(theta, dtype=float)
        self.theta_names = list(problem.layout.names)
        self._beta = np.asarray(beta, dtype=float)
        self.objective = float(summary.objective)
        self.nobs = int(model.nobs)

    # -- fixed effects -----------------------------------------------------------
    @cached_property
    def fixef(self) -> pd.Series:
        return pd.Series(self._beta, index=self._labels(), name="Estimate")

    def _labels(self) -> pd.Index:
        """X's column labels as an Index of their own: pandas keeps an Index it is given
        (a list of names is parsed again: ~60 µs), and a view (0.5 µs) keeps a ``.name``
        set on fixef's or vcov's labels from reaching X's and the other table's."""
        return self.model.X.columns.view()

    @cached_property
    def derivatives(self) -> dict:
        """Gradient and Hessian of the deviance over (θ, β) at the optimum, by lme4's
        central differences (``deriv12``, δ = 10⁻⁴, one-sided at a bound)."""
        prob = self._problem
        x = np.concatenate([self.theta, self._beta])
        lower = np.concatenate([self._layout.lower_bounds(), np.full(self._beta.size, -np.inf)])
        if self.nagq == 0:
            return {"gradient": None, "Hessian": None}
        g, H, _ = derivatives(None, x, self.objective, HESSIAN_DELTA, lower,
                              many=prob.stage2_many(self._eta0))
        return {"gradient": g, "Hessian": H}

    @cached_property
    def vcov(self) -> pd.DataFrame:
        V = self._vcov_hessian()
        if V is None:
            V = self.vcov_rx
        return pd.DataFrame(V, index=self._labels(), columns=self._labels())

    def _vcov_hessian(self):
        if self.nagq == 0:
            return None
        H = self.derivatives["Hessian"]
        if H is None or not np.all(np.isfinite(H)):
            return None
        try:
            Hi = np.linalg.inv(H)
        except np.linalg.LinAlgError:
            return None
        k = self.theta.size
        V = Hi[k:, k:]
        V = V + V.T          # lme4's calc.vcov.hess: 2 H⁻¹ (deviance = −2 log L), symmetrised
        if not np.all(np.isfinite(V)) or np.linalg.eigvalsh(V).min() <= 0:
            return None
        return V

    @cached_property
    def vcov_rx(self) -> np.ndarray:
        """(R_X R_Xᵀ)⁻¹ at the modes' weights (lme4's ``vcov(use.hessian = FALSE)``)."""
        prob = self._problem
        mode = prob.pirls(self.theta, self._mode.eta)   # β solved too
        p = mode.sol.rx.shape[0]
        rinv = solve_triangular(mode.sol.rx, np.eye(p), lower=True) if p else np.zeros((0, 0))
        return rinv.T @ rinv

    @cached_property
    def stderr(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.vcov.to_numpy())), index=self.fixef.index,
                         name="Std. Error")

    @cached_property
    def zvalues(self) -> pd.Series:
        return (self.fixef / self.stderr).rename("z value")

    @property
    def tvalues(self) -> pd.Series:
        """The Wald statistics (z values for a GLMM; named ``tvalues`` as the LMM's)."""
        return self.zvalues

    @cached_property
    def pvalues(self) -> pd.Series:
        """Pr(>|z|) from the normal distribution, as glmer's summary."""
        return pd.Series(2.0 * stats.norm.sf(np.abs(self.zvalues.to_numpy())),
                         index=self.fixef.index, name="Pr(>|z|)")

    # -- random effects ------------------------------------------------------------
    @cached_property
    def _lambdas(self) -> list[np.ndarray]:
        return self._layout.lambdas(self.theta)

    def term_covariances(self) -> list[np.ndarray]:
        """λ_t λ_tᵀ: the covariance of each term's random effects (σ = 1)."""
        return [lam @ lam.T for lam in self._lambdas]

    @cached_property
    def varcorr(self) -> pd.DataFrame:
        """As lme4's ``as.data.frame(VarCorr(m))`` for a GLMM (no residual row)."""
        frame = varcorr_frame(self.model.terms, self.term_covariances(), 1.0)
        return frame[frame["grp"] != "Residual"].reset_index(drop=True)

    @cached_property
    def _modes(self) -> ConditionalModes:
        """b, ranef, condVar (Λ (LLᵀ)⁻¹ Λᵀ at the modes' weights) and SDs: modes.py."""
        return ConditionalModes(self.model.terms, self._lambdas, self._mode.u,
                                lambda: self._problem.pred.condvar_u(self.theta, self._mode.weights),
                                1.0)

    # -- fitted values ----------------------------------------------------------------
    @cached_property
    def linear_predictor(self) -> pd.Series:
        """η = offset + Xβ + Zb at the conditional modes."""
        return pd.Series(self._mode.eta, index=self.model.y.index, name="eta")

    @cached_property
    def fitted(self) -> pd.Series:
        """Fitted means μ = g⁻¹(η), on the response scale (lme4's ``fitted``)."""
        return pd.Series(self._mode.mu, index=self.model.y.index, name="fitted")

    @cached_property
    def deviance_residuals(self) -> pd.Series:
        resp = self._problem.resp
        d = np.clip(resp.dev_resid(self._mode.mu), 0, None)
        return pd.Series(np.sign(resp.y - self._mode.mu) * np.sqrt(d), index=self.model.y.index,
                         name="residuals")

    @cached_property
    def pearson_residuals(self) -> pd.Series:
        """(y − μ) √w / √V(μ): the summary's "scaled residuals" (lme4's type = "pearson")."""
        resp = self._problem.resp
        mu = self._mode.mu
        r = (resp.y - mu) * np.sqrt(resp.wt) / np.sqrt(resp.family.variance(mu))
        return pd.Series(r, index=self.model.y.index, name="pearson")

    def pearson_quantiles(self, probs) -> list[float]:
        """Quantiles of the Pearson residuals (the summary's "scaled residuals")."""
        return [float(v) for v in np.quantile(self.pearson_residuals.to_numpy(), probs)]

    @property
    def residuals(self) -> pd.Series:
        """Deviance residuals (lme4's default ``residuals()`` for a GLMM)."""
        return self.deviance_residuals

    def predict(self, newdata: pd.DataFrame | None = None, type: str = "link",
                include_random: bool = True, allow_new_levels: bool = False) -> pd.Series:
        """Predictions on the link scale (``type="link"``, lme4's default) or the
        response scale (``type="response"``); new grouping levels are refused unless
        ``allow_new_levels`` (then no random effect), as lme4."""
        from mixeq.fitting.glmm.predict import predict_glmm

        return predict_glmm(self, newdata, type, include_random, allow_new_levels)

    # -- likelihood ----------------------------------------------------------------
    @property
    def npar(self) -> int:
        """β and θ (no scale parameter for binomial and Poisson)."""
        return len(self._beta) + len(self.theta)

    @property
    def loglik(self) -> float:
        return -0.5 * self.objective

    @property
    def deviance(self) -> float:
        """Σ d_i at the conditional modes: lme4's ``deviance()`` of a glmer fit."""
        return float(self._problem.resp.dev_resid(self._mode.mu).sum())

    @property
    def reml_criterion(self):
        return None

    @property
    def aic(self) -> float:
        return self.objective + 2.0 * self.npar

    @property
    def bic(self) -> float:
        return self.objective + self.npar * log(self.nobs)

    @property
    def df_resid(self) -> int:
        return self.nobs - self.npar

    @cached_property
    def convergence(self):
        """lme4's checkConv over (θ, β) at the optimum, from the same derivatives as the
        standard errors (glmer computes them by default): scaled gradient and Hessian
        tests, lme4's messages (``mixeq.fitting.convergence``)."""
        from mixeq.fitting import convergence as cv

        if self.nagq == 0:
            return cv.ConvergenceCheck(checked=False, reason="nAGQ = 0: no derivatives (as lme4)")
        if cv.is_singular(self.theta, self._layout.lower_bounds()):
            return cv.ConvergenceCheck(checked=False, singular=True,
                                       reason="singular fit: derivatives not checked")
        d = self.derivatives
        out = cv.ConvergenceCheck(checked=True, gradient=d["gradient"], hessian=d["Hessian"],
                                  evaluations=1 + 2 * d["gradient"].size ** 2)
        if not np.all(np.isfinite(out.gradient)):
            out.messages.append("Gradient contains NAs")
            return out
        cv._gradient_check(out)
        cv._hessian_check(out)
        return out

    @property
    def converged(self) -> bool:
        """The optimiser stopped normally and lme4's convergence check raised nothing."""
        return bool(self.optimizer_summary.converged) and self.convergence.ok

    @property
    def singular(self) -> bool:
        return bool(np.any(self.theta[self._layout.diagonal] < SINGULAR_TOL))

    # -- refits and reports ------------------------------------------------------------
    def refit(self, reml: bool = False, **changes) -> "GlmmFit":
        """The same model with changed fit options (``nagq=``, ``optimizer=`` …)."""
        if reml:
            from mixeq.errors import FitError

            raise FitError("a GLMM has no REML criterion; refit(nagq=…) changes the approximation")
        if not changes:
            return self
        from mixeq.fitting.glmm.fit import fit_glmm

        return fit_glmm(self.model, **self.options.with_(**changes).kwargs())

    # -- inference (mixeq/inference) ---------------------------------------------------
    def confint(self, method: str = "profile", level: float = 0.95, nsim: int = 1000,
                seed=None) -> pd.DataFrame:
        """lme4's ``confint(m, method = "Wald" | "profile" | "boot", oldNames = FALSE)``:
        rows sd_(Intercept)|g …, then β (Wald: NA for the SDs, as lme4)."""
        from mixeq.inference.confint import confint

        return confint(self, method, level, nsim, seed)

    def coef_table(self, ddf=None) -> pd.DataFrame:
        """glmer's ``coef(summary(m))``: Estimate, Std. Error, z value, Pr(>|z|)."""
        return pd.concat([self.fixef, self.stderr, self.zvalues, self.pvalues], axis=1)

    def profile(self) -> pd.DataFrame:
        """The deviance profile's traces (``.zeta``, every parameter, ``.par``), lme4's profile()."""
        from mixeq.inference.confint import fit_profile

        return fit_profile(self).table.copy()

    def simulate(self, nsim: int = 1, seed=None, conditional: bool = False) -> pd.DataFrame:
        """Responses simulated from the fit (n × nsim; binomial trials: the successes),
        new random effects unless ``conditional`` (lme4's use.u = TRUE)."""
        from mixeq.inference.glmm_simulate import simulate_glmm

        return simulate_glmm(self, nsim, seed, conditional)

    def bootstrap(self, nsim: int = 1000, seed=None) -> pd.DataFrame:
        """Parametric bootstrap: a table of θ and β, one row per replicate."""
        from mixeq.inference.bootstrap import bootstrap

        return bootstrap(self, nsim, seed).table

    @property
    def plot(self):
        """Pictures: ``fit.plot.caterpillar()``, ``.residuals()`` (deviance residuals),
        ``.qq()``, ``.z()``, ``.lambda_theta()``."""
        from mixeq.plot import FitPlots

        return FitPlots(self)

    def report(self, path=None, **options) -> str:
        """One self-contained HTML page of this fit (see :func:`mixeq.report.report`);
        GLMM equations are not written yet, so the page says so in their place."""
        from mixeq.report import report

        return report(self, path=path, **options)

    def summary(self, ddf=None) -> str:
        """glmer's summary (z tests: ``ddf`` does not apply and is ignored)."""
        from mixeq.fitting.glmm.summary import glmm_summary_text

        return glmm_summary_text(self)

    def to_reference_dict(self) -> dict:
        from mixeq.fitting.export import reference_dict

        out = reference_dict(self)
        out.update(family=self.family.name, link=self.family.link.name, nAGQ=self.nagq,
                   weights=None, fitted_head=self.fitted.to_numpy()[:10].tolist(),
                   convergence=self.convergence.as_dict())
        return out

    def __repr__(self) -> str:
        return (f"<GlmmFit {self.model.spec.canonical()!r} {self.family}: deviance "
                f"{self.objective:.4f}, {len(self.theta)} θ, n={self.nobs}>")
