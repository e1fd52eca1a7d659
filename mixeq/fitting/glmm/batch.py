"""Stage 2's deviance at many points at once, for a predictor with a levels'
algebra (level_steps.py: one scalar term, a nested pair): the points of lme4's
``deriv12`` (the standard errors' Hessian, 2k² of them for k = dim(θ, β)), of the
polish's gradient (2k) and BOBYQA's first 2k + 1 points are known before any is
evaluated, and with β held each point's PIRLS is a handful of array operations on
n rows. Evaluated as rows of one (points × n) array, a Hessian costs about as much
as a few single evaluations.

Each point takes the algebra's steps (the same ``step`` and ``next``) from the same
η₀ and stops at its own iteration by the same rule (mode.py's ``converged``), so its
value is the single evaluation's to rounding (1e-15 relative). The loop here does
not halve steps: a point whose penalised deviance rises (where the single loop would
halve; near a mode the rise can be rounding, and the two then differ by rounding),
whose system is not positive definite, which leaves R's link range, or is not
finite, leaves the batch and is evaluated alone (``GlmmProblem.stage2``), so every
rule of the single evaluation holds for it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixeq.fitting.glmm.agq import AGQ_CELLS
from mixeq.fitting.glmm.level_steps import OneTerm, log_det
from mixeq.fitting.glmm.mode import MAXIT, converged

LAPLACE_CELLS = 24_576   # points × rows at once: each temporary ≤ 192 KB (above, glibc maps
                         # and unmaps every array, page faults each time, and the caches
                         # overflow; VerbAgg's 112 Hessian points in chunks of 3 points:
                         # 33 ms, of 8: 42 ms, of 260: 150 ms)


def can_batch(prob) -> bool:
    """A levels' algebra, a canonical family on rows (not a remote design's cells)
    and a criterion with a batch form: Laplace with aic = Σ dᵢ + constant, or AGQ
    (one term) by the η form."""
    resp = prob.resp
    if resp is None or prob.pred.levels is None or not resp.has_eta_form:
        return False
    if prob.rule is None:
        return resp.kernel.offset_c is not None
    return prob.agq_plan is not None and prob.agq_plan.eta_form


def deviances(prob, points: np.ndarray, eta0: np.ndarray) -> np.ndarray:
    """Stage 2's criterion at each row of ``points`` ((θ, β) per row), from η₀;
    batched where ``can_batch``, in chunks of at most AGQ_CELLS (AGQ) or LAPLACE_CELLS
    cells (Laplace)."""
    points = np.atleast_2d(np.asarray(points, dtype=float))
    single = prob.stage2(eta0)
    if not can_batch(prob) or not len(points):
        return np.array([single(x) for x in points], dtype=float)
    n = prob.resp.y.size
    nodes = 1 if prob.rule is None else prob.rule[0].size
    size = max(1, AGQ_CELLS // (n * nodes) if nodes > 1 else LAPLACE_CELLS // n)
    out = np.empty(len(points))
    for lo in range(0, len(points), size):
        out[lo:lo + size] = _chunk(prob, points[lo:lo + size], eta0)
    alone = np.flatnonzero(np.isnan(out))
    prob.evaluations += len(points) - alone.size      # ``single`` counts its own
    for i in alone:
        out[i] = single(points[i])
    return out


def _chunk(prob, points: np.ndarray, eta0: np.ndarray) -> np.ndarray:
    """The points' modes (``_modes``) and criterion; NaN for the points to be
    evaluated alone."""
    out = np.full(len(points), np.nan)
    with np.errstate(all="ignore"):          # a point leaving the link's range overflows
        done, modes = _modes(prob, points, eta0)
        if done.size:
            out[done] = _criterion(prob, points[done], modes.at(done))
    return out


@dataclass
class Modes:
    """The points' modes, row i point i's: η (points × n), u and the diagonals per
    term (points × levels), Σ dᵢ + ‖u‖²."""

    eta: np.ndarray
    u: list
    diag: tuple
    pdev: np.ndarray

    @classmethod
    def empty(cls, count: int, eta, u, diag) -> "Modes":
        """Room for ``count`` points shaped as one iteration's arrays."""
        def room(x):
            return np.empty((count,) + x.shape[1:])
        return cls(room(eta), [room(v) for v in u], tuple(room(d) for d in diag),
                   np.empty(count))

    def put(self, rows: np.ndarray, pick: np.ndarray, eta, u, diag, pdev) -> None:
        """The iteration's points ``pick`` as rows ``rows``."""
        self.eta[rows] = eta[pick]
        for mine, v in zip(self.u, u):
            mine[rows] = v[pick]
        for mine, d in zip(self.diag, diag):
            mine[rows] = d[pick]
        self.pdev[rows] = pdev[pick]

    def at(self, rows: np.ndarray) -> "Modes":
        return Modes(self.eta[rows], [v[rows] for v in self.u],
                     tuple(d[rows] for d in self.diag), self.pdev[rows])


def _modes(prob, points: np.ndarray, eta0: np.ndarray):
    """The algebra's PIRLS on a (points × n) array, each point stopping at its own
    iteration: the indices of the points that reached a mode, and the ``Modes``
    (rows of the other points unset)."""
    alg, resp = prob.pred.levels, prob.resp
    lams = alg.lams(points[:, :prob.ntheta])
    beta = points[:, prob.ntheta:]
    fixed = resp.offset + beta @ alg.X.T                         # points × n
    a, zw = alg.start(resp, eta0).sums(beta)
    old = np.full(len(points), np.inf)
    live = np.arange(len(points))                                # points still iterating
    reached = np.zeros(len(points), dtype=bool)
    modes = None
    lam = lams
    for it in range(1, MAXIT + 1):
        u, diag = alg.step(lam, a, zw)
        eta = alg.eta(fixed[live], lam, u)
        mu, dev = resp.eta_form(eta)                             # NaN out of the link's range
        pdev = dev + sum(np.add.reduce(v * v, axis=1) for v in u)
        positive = np.minimum.reduce(diag[0], axis=1) > 0.0     # (NaN: not positive)
        for d in diag[1:]:
            positive &= np.minimum.reduce(d, axis=1) > 0.0
        alone = ~positive | ~np.isfinite(pdev) | ((it > 1) & ~(pdev <= old[live]))
        stop = converged(old[live], pdev) & ~alone
        if modes is None and live.size == len(points) and stop.all():
            return live, Modes(eta, u, diag, pdev)               # all at once: as they are
        if stop.any():
            if modes is None:
                modes = Modes.empty(len(points), eta, u, diag)
            modes.put(live[stop], stop, eta, u, diag, pdev)
            reached[live[stop]] = True
        keep = ~(stop | alone)
        if not keep.any():
            break
        old[live] = pdev
        if keep.all():                                           # all go on: no gathers
            _, a, zw = alg.next(resp, lam, eta, mu, u)
            continue
        live = live[keep]
        lam = tuple(lm[live] for lm in lams)
        _, a, zw = alg.next(resp, lam, eta[keep], mu[keep], [v[keep] for v in u])
    return np.flatnonzero(reached), modes


def _criterion(prob, points: np.ndarray, modes: Modes) -> np.ndarray:
    """Laplace (log|L|² + Σ dᵢ + ‖u‖² + (aic − Σ dᵢ)) or AGQ (one term) at the
    points' modes."""
    ld = log_det(modes.diag)
    if prob.rule is None:
        return ld + modes.pdev + prob.resp.kernel.offset_c
    alg = prob.pred.levels
    assert isinstance(alg, OneTerm)          # AGQ: one scalar term (fit.py's _check_nagq)
    sd = 1.0 / np.sqrt(modes.diag[0])
    t = alg.lams(points[:, :prob.ntheta])[0]
    return prob.agq_plan.deviance(modes.eta, t, modes.u[0], sd, ld)


class Prefetched:
    """Stage 2's criterion at BOBYQA's first 2k + 1 points — x₀ and x₀ ± step_i along
    each axis, the initial interpolation set (Powell 2009, "The BOBYQA algorithm",
    §2) — evaluated together before the optimiser asks for them one at a time.
    nlopt forms its points through a rescaling by the steps, so a point is answered
    where it equals one of these to a few ulps in every coordinate (the criterion
    differs by rounding there); any other point is evaluated as usual."""

    ULPS = 8.0 * np.finfo(float).eps

    def __init__(self, points: np.ndarray, values: np.ndarray):
        self.points, self.values = points, values
        self.left = len(points)
        self.calls = 0

    @classmethod
    def of(cls, prob, many, x0: np.ndarray, steps: np.ndarray, lower: np.ndarray,
           optimizer: str, given_steps: bool = False) -> "Prefetched | None":
        """For BOBYQA with the fit's own steps on a problem ``can_batch`` takes; None
        otherwise (steps the user gave may be scaled differently)."""
        if optimizer != "bobyqa" or given_steps or not can_batch(prob):
            return None
        points = first_points(x0, steps, lower)
        return cls(points, many(points))

    def take(self, x: np.ndarray) -> float | None:
        """The value kept for x (once), or None."""
        self.calls += 1
        if not self.left or self.calls > 2 * len(self.points):
            return None
        P = self.points
        same = np.all(np.abs(P - x) <= self.ULPS * np.maximum(np.abs(P), np.abs(x)), axis=1)
        hit = np.flatnonzero(same)
        if not hit.size:
            return None
        i = hit[0]
        P[i] = np.nan                       # answered once
        self.left -= 1
        return float(self.values[i])


def first_points(x0: np.ndarray, steps: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """BOBYQA's initial interpolation points for npt = 2k + 1 (Powell 2009, §2, and
    its PRELIM): a base point, then base ± step along each axis. Where x₀ is within
    a step of its lower bound the base moves: onto the bound when x₀ is on it (the
    points then base + step and base + 2 step), else to bound + step (base ± step,
    the lower one on the bound)."""
    base = x0.astype(float).copy()
    plus, minus = steps.astype(float).copy(), -steps.astype(float)
    on = base <= lower
    near = ~on & (base - lower <= steps)
    base[on] = lower[on]
    minus[on] = 2.0 * steps[on]
    base[near] = lower[near] + steps[near]
    E = np.eye(x0.size)
    return np.vstack([base, base + E * plus, base + E * minus])
