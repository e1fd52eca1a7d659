"""``FitResult``: a fitted linear mixed model, with lme4's accessors.

Everything beyond θ, β and the factor's numbers is computed on first use, so a
fit costs the optimisation and nothing else.
"""
from __future__ import annotations

from functools import cached_property
from math import log

import numpy as np
import pandas as pd
from scipy.linalg import solve_triangular

from mixeq.fitting.components import varcorr_frame
from mixeq.fitting.criterion import Factorization, sigma_hat
from mixeq.fitting.modes import ConditionalModes, ModesAccess

SINGULAR_TOL = 1e-4  # lme4's isSingular(tol = 1e-4)


class FitResult(ModesAccess):
    """A linear mixed model fitted by REML (``reml=True``) or ML."""

    quantile_note = None   # residual quantiles from the rows are exact (a remote fit's may not be)

    def __init__(self, model, reml: bool, factor, layout, summary, fz: Factorization):
        self.model = model
        self.reml = bool(reml)
        self._factor = factor
        self._layout = layout
        self.optimizer_summary = summary
        self._fz = fz
        self.theta = np.asarray(summary.theta, dtype=float)
        self.theta_names = list(layout.names)
        self.objective = float(summary.objective)
        self.nobs = int(model.nobs)
        self.sigma = sigma_hat(fz.pwrss, self.nobs, len(fz.beta), self.reml)

    # -- fixed effects ---------------------------------------------------------
    @cached_property
    def fixef(self) -> pd.Series:
        return pd.Series(self._fz.beta, index=list(self.model.X.columns), name="Estimate")

    @cached_property
    def vcov(self) -> pd.DataFrame:
        p = len(self._fz.beta)
        rinv = solve_triangular(self._fz.rx, np.eye(p), lower=True) if p else np.zeros((0, 0))
        cols = list(self.model.X.columns)
        return pd.DataFrame(self.sigma ** 2 * rinv.T @ rinv, index=cols, columns=cols)

    @cached_property
    def stderr(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.vcov.to_numpy())), index=self.fixef.index,
                         name="Std. Error")

    @cached_property
    def tvalues(self) -> pd.Series:
        return (self.fixef / self.stderr).rename("t value")

    # -- random effects ----------------------------------------------------------
    @cached_property
    def _lambdas(self) -> list[np.ndarray]:
        return self._layout.lambdas(self.theta)

    def term_covariances(self) -> list[np.ndarray]:
        """σ² λ_t λ_tᵀ: the k × k covariance of each term's random effects."""
        return [self.sigma ** 2 * lam @ lam.T for lam in self._lambdas]

    @cached_property
    def varcorr(self) -> pd.DataFrame:
        """As lme4's ``as.data.frame(VarCorr(m))``: grp, var1, var2, vcov, sdcor."""
        return varcorr_frame(self.model.terms, self.term_covariances(), self.sigma)

    @cached_property
    def _modes(self) -> ConditionalModes:
        """b, ranef, condVar (σ² Λ (LLᵀ)⁻¹ Λᵀ) and their SDs: modes.py."""
        return ConditionalModes(self.model.terms, self._lambdas, self._fz.u,
                                lambda: self._factor.condvar_u(self.theta), self.sigma ** 2)

    # -- fitted values -------------------------------------------------------------
    @cached_property
    def fitted(self) -> pd.Series:
        values = self.model.X.to_numpy() @ self._fz.beta
        for term, b in zip(self.model.terms, self._b):
            values = values + np.einsum("ik,ik->i", term.matrix, b[term.codes])
        offset = getattr(self.model, "offset", None)
        if offset is not None:
            values = values + offset
        return pd.Series(values, index=self.model.y.index, name="fitted")

    @cached_property
    def residuals(self) -> pd.Series:
        return (self.model.y - self.fitted).rename("residuals")

    def predict(self, newdata: pd.DataFrame | None = None, include_random: bool = True,
                interval: str | None = None, level: float = 0.95,
                allow_new_levels: bool = False):
        """Predictions; a grouping level not in the fit is refused unless
        ``allow_new_levels`` (lme4's rule), then it (and ``include_random=False``) uses
        the population (fixed-effects) prediction; a new level of a fixed-effect factor
        is refused; a row with a missing predictor is NA. With ``interval="confidence"`` or
        ``"prediction"``: a table fit, se, lwr, upr (mixeq/inference/predict_interval.py)."""
        if interval is not None:
            from mixeq.inference.predict_interval import predict_interval

            return predict_interval(self, newdata, interval, level, include_random,
                                    allow_new_levels)
        from mixeq.fitting.predict import predict

        return predict(self, newdata, include_random, allow_new_levels)

    # -- inference (mixeq/inference) ------------------------------------------------
    def coef_table(self, ddf: str = "satterthwaite"):
        """Estimate, Std. Error, df, t value, Pr(>|t|) as lmerTest's summary
        (``ddf``: "satterthwaite", "kenward-roger" (REML fits) or "lme4": no df)."""
        from mixeq.inference import coef_table

        return coef_table(self, ddf)

    def confint(self, method: str = "profile", level: float = 0.95, nsim: int = 1000, seed=None):
        """Intervals named as lme4's ``confint(oldNames = FALSE)``; ``method``:
        "wald", "profile" or "bootstrap" (parametric, ``nsim`` replicates)."""
        from mixeq.inference.confint import confint

        return confint(self, method, level, nsim, seed)

    def profile(self):
        """The likelihood-profile traces (``.zeta``, every parameter, ``.par``) as lme4's profile()."""
        from mixeq.inference.state import cached
        from mixeq.inference.profile import profile_fit

        return cached(self, "profile", lambda _acc: profile_fit(self)).table.copy()

    def simulate(self, nsim: int = 1, seed=None, conditional: bool = False):
        """Responses simulated from the fit (n × nsim), new random effects unless ``conditional``."""
        from mixeq.inference.simulate import simulate

        return simulate(self, nsim, seed, conditional)

    def bootstrap(self, nsim: int = 1000, seed=None):
        """Parametric bootstrap: a table of θ, β and σ, one row per replicate."""
        from mixeq.inference.bootstrap import bootstrap

        return bootstrap(self, nsim, seed).table

    def icc(self):
        """Intra-class correlation per grouping factor (adjusted ICC, Nakagawa et al. 2017)."""
        from mixeq.inference.r2 import icc

        return icc(self)

    def r2(self):
        """Nakagawa–Schielzeth marginal and conditional R²."""
        from mixeq.inference.r2 import r2

        return r2(self)

    # -- likelihood ---------------------------------------------------------------
    @property
    def npar(self) -> int:
        """Parameters counted by lme4's AIC: β, θ and σ."""
        return len(self._fz.beta) + len(self.theta) + 1

    @property
    def loglik(self) -> float:
        """Log-likelihood (ML fits) or log restricted likelihood (REML fits), as lme4's logLik."""
        return -0.5 * self.objective

    @property
    def deviance(self) -> float | None:
        """−2 log-likelihood of an ML fit; None for REML fits (see ``reml_criterion``)."""
        return None if self.reml else self.objective

    @property
    def reml_criterion(self) -> float | None:
        """lme4's REMLcrit; None for ML fits."""
        return self.objective if self.reml else None

    @property
    def aic(self) -> float:
        return self.objective + 2.0 * self.npar

    @property
    def bic(self) -> float:
        return self.objective + self.npar * log(self.nobs)

    @property
    def converged(self) -> bool:
        """The optimiser stopped normally and lme4's convergence check at the optimum
        (gradient, Hessian: ``convergence``) raised nothing."""
        check = self.convergence
        return bool(self.optimizer_summary.converged) and (check is None or check.ok)

    @property
    def convergence(self):
        """lme4's checkConv at the optimum: gradient, Hessian, messages (convergence.py)."""
        return getattr(self.optimizer_summary, "convergence", None)

    @property
    def singular(self) -> bool:
        """lme4's isSingular: a diagonal element of some λ at (or near) zero."""
        diag = self._layout.diagonal
        return bool(np.any(self.theta[diag] < SINGULAR_TOL))

    # -- refits and reports --------------------------------------------------------
    def refit(self, reml: bool) -> "FitResult":
        """The same model fitted by the other criterion (returns self if already so)."""
        if bool(reml) == self.reml:
            return self
        from mixeq.fitting.engine import fit_model, fit_with

        opts = getattr(self, "options", None)
        if opts is None:
            return fit_model(self.model, reml=reml, optimizer=self.optimizer_summary.backend.split(":")[1])
        # the same options record (optimizer, factor, start, tolerances, checks) by the other criterion
        return fit_with(self.model, opts.with_(reml=bool(reml)))

    def summary(self, ddf: str = "satterthwaite") -> str:
        """lmerTest's layout: t tests with ``ddf`` df ("satterthwaite", "kenward-roger"),
        or lme4's (``ddf="lme4"``: t values only)."""
        from mixeq.fitting.summary import summary_text

        return summary_text(self, ddf)

    @property
    def plot(self):
        """Pictures: ``fit.plot.caterpillar()``, ``.residuals()``, ``.qq()``, ``.z()``, ``.lambda_theta()``."""
        from mixeq.plot import FitPlots

        return FitPlots(self)

    def report(self, path=None, **options) -> str:
        """One self-contained HTML page of this fit (see :func:`mixeq.report.report`)."""
        from mixeq.report import report

        return report(self, path=path, **options)

    def to_reference_dict(self) -> dict:
        from mixeq.fitting.export import reference_dict

        return reference_dict(self)

    def __repr__(self) -> str:
        crit = "REML criterion" if self.reml else "deviance"
        return (f"<FitResult {self.model.spec.canonical()!r}: {crit} {self.objective:.4f}, "
                f"σ {self.sigma:.4g}, {len(self.theta)} θ, n={self.nobs}>")
