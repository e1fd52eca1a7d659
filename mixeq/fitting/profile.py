"""Profiling out the θ of small trailing terms (InstEval's ``(1 | dept)``).

In the blocked factor of a crossed model the later terms share one dense block
M = Λ_Rᵀ(A_RR − P·vec G)Λ_R + I, ordered by decreasing number of levels. Split
it into a large *head* (``(1 | d)``: 1,128 columns) and a small *tail* of scalar
terms (``(1 | dept)``: 14 columns). With the tail's λ set to 1, one Cholesky
factor of [[M, ·], [C Λ_R, S_F]] gives the head's factor and, in its trailing
(q_t + f) × (q_t + f) corner R, everything that depends on the tail's θ: for any
tail scaling d (one λ per tail column, 1 for the [X y] rows),

    corner at θ_t = D (RᵀR − diag(1_t, 0)) D + diag(1_t, 0),    D = diag(d),

because the tail columns of the whole block are linear in their λ. So the
criterion is minimised over the tail's θ exactly, on a (q_t + f)-sized matrix
(microseconds per trial), for each θ of the head: the outer optimiser sees one
parameter fewer per tail term — and the tail terms, with few levels, are the
poorly determined ones whose flat directions cost BOBYQA most evaluations
(InstEval: 65 evaluations in 3 dimensions, 35–40 in 2). The minimum over
(θ_outer, θ_tail) is the same minimum; the final θ is checked with the full
criterion (engine.py).
"""
from __future__ import annotations

from math import log

import numpy as np
from scipy.linalg.lapack import dpotrf

from mixeq.fitting.criterion import criterion
from mixeq.fitting.later import PatternBlock

TAIL_MAX = 64     # tail terms hold at most this many columns in all
HEAD_MIN = 256    # and the head at least this many (else the saving is nil)
INNER = {"ftol_abs": 1e-11, "xtol_abs": 1e-10}


class TailProfile:
    """The outer criterion θ_outer ↦ min over θ_tail, for a ``BlockedFactor``."""

    def __init__(self, fac, tail_terms: list[int]):
        layout = fac.layout
        self.fac = fac
        self.tail_idx = np.array([layout.offsets[t] for t in tail_terms], dtype=np.intp)
        self.outer_idx = np.setdiff1d(np.arange(layout.size), self.tail_idx)
        self.qt = qt = sum(fac.terms[t].q for t in tail_terms)
        self.qh = fac.lt.qR - qt
        # which tail θ scales each tail column
        self.tail_col = np.searchsorted(self.tail_idx, fac.lt.col_theta[self.qh:])
        f = fac.p + 1
        self.d = np.ones(qt + f)
        self.eye_t = np.arange(qt) * (qt + f + 1)
        self.tail_theta = np.ones(len(tail_terms))   # warm start of the inner problem
        self.best = (np.inf, None, None)   # lowest float64 value: (value, θ_outer, θ_tail)
        self.inner_evaluations = 0

    @classmethod
    def of(cls, fac) -> "TailProfile | None":
        """A profile when ``fac`` has a dense later block of scalar terms whose last
        terms are small (at most TAIL_MAX columns) next to the others (HEAD_MIN)."""
        if not isinstance(fac.later, PatternBlock):
            return None
        rest = fac.lt.terms
        tail, qt = [], 0
        for i in range(len(rest) - 1, 0, -1):      # rest[0] always stays in the head
            if qt + rest[i].q > TAIL_MAX:
                break
            qt += rest[i].q
            tail.insert(0, i + 1)                   # index in model.terms
        if not tail or fac.lt.qR - qt < HEAD_MIN:
            return None
        return cls(fac, tail)

    def full_theta(self, outer: np.ndarray, tail: np.ndarray) -> np.ndarray:
        theta = np.empty(self.fac.layout.size)
        theta[self.outer_idx] = outer
        theta[self.tail_idx] = tail
        return theta

    def corner(self, outer: np.ndarray, single: bool = False):
        """(log|L₁₁|² + log|L_head|², RᵀR − diag(1_t, 0)) at θ_outer, or None
        (``single``: the big factor in float32)."""
        res = self.fac.augmented(self.full_theta(outer, np.ones(self.tail_idx.size)), single)
        if res is None:
            return None
        ld, U = res
        qh = self.qh
        ld += 2.0 * float(np.log(U.diagonal()[:qh].astype(float)).sum())
        R = np.triu(U[qh:, qh:]).astype(float)
        S0 = R.T @ R
        S0.reshape(-1)[self.eye_t] -= 1.0
        return ld, S0

    def tail_criterion(self, ld: float, S0: np.ndarray, tail: np.ndarray, reml: bool) -> float:
        qt, p = self.qt, self.fac.p
        d = self.d
        d[:qt] = tail[self.tail_col]
        M = S0 * np.outer(d, d)
        M.reshape(-1)[self.eye_t] += 1.0
        L, info = dpotrf(M, lower=1, clean=0, overwrite_a=1)
        if info != 0:
            return np.inf
        diag = L.diagonal().tolist()
        ld_t = 2.0 * sum(map(log, diag[:qt]))
        ld_x = 2.0 * sum(map(log, diag[qt:qt + p]))
        return criterion(ld + ld_t, ld_x, diag[qt + p] ** 2, self.fac.n, p, reml)

    def objective(self, outer: np.ndarray, reml: bool, single: bool = False) -> float:
        """min over θ_tail of the criterion at (θ_outer, θ_tail); the minimiser is
        kept in ``tail_theta`` (and starts the next inner search)."""
        res = self.corner(outer, single)
        if res is None:
            return np.inf
        ld, S0 = res
        value, self.tail_theta, count = _inner_min(
            lambda t: self.tail_criterion(ld, S0, t, reml), self.tail_theta)
        self.inner_evaluations += count
        if not single and value < self.best[0]:
            self.best = (value, outer.copy(), self.tail_theta.copy())
        return value


def _inner_min(f, start: np.ndarray):
    """Minimise f over θ_tail ≥ 0 with BOBYQA (tight tolerances; f is cheap)."""
    import nlopt

    n = start.size
    opt = nlopt.opt(nlopt.LN_BOBYQA, n)
    opt.set_lower_bounds(np.zeros(n))
    count = [0]

    def g(x, grad):
        count[0] += 1
        return f(x)

    opt.set_min_objective(g)
    opt.set_ftol_abs(INNER["ftol_abs"])
    opt.set_xtol_abs(INNER["xtol_abs"])
    opt.set_maxeval(2000)
    opt.set_initial_step(np.maximum(0.25 * start, 0.05))
    x0 = np.maximum(start, 0.0)
    try:
        x = opt.optimize(x0)
        value = float(opt.last_optimum_value())
    except (nlopt.RoundoffLimited, RuntimeError, ValueError):
        x, value = x0, float(f(x0))
    # BOBYQA may stop just off the bound: take 0 when it is no worse (as lme4 does at the end)
    x = np.asarray(x, dtype=float)
    near = (x > 0) & (x < 1e-5)
    if near.any():
        trial = np.where(near, 0.0, x)
        v = f(trial)
        count[0] += 1
        if v <= value:
            x, value = trial, v
    return value, x, count[0]
