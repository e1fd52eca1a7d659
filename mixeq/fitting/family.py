"""GLM families and links as small plain objects, as R's ``family`` objects
(``binomial()``, ``poisson()``, ``gaussian()``) and lme4's glmFamily.cpp define them.

A :class:`Link` maps the mean μ to the linear predictor η (``linkfun``), back
(``linkinv``) and gives dμ/dη (``mu_eta``), each clamped away from 0 and 1 with
R's thresholds so that PIRLS weights stay finite. A :class:`Family` adds the
variance function, the deviance residuals and R's ``aic`` (−2 log-likelihood,
before the 2k penalty) — lme4's Laplace criterion is ``log|L|² + ‖u‖² + aic``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import special, stats

from mixeq.errors import DataError, FitError

EPS = np.finfo(float).eps
LOGIT_LIMIT = 30.0                  # R's logit link: exp() clamped beyond |η| > 30
LOG_EPS = float(np.log(EPS))        # R's log link: e^η clamped below ε, i.e. η < log ε
PROBIT_LIMIT = float(-stats.norm.ppf(EPS))   # R's probit link: η clipped to ±this


# -- links --------------------------------------------------------------------
def _logit_inv(eta):
    """R's logit linkinv: t/(1 + t), t = e^η, with |η| > 30 giving ε/(1 + ε) and
    1/(1 + ε) (R's formula, and a third of expit's time)."""
    t = np.exp(eta)
    mu = t / (1.0 + t)
    if eta.size and np.maximum.reduce(np.abs(eta), axis=None) > LOGIT_LIMIT:
        mu[eta < -LOGIT_LIMIT] = EPS / (1.0 + EPS)
        mu[eta > LOGIT_LIMIT] = 1.0 / (1.0 + EPS)
    return mu


def _logit_mu_eta(eta):
    """R's logit mu.eta: e^η/(1 + e^η)², ε beyond |η| > 30."""
    mu = special.expit(eta)
    out = mu * (1.0 - mu)
    if eta.size and (eta.min() < -LOGIT_LIMIT or eta.max() > LOGIT_LIMIT):
        out[np.abs(eta) > LOGIT_LIMIT] = EPS
    return np.maximum(out, EPS, out=out)


def _probit_inv(eta):
    return special.ndtr(np.clip(eta, -PROBIT_LIMIT, PROBIT_LIMIT))


def _probit_mu_eta(eta):
    return np.maximum(np.exp(-0.5 * eta * eta) / np.sqrt(2.0 * np.pi), EPS)


def _cloglog_inv(eta):
    return np.clip(-np.expm1(-np.exp(np.minimum(eta, 700.0))), EPS, 1.0 - EPS)


def _cloglog_mu_eta(eta):
    e = np.minimum(eta, 700.0)
    return np.maximum(np.exp(e) * np.exp(-np.exp(e)), EPS)


@dataclass(frozen=True)
class Link:
    """g (``linkfun``: μ → η), g⁻¹ (``linkinv``) and dμ/dη (``mu_eta``)."""

    name: str
    linkfun: Callable = field(repr=False)
    linkinv: Callable = field(repr=False)
    mu_eta: Callable = field(repr=False)
    mu_eta_of_mu: Callable | None = field(default=None, repr=False)  # dμ/dη from μ, when cheaper


LINKS = {
    "logit": Link("logit", special.logit, _logit_inv, _logit_mu_eta,
                  lambda mu: np.maximum(mu * (1.0 - mu), EPS)),
    "probit": Link("probit", special.ndtri, _probit_inv, _probit_mu_eta),
    "cloglog": Link("cloglog", lambda mu: np.log(-np.log1p(-mu)), _cloglog_inv, _cloglog_mu_eta),
    "log": Link("log", np.log, lambda eta: np.maximum(np.exp(eta), EPS),
                lambda eta: np.maximum(np.exp(eta), EPS), lambda mu: mu),
    "identity": Link("identity", lambda mu: np.asarray(mu, dtype=float),
                     lambda eta: np.asarray(eta, dtype=float), lambda eta: np.ones_like(eta)),
}


# -- families -------------------------------------------------------------------
def _ylogy(y, mu):
    """y log(y/μ), 0 where y = 0 (R's y_log_y)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)


@dataclass(frozen=True)
class Family:
    """A GLM family with its link (R's ``family`` object)."""

    name: str
    link: Link
    links: tuple[str, ...] = field(default=(), repr=False)

    # R's family functions ---------------------------------------------------
    def variance(self, mu: np.ndarray) -> np.ndarray:
        if self.name == "binomial":
            return mu * (1.0 - mu)
        if self.name == "poisson":
            return mu
        return np.ones_like(mu)

    def dev_resid(self, y, mu, wt) -> np.ndarray:
        """Deviance residuals d_i (their sum is the deviance; lme4's devResid)."""
        if self.name == "binomial":
            return 2.0 * wt * (_ylogy(y, mu) + _ylogy(1.0 - y, 1.0 - mu))
        if self.name == "poisson":
            return 2.0 * wt * (_ylogy(y, mu) - (y - mu))
        return wt * (y - mu) ** 2

    def aic(self, y, n, mu, wt) -> float:
        """R's ``family$aic`` without the 2k: −2 Σ log f(y_i; μ_i) with prior weights."""
        if self.name in ("binomial", "poisson"):
            return float(np.sum(self.aic_terms(y, n, mu, wt)))
        nobs = y.size
        dev = float(np.sum(self.dev_resid(y, mu, wt)))
        return float(nobs * (np.log(2.0 * np.pi * dev / nobs) + 1.0) + 2.0 - np.sum(np.log(wt)))

    def aic_terms(self, y, n, mu, wt) -> np.ndarray:
        """Each row's share of a binomial or Poisson ``aic``: −2 × its prior-weighted
        log-probability (a remote fit sums them over distinct responses × counts)."""
        if self.name == "binomial":
            m = np.rint(n if np.any(n > 1) else wt)
            k = np.rint(m * y)
            scale = np.where(m > 0, wt / np.where(m > 0, m, 1.0), 0.0)
            return -2.0 * scale * stats.binom.logpmf(k, m, mu)
        if self.name == "poisson":
            return -2.0 * wt * stats.poisson.logpmf(y, mu)
        raise FitError(f"aic_terms: not defined for the {self.name} family")

    def kernel(self, y, n, wt) -> "Kernel":
        """The same deviance residuals and aic with everything that depends on y
        alone computed once (PIRLS evaluates them many times per fit)."""
        return Kernel(self, y, n, wt)

    def loglik(self, y, n, mu, wt) -> float:
        return -0.5 * self.aic(y, n, mu, wt)

    def initialize(self, y, wt) -> np.ndarray:
        """Starting means, as R's ``family$initialize`` sets ``mustart``."""
        if self.name == "binomial":
            return (wt * y + 0.5) / (wt + 1.0)
        if self.name == "poisson":
            return y + 0.1
        return np.asarray(y, dtype=float).copy()

    @property
    def has_scale(self) -> bool:
        """Whether the family has a dispersion parameter σ (only the Gaussian here)."""
        return self.name == "gaussian"

    @property
    def is_gaussian_identity(self) -> bool:
        return self.name == "gaussian" and self.link.name == "identity"

    def __str__(self) -> str:
        return f"{self.name} ( {self.link.name} )"


class Kernel:
    """``dev_resid`` and ``aic`` of one family for fixed y, n and weights, with the
    y-only terms precomputed (y log y, log binomial coefficients, log y!)."""

    def __init__(self, family: Family, y, n, wt):
        self.family, self.y, self.wt = family, y, wt
        self.name = family.name
        self.binary = None
        self.offset_c = None   # aic = Σ d_i + offset_c when that holds for every μ
        self.wt2 = 2.0 * np.asarray(wt, dtype=float)
        if self.name == "binomial":
            if np.all((y == 0.0) | (y == 1.0)):
                self.binary = y > 0.0
            self.c = special.xlogy(y, y) + special.xlogy(1.0 - y, 1.0 - y)
            self.y1 = 1.0 - y
            m = np.rint(n if np.any(n > 1) else wt)
            k = np.rint(m * y)
            self.k, self.mk = k, m - k
            self.scale = np.where(m > 0, wt / np.where(m > 0, m, 1.0), 0.0)
            self.const = float(np.sum(self.scale * (special.gammaln(m + 1) - special.gammaln(k + 1)
                                                    - special.gammaln(m - k + 1))))
            if _close(k, m * y, 0.0, 1e-9) and _close(self.scale * m, wt, 1e-5, 1e-8):
                # k log μ + (m − k) log(1 − μ) = −(d/2) + terms free of μ
                self.offset_c = -2.0 * self.const - float(np.sum(wt * 2.0 * self.c))
        elif self.name == "poisson":
            self.c = special.xlogy(y, y) - y
            self.const = float(-np.sum(wt * special.gammaln(y + 1)))
            self.offset_c = -2.0 * self.const - float(np.sum(2.0 * wt * self.c))

    def dev_resid(self, mu):
        if self.binary is not None:   # 0/1 responses: −2 w log μ or −2 w log(1 − μ)
            return (-2.0 * self.wt) * np.log(np.where(self.binary, mu, 1.0 - mu))
        if self.name == "binomial":
            return (2.0 * self.wt) * self._binomial_core(mu)
        if self.name == "poisson":
            return (2.0 * self.wt) * (self.c - special.xlogy(self.y, mu) + mu)
        return self.family.dev_resid(self.y, mu, self.wt)

    def _binomial_core(self, mu):
        """c − y log μ − (1 − y) log(1 − μ): by plain logs (the links keep μ inside
        (0, 1)), by xlogy (0 log 0 = 0) when a μ sits on 0 or 1."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.c - self.y * np.log(mu) - self.y1 * np.log(1.0 - mu)
        if not np.isfinite(out.sum()):
            out = self.c - special.xlogy(self.y, mu) - special.xlogy(self.y1, 1.0 - mu)
        return out

    def deviance(self, mu) -> float:
        """Σ d_i (``dev_resid``'s sum; for binomial and Poisson as one dot product with
        the prior weights, PIRLS's most frequent call)."""
        if self.binary is not None:
            return float(self.wt2 @ np.log(np.where(self.binary, mu, 1.0 - mu))) * -1.0
        if self.name == "binomial":
            with np.errstate(divide="ignore", invalid="ignore"):
                dev = float(self.wt2 @ (self.c - self.y * np.log(mu) - self.y1 * np.log(1.0 - mu)))
            return dev if math.isfinite(dev) else float(self.wt2 @ self._binomial_core(mu))
        if self.name == "poisson":
            return float(self.wt2 @ (self.c - special.xlogy(self.y, mu) + mu))
        return float(self.dev_resid(mu).sum())

    def aic(self, mu) -> float:
        if self.name == "binomial":
            ll = self.const + float(self.scale @ (special.xlogy(self.k, mu) + special.xlogy(self.mk, 1.0 - mu)))
            return -2.0 * ll
        if self.name == "poisson":
            return -2.0 * (self.const + float(self.wt @ (special.xlogy(self.y, mu) - mu)))
        return self.family.aic(self.y, np.ones_like(self.y), mu, self.wt)


def _close(a, b, rtol: float, atol: float) -> bool:
    """np.allclose(a, b, rtol, atol) for finite arrays, |a − b| ≤ atol + rtol |b| (without
    isclose's handling of infinities: ~10 µs a call)."""
    return bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


_FAMILIES = {
    "binomial": ("logit", ("logit", "probit", "cloglog")),
    "poisson": ("log", ("log", "identity")),
    "gaussian": ("identity", ("identity", "log")),
}


def make_family(name: str, link: str | None = None) -> Family:
    if name not in _FAMILIES:
        raise FitError(f"unknown family {name!r}; choose one of "
                       f"{', '.join(repr(f) for f in _FAMILIES)} (or mixeq.Binomial(), mixeq.Poisson())")
    default, allowed = _FAMILIES[name]
    link = default if link is None else link
    if link not in allowed:
        raise FitError(f"the {name} family takes the link {', '.join(repr(a) for a in allowed)}, "
                       f"not {link!r}")
    return Family(name, LINKS[link], allowed)


def Binomial(link: str = "logit") -> Family:
    """The binomial family (R's ``binomial(link = "logit")``): logit, probit or cloglog."""
    return make_family("binomial", link)


def Poisson(link: str = "log") -> Family:
    """The Poisson family (R's ``poisson(link = "log")``)."""
    return make_family("poisson", link)


def Gaussian(link: str = "identity") -> Family:
    """The Gaussian family: with the identity link, a linear mixed model (lmer)."""
    return make_family("gaussian", link)


def get_family(family, link: str | None = None) -> Family:
    """A :class:`Family` from a name (``"binomial"``), a Family, or None (Gaussian)."""
    if family is None:
        return make_family("gaussian", link)
    if isinstance(family, Family):
        if link is not None and link != family.link.name:
            return make_family(family.name, link)
        return family
    if isinstance(family, str):
        return make_family(family.strip().lower(), link)
    raise FitError(f"family must be a name such as 'binomial' or 'poisson' or mixeq.Binomial(), "
                   f"not {type(family).__name__}")


def check_response(family: Family, y: np.ndarray, name: str, weighted: bool) -> None:
    """Refuse responses the family cannot have (R's ``family$initialize`` checks)."""
    if family.name == "binomial":
        if np.any((y < 0) | (y > 1)):
            bad = y[(y < 0) | (y > 1)][0]
            hint = ("give the number of trials with weights= and the proportion as response, "
                    "or write cbind(successes, failures)") if not weighted else \
                "a proportion response must lie in [0, 1]"
            raise DataError(f"the binomial response '{name}' has values outside [0, 1] "
                            f"(e.g. {bad:g}): {hint}")
    elif family.name == "poisson":
        if np.any(y < 0):
            raise DataError(f"the Poisson response '{name}' has negative values; counts are ≥ 0")
        if np.any(np.abs(y - np.rint(y)) > 1e-8):
            bad = y[np.abs(y - np.rint(y)) > 1e-8][0]
            raise DataError(f"the Poisson response '{name}' has non-integer values (e.g. {bad:g}); "
                            "a count must be a whole number (for rates, model the count with "
                            "offset(log(exposure)))")
