"""A binomial or Poisson GLM's link, variance, working weights and deviance as
engine expressions (Ibis: the same expression runs in DuckDB, Spark, …), written
as mixeq/fitting/family.py computes them in memory — the same formulas and R's
clamps (|η| > 30 for the logit, ε for μ and dμ/dη) — so that a PIRLS step summed
by an engine is the in-memory step to rounding.

Only arithmetic, ``exp`` and ``ln`` are used: every SQL engine has them. Where a
numpy function has no SQL twin it is written out: ``expm1`` for the cloglog link
by Kahan's formula (u − 1)·x/ln u with u = eˣ, and the normal CDF
Φ of the probit link by W. J. Cody's rational approximations of erfc (probit.py).
"""
from __future__ import annotations

import ibis
import numpy as np

from mixeq.errors import FitError
from mixeq.fitting.family import EPS, LOGIT_LIMIT, PROBIT_LIMIT

THRESH, PROBIT_THRESH = LOGIT_LIMIT, PROBIT_LIMIT  # R's link limits (family.py)
LINKS = {"binomial": ("logit", "cloglog", "probit"), "poisson": ("log",)}


def _f(v: float):
    return ibis.literal(float(v), type="float64")


def check_link(family) -> None:
    links = LINKS.get(family.name, ())
    if family.link.name not in links:
        raise FitError(f"the {family} GLMM cannot be fitted by passes over a database's rows "
                       f"(links there: binomial {', '.join(LINKS['binomial'])}; poisson "
                       f"{', '.join(LINKS['poisson'])}); use remote_glmm='cells' or load the data")


def linkinv(link: str, eta):
    """μ = g⁻¹(η), clamped as family.py's links."""
    if link == "logit":
        t = ibis.least(eta, _f(THRESH)).exp()            # R's t/(1 + t), as family.py
        mu = t / (1.0 + t)
        return ibis.cases((eta < -THRESH, _f(EPS / (1.0 + EPS))),
                          (eta > THRESH, _f(1.0 / (1.0 + EPS))), else_=mu)
    if link == "log":
        return ibis.greatest(eta.exp(), _f(EPS))
    if link == "cloglog":
        x = ibis.least(eta, _f(700.0)).exp()
        u = (-x).exp()                      # −expm1(−x) = (1 − u) x / (−ln u): Kahan's
        one = u == 1.0                      # expm1, a few ulps (Higham 2002, §1.14.1)
        kahan = (u - 1.0) * x / ibis.ifelse(one, _f(1.0), u.ln())
        mu = ibis.ifelse(one, x, ibis.ifelse(x < 1.0, kahan, 1.0 - u))
        return ibis.least(ibis.greatest(mu, _f(EPS)), _f(1.0 - EPS))
    if link == "probit":
        from mixeq.remote.probit import ndtr

        return ndtr(ibis.least(ibis.greatest(eta, _f(-PROBIT_THRESH)), _f(PROBIT_THRESH)))
    raise FitError(f"no engine expression for the {link} link")


def mu_eta(link: str, eta, mu):
    """dμ/dη as the in-memory PIRLS takes it (from μ where family.py does)."""
    if link == "logit":
        return ibis.greatest(mu * (1.0 - mu), _f(EPS))
    if link == "log":
        return mu
    if link == "cloglog":
        e = ibis.least(eta, _f(700.0))
        return ibis.greatest(e.exp() * (-(e.exp())).exp(), _f(EPS))
    if link == "probit":
        return ibis.greatest((eta * eta * -0.5).exp() / float(np.sqrt(2.0 * np.pi)), _f(EPS))
    raise FitError(f"no engine expression for the {link} link")


def variance(family: str, mu):
    return mu * (1.0 - mu) if family == "binomial" else mu


def _xlogy(x, y):
    """x log y, 0 where x = 0 (scipy's xlogy)."""
    return ibis.ifelse(x == 0.0, _f(0.0), x * ibis.greatest(y, _f(1e-300)).ln())


def deviance_part(family: str, y, mu, wt):
    """The μ-dependent share of a row's deviance residual: d_i = 2 wt c(y) + this,
    with c(y) summed once over the distinct responses (glmm.py's constants)."""
    if family == "binomial":
        return -2.0 * wt * (_xlogy(y, mu) + _xlogy(1.0 - y, 1.0 - mu))
    return 2.0 * wt * (mu - _xlogy(y, mu))


def mustart_eta(family, t):
    """``t`` (columns _y, _wt) with _eta = g(μ) at R's starting means (family.py's
    ``initialize``)."""
    link = family.link.name
    y, wt = t["_y"], t["_wt"]
    if family.name == "poisson":
        return t.mutate(_eta=(y + 0.1).ln())
    mu = (wt * y + 0.5) / (wt + 1.0)
    if link == "logit":
        return t.mutate(_eta=(mu / (1.0 - mu)).ln())
    if link == "cloglog":
        return t.mutate(_eta=(-((1.0 - mu).ln())).ln())
    if link == "probit":
        from mixeq.remote.probit import ndtri_column

        return ndtri_column(t.mutate(_mus=mu), "_mus", "_eta").drop("_mus")
    raise FitError(f"no engine expression for the {link} link")


def working(family, t):
    """``t`` (columns _eta, _fixed, _y, _wt) with w, z and the deviance part of a PIRLS
    step at η: w = wt μ'²/V(μ), the working response z = η − fixed + (y − μ)/μ'
    (pirls.py), and ``deviance_part`` at μ. μ and μ' are columns of their own
    selects, so that an engine plans g⁻¹ (the probit's Φ is long) once, not at each use."""
    link = family.link.name
    if link == "probit":
        from mixeq.remote.probit import ndtr_column

        t = t.mutate(_ceta=ibis.least(ibis.greatest(t["_eta"], _f(-PROBIT_THRESH)),
                                      _f(PROBIT_THRESH)))
        t = ndtr_column(t, "_ceta", "_mu").drop("_ceta")
    else:
        t = t.mutate(_mu=linkinv(link, t["_eta"]))
    t = t.mutate(_d=mu_eta(link, t["_eta"], t["_mu"]))
    mu, d = t["_mu"], t["_d"]
    return t.mutate(_w=t["_wt"] * d * d / variance(family.name, mu),
                    _z=t["_eta"] - t["_fixed"] + (t["_y"] - mu) / d,
                    _dev=deviance_part(family.name, t["_y"], mu, t["_wt"]))
