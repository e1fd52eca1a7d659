"""Likelihood profiles of a GLMM's parameters, as lme4's ``profile.merMod`` does for a
glmer fit (lme4 1.1-31, R/profile.R; Bates et al. 2015, JSS 67(1), §5.1).

The criterion is the fit's own deviance over (θ, β) — the Laplace approximation, or
adaptive Gauss–Hermite for nAGQ > 1 (lme4's ``devfun`` of the fit, through
``GlmmAccess.deviance``) — with the variance parameters on the standard-deviation
scale (per term its SDs and correlations in θ's order; σ = 1, so θ = chol(Σ)). Unlike
an LMM's profile, no parameter is profiled out in closed form: every parameter, the
fixed effects included, is held at a value x while BOBYQA minimises the deviance over
all the others, ζ(x) = sign(x − x̂) √(d(x) − d̂).

The steps are lme4's (shared with profile.py): the first 1 % from the estimate (1e-3
from a zero), then linear extrapolation in ζ by cutoff/8, until |ζ| passes
√χ²₀.₉₉(number of parameters) or a bound; each inner fit starts from the previous
point's optimum (lme4's ``startmethod = "prev"``), and PIRLS from the previous η.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from mixeq.inference import varcomp
from mixeq.inference.access import GlmmAccess
from mixeq.inference.optim import bobyqa
from mixeq.inference.profile import DEVTOL, Profile, _fill, profile_table


class GlmmProfiler:
    def __init__(self, acc: GlmmAccess, alphamax: float = 0.01, delta_cutoff: float = 0.125):
        self.acc = acc
        self.base = acc.objective
        self.vp_names = varcomp.names(acc)[:-1]          # no residual σ in a GLMM
        self.nvp = len(self.vp_names)
        kinds = varcomp.kinds(acc)[:-1]
        self.names = self.vp_names + list(acc.names)
        self.opt = np.concatenate([varcomp.to_sdcor(acc, acc.theta, 1.0)[:-1], acc.beta])
        self.cutoff = float(np.sqrt(stats.chi2.ppf(1 - alphamax, len(self.opt))))
        self.delta = self.cutoff * delta_cutoff
        self.lower = np.concatenate([[0.0 if k == "sd" else -1.0 for k in kinds],
                                     np.full(acc.p, -np.inf)])
        self.upper = np.concatenate([[np.inf if k == "sd" else 1.0 for k in kinds],
                                     np.full(acc.p, np.inf)])

    def dev(self, x: np.ndarray) -> float:
        """The deviance at x = (sd, cor …, β)."""
        theta = varcomp.to_theta(self.acc, np.append(x[:self.nvp], 1.0))
        if theta is None:
            return np.inf
        return self.acc.deviance(theta, x[self.nvp:])

    def _row(self, w: int, xx: float, prev) -> list:
        others = np.delete(np.arange(self.opt.size), w)
        start = np.asarray(prev[1:], dtype=float)[others]
        x = np.empty(self.opt.size)
        x[w] = xx

        def f(y):
            x[others] = y
            return self.dev(x)

        y, fval = bobyqa(f, start, self.lower[others], self.upper[others])
        x[others] = y
        dd = fval - self.base
        if not np.isfinite(dd):
            return [np.nan] * (1 + self.opt.size)
        return [np.sign(xx - self.opt[w]) * np.sqrt(max(dd, DEVTOL)), *x]

    def profile(self, w: int) -> list:
        pw = self.opt[w]
        first = [0.0, *self.opt]
        self.acc.reset()
        shift = self._row(w, 1e-3 if pw == 0 else pw * 1.01, first)
        lo, hi = self.lower[w], self.upper[w]
        fn = lambda x, prev: self._row(w, x, prev)          # noqa: E731
        up = _fill([first, shift], 1 + w, fn, lo, hi, self.delta, self.cutoff)
        self.acc.reset()
        down = _fill([shift, first], 1 + w, fn, lo, hi, self.delta, self.cutoff) if pw > lo else []
        return up + down

    def run(self, which=None) -> Profile:
        which, table = profile_table(self.names, which, self.profile)
        self.acc.reset()
        return Profile(table, which, dict(zip(self.names, self.lower)),
                       dict(zip(self.names, self.upper)), dict(zip(self.names, self.opt)))


def profile_glmm(acc: GlmmAccess, which=None) -> Profile:
    acc.require_deviance()
    return GlmmProfiler(acc).run(which)
