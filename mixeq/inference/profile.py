"""Likelihood profiles of every parameter, as lme4's ``profile.merMod`` computes them
(Bates, Mächler, Bolker & Walker 2015, JSS 67(1), section 5.1).

The ML deviance (REML fits are refitted by ML first, as lme4's ``devfun2`` does) is
profiled over one parameter at a time: ζ = sign(x − x̂) √(d(x) − d̂), where d(x) is
the deviance minimised over all other parameters with that one held at x.

* Variance parameters, on the standard-deviation scale (per term its SDs and
  correlations in θ's order, then σ): d(sd, cor, σ) = log|L_Z|² + r²(θ)/σ² +
  n log(2πσ²) with θ = chol(Σ)/σ, minimised by BOBYQA over the others.
* A fixed effect β_j = b: the deviance profiled over β₋ⱼ and σ is
  log|L_Z|² + n(1 + log(2π r_j²/n)), r_j² = r²(θ) + (b − β̂_j(θ))² / [(R_X R_Xᵀ)⁻¹]_jj
  (the penalised residual sum of squares is quadratic in β), minimised over θ.

Steps in x follow lme4's: first 1 % from the estimate (or 1e-3 from a zero), then
linear extrapolation in ζ by ``delta`` = cutoff/8 (at most 10 × the last step),
until |ζ| passes √χ²₀.₉₉(number of parameters) or x meets its bound. Each inner fit
starts from its neighbour's optimum. Intervals come from the inverse of the
natural cubic spline ζ(x), built as lme4's ``backSpline`` (cubic Hermite pieces
through (ζ_i, x_i) with slopes 1/ζ'(x_i)); an end the profile does not reach
(a bound hit first, e.g. an SD of 0 in a singular fit) is the bound.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from math import log, pi

import numpy as np
import pandas as pd
from scipy import stats
from scipy.interpolate import CubicHermiteSpline, CubicSpline

from mixeq.errors import MixeqWarning
from mixeq.inference import varcomp
from mixeq.inference.access import LmmAccess
from mixeq.inference.optim import bobyqa

MAXPTS, MAXMULT, MINSTEP, DEVTOL = 100, 10.0, 1e-6, 1e-9


@dataclass
class Profile:
    """The profile traces (``table``: ``.zeta``, every parameter, ``.par`` naming the
    one profiled) and, per parameter, its bounds."""

    table: pd.DataFrame
    names: list
    lower: dict
    upper: dict
    estimates: dict = field(default_factory=dict)

    def trace(self, name: str) -> pd.DataFrame:
        return self.table[self.table[".par"] == name]

    def interval(self, name: str, zetas) -> np.ndarray:
        tr = self.trace(name)
        x, z = tr[name].to_numpy(), tr[".zeta"].to_numpy()
        out = np.full(len(zetas), np.nan)
        if x.size < 2:
            return out
        back = _back_spline(x, z)
        for i, zeta in enumerate(zetas):
            if z.min() <= zeta <= z.max():
                out[i] = float(back(zeta))
        lo, hi = self.lower.get(name, -np.inf), self.upper.get(name, np.inf)
        if np.isnan(out[0]) and np.isfinite(lo):
            out[0] = lo
        if np.isnan(out[-1]) and np.isfinite(hi):
            out[-1] = hi
        return out


def _back_spline(x: np.ndarray, z: np.ndarray):
    """x as a function of ζ: lme4's backSpline of interpSpline(ζ ~ x)."""
    order = np.argsort(x)
    x, z = x[order], z[order]
    if np.any(np.diff(z) <= 0):
        warnings.warn("non-monotonic profile: falling back to linear interpolation",
                      MixeqWarning, stacklevel=4)
        keep = np.concatenate([[True], np.diff(z) > 0])
        return lambda zeta: np.interp(zeta, z[keep], x[keep])
    fwd = CubicSpline(x, z, bc_type="natural")
    slope = fwd(x, 1)
    if np.any(slope <= 0):
        return lambda zeta: np.interp(zeta, z, x)
    return CubicHermiteSpline(z, x, 1.0 / slope)


def _next(rows, col, absstep, lower, upper):
    """lme4's nextpar: the next x from the last two rows' (x, ζ)."""
    (x0, z0), (x1, z1) = (rows[-2][col], rows[-2][0]), (rows[-1][col], rows[-1][0])
    num, denom = x1 - x0, z1 - z0
    if not np.isfinite(denom) or denom == 0:
        step = MINSTEP
    else:
        step = absstep * num / denom
        if step < 0:
            step = MINSTEP
        elif abs(step) > MAXMULT * abs(num):
            step = np.sign(step) * MAXMULT * abs(num)
    return min(upper, max(lower, x1 + np.sign(num) * step))


def _fill(rows, col, zeta_fn, lower, upper, absstep, cutoff):
    """lme4's fillmat: extend ``rows`` (two to start) until |ζ| > cutoff or a bound."""
    while (len(rows) < MAXPTS and lower < rows[-1][col] < upper
           and np.isfinite(rows[-1][0]) and abs(rows[-1][0]) <= cutoff):
        x = _next(rows, col, absstep, lower, upper)
        rows.append(zeta_fn(x, rows[-1]))
    return rows


class _Profiler:
    def __init__(self, fit, alphamax: float = 0.01, delta_cutoff: float = 0.125):
        ml = fit.refit(reml=False) if fit.reml else fit
        self.acc = acc = LmmAccess(ml)
        self.n, self.p = acc.n, acc.p
        self.base = acc.objective
        self.vp_names = varcomp.names(acc)
        self.kinds = varcomp.kinds(acc)
        self.nvp = len(self.vp_names)
        self.opt_vp = varcomp.to_sdcor(acc, acc.theta, acc.sigma)
        self.opt = np.concatenate([self.opt_vp, acc.beta])
        self.names = self.vp_names + list(acc.names)
        self.cutoff = float(np.sqrt(stats.chi2.ppf(1 - alphamax, len(self.opt))))
        self.delta = self.cutoff * delta_cutoff
        self.lower = np.array([{"sd": 0.0, "cor": -1.0, "sigma": 0.0}[k] for k in self.kinds])
        self.upper = np.array([{"sd": np.inf, "cor": 1.0, "sigma": np.inf}[k] for k in self.kinds])
        self.stderr = np.sqrt(np.diag(ml.vcov.to_numpy()))
        self.theta_lower = np.where(acc.theta_diagonal, 0.0, -np.inf)

    # -- variance parameters --------------------------------------------------------
    def dev_vp(self, x: np.ndarray) -> float:
        theta = varcomp.to_theta(self.acc, x)
        if theta is None:
            return np.inf
        got = self.acc.criterion_parts(theta)
        if got is None:
            return np.inf
        s2 = x[-1] * x[-1]
        return got[0] + got[2] / s2 + self.n * log(2.0 * pi * s2)

    def _vp_row(self, w: int, xx: float, prev) -> list:
        others = np.delete(np.arange(self.nvp), w)
        start = np.asarray(prev[1:1 + self.nvp])[others]

        def f(y):
            x = np.empty(self.nvp)
            x[w], x[others] = xx, y
            return self.dev_vp(x)

        y, fval = bobyqa(f, start, self.lower[others], self.upper[others])
        x = np.empty(self.nvp)
        x[w], x[others] = xx, y
        return self._row(x, fval, xx - self.opt[w], varcomp.to_theta(self.acc, x))

    def _row(self, x_vp, fval, sign, theta, beta=None):
        dd = fval - self.base
        if not np.isfinite(dd):
            return [np.nan, *x_vp, *np.full(self.p, np.nan)]
        dd = max(dd, DEVTOL)
        if beta is None:
            beta = self.acc.parts(theta).beta
        return [np.sign(sign) * np.sqrt(dd), *x_vp, *beta]

    def profile_vp(self, w: int) -> list:
        pw = self.opt[w]
        first = [0.0, *self.opt]
        shift = self._vp_row(w, 1e-3 if pw == 0 else pw * 1.01, first)
        lo, hi = self.lower[w], self.upper[w]
        fn = lambda x, prev: self._vp_row(w, x, prev)          # noqa: E731
        up = _fill([first, shift], 1 + w, fn, lo, hi, self.delta, self.cutoff)
        down = _fill([shift, first], 1 + w, fn, lo, hi, self.delta, self.cutoff) if pw > lo else []
        return up + down

    # -- fixed effects --------------------------------------------------------------
    def _fe_row(self, j: int, b: float, prev_theta):
        n = self.n

        def pieces(theta):
            parts = self.acc.parts(theta)
            if parts is None:
                return None
            rinv = np.linalg.inv(parts.rx)
            M = rinv.T @ rinv                      # (R_X R_Xᵀ)⁻¹
            c = M[j, j]
            pw = parts.pwrss + (b - parts.beta[j]) ** 2 / c
            return parts, M, pw

        def f(theta):
            got = pieces(theta)
            if got is None:
                return np.inf
            parts, _, pw = got
            return parts.ld_l + n * (1.0 + log(2.0 * pi * pw / n))

        theta, fval = bobyqa(f, prev_theta, self.theta_lower, np.full(prev_theta.size, np.inf))
        parts, M, pw = pieces(theta)
        beta = parts.beta + M[:, j] / M[j, j] * (b - parts.beta[j])
        sig = np.sqrt(pw / n)
        x_vp = varcomp.to_sdcor(self.acc, theta, sig)
        row = self._row(x_vp, fval, b - self.opt[self.nvp + j], theta, beta)
        row[1 + self.nvp + j] = b
        return row, theta

    def profile_fe(self, j: int) -> list:
        est = self.opt[self.nvp + j]
        thetas = {}

        def fn(b, prev):
            start = thetas.get(id(prev), self.acc.theta)
            row, theta = self._fe_row(j, b, start)
            thetas[id(row)] = theta
            return row

        first = [0.0, *self.opt]
        shift = fn(est + self.delta * self.stderr[j], first)
        col = 1 + self.nvp + j
        up = _fill([first, shift], col, fn, -np.inf, np.inf, self.delta, self.cutoff)
        down = _fill([shift, first], col, fn, -np.inf, np.inf, self.delta, self.cutoff)
        return up + down

    def run(self, which=None) -> Profile:
        which, table = profile_table(
            self.names, which,
            lambda i: self.profile_vp(i) if i < self.nvp else self.profile_fe(i - self.nvp))
        lower = dict(zip(self.vp_names, self.lower))
        upper = dict(zip(self.vp_names, self.upper))
        return Profile(table, which, lower, upper, dict(zip(self.names, self.opt)))


def profile_table(names: list[str], which, rows_of) -> tuple[list[str], pd.DataFrame]:
    """lme4's ``as.data.frame(profile(m))`` layout for the parameters ``which`` (all
    ``names`` when None): ``rows_of(i)`` gives parameter i's rows (.zeta, then every
    parameter); rows without a ζ and repeated rows are dropped, each parameter's rows are
    sorted by its value and tagged in ``.par``."""
    which = list(names) if which is None else list(which)
    frames = []
    for name in which:
        frame = pd.DataFrame(rows_of(names.index(name)), columns=[".zeta", *names])
        frame = frame.dropna(subset=[".zeta"]).drop_duplicates().sort_values(name)
        frame[".par"] = name
        frames.append(frame)
    return which, pd.concat(frames, ignore_index=True)


def profile_fit(fit, which=None) -> Profile:
    return _Profiler(fit).run(which)
