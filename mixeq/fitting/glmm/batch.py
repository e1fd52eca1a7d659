"""Stage 2's deviance at many points at once, for one scalar term: the points of
lme4's ``deriv12`` (the standard errors' Hessian, 1 + 2k + 2k(k − 1) of them for
k = dim(θ, β)) and of the polish's gradient are known before any is evaluated,
and with one scalar term and β held each point's PIRLS is a handful of array
operations on n rows (scalar.py's ``LevelSteps``). Evaluated as rows of one
(points × n) array, a Hessian costs about as much as two or three single
evaluations, instead of 1 + 2k + 2k(k − 1).

Each point takes exactly ``LevelSteps``' steps from the same η₀ — the same
Newton step in the levels' space, the same convergence test (pirls.py's
``converged``), stopping at its own iteration — so its value is the one a single
evaluation gives, to rounding. A point that would need step halving, a clamp of
R's link (where the η form does not apply) or has a non-finite deviance leaves
the batch and is evaluated alone (``GlmmProblem.stage2``), so every rule of the
single evaluation holds for it.
"""
from __future__ import annotations

import numpy as np

from mixeq.fitting.glmm.pirls import AGQ_CELLS, MAXIT, converged
from mixeq.fitting.glmm.scalar import ScalarTermPredictor, StartSums


def can_batch(prob) -> bool:
    """One scalar term, a canonical family on rows (not a remote design's cells) and
    a criterion with a batch form: Laplace with aic = Σ dᵢ + constant, or AGQ by
    the η form."""
    resp = prob.resp
    if not isinstance(prob.pred, ScalarTermPredictor) or resp is None:
        return False
    if not resp.has_eta_form:
        return False
    if prob.rule is None:
        return resp.kernel.offset_c is not None
    return prob.agq_plan is not None and prob.agq_plan.kind is not None


def deviances(prob, points: np.ndarray, eta0: np.ndarray) -> np.ndarray:
    """Stage 2's criterion at each row of ``points`` ((θ, β) per row), from η₀;
    batched where ``can_batch``, in chunks of at most AGQ_CELLS cells."""
    points = np.atleast_2d(np.asarray(points, dtype=float))
    single = prob.stage2(eta0)
    if not can_batch(prob) or not len(points):
        return np.array([single(x) for x in points], dtype=float)
    n = prob.resp.y.size
    nodes = 1 if prob.rule is None else prob.rule[0].size
    size = max(1, AGQ_CELLS // (n * nodes))
    out = np.empty(len(points))
    for lo in range(0, len(points), size):
        out[lo:lo + size] = _chunk(prob, points[lo:lo + size], eta0)
    alone = np.flatnonzero(np.isnan(out))
    prob.evaluations += len(points) - alone.size      # ``single`` counts its own
    for i in alone:
        out[i] = single(points[i])
    return out


def _chunk(prob, points: np.ndarray, eta0: np.ndarray) -> np.ndarray:
    """The batch's PIRLS (``LevelSteps`` on points × n arrays) and criterion; NaN for
    the points that must be evaluated alone."""
    pred, resp = prob.pred, prob.resp
    B = len(points)
    t = points[:, 0]
    beta = points[:, prob.ntheta:]
    fixed = resp.offset + beta @ pred.X.T                        # points × n
    st = StartSums.of(pred, resp, eta0)
    w, a, zw = np.broadcast_to(st.w, fixed.shape), st.a, st.c - beta @ st.A.T
    out = np.full(B, np.nan)
    done = np.zeros(B, dtype=bool)
    state = {}
    old = np.full(B, np.inf)
    live = np.arange(B)                                          # points still iterating
    with np.errstate(all="ignore"):
        for it in range(1, MAXIT + 1):
            tl = t[live][:, None]
            l2 = (tl * tl) * a + 1.0
            u = tl * zw / l2
            eta = fixed[live] + pred.zb_levels_many(tl, u)
            got = resp.eta_form(eta)
            if got is None:                                       # a clamp: all alone
                return out
            mu, dev = got
            pdev = dev + (u * u).sum(axis=1)
            alone = ~np.isfinite(pdev) | ((it > 1) & ~(pdev <= old[live]))
            stop = converged(old[live], pdev) & ~alone
            for j in np.flatnonzero(stop):
                state[live[j]] = (eta[j], mu[j], u[j], l2[j], w[j], pdev[j])
            done[live[stop]] = True
            keep = ~(stop | alone)
            if not keep.any():
                break
            old[live] = pdev
            live, eta, mu, u = live[keep], eta[keep], mu[keep], u[keep]
            tl = t[live][:, None]
            w, zres = resp.working(eta, mu)
            w = np.broadcast_to(w, eta.shape)
            a = pred.level_sums_many(w if pred.m2 is None else w * pred.m2)
            wz = w * zres if pred.m is None else w * pred.m * zres
            zw = (tl * a) * u + pred.level_sums_many(wz)
        idx = np.flatnonzero(done)
        if idx.size:                  # (a point leaving the η form's range overflows)
            out[idx] = _criterion(prob, t[idx], [state[i] for i in idx])
    return out


def _criterion(prob, t: np.ndarray, modes: list) -> np.ndarray:
    """Laplace (log|L|² + Σ dᵢ + ‖u‖² + aic − Σ dᵢ) or AGQ at the points' modes."""
    eta, mu, u, l2, _, pdev = (np.array(c) for c in zip(*modes))
    ld = np.log(l2).sum(axis=1)
    if prob.rule is None:
        return ld + pdev + prob.resp.kernel.offset_c
    pred, plan = prob.pred, prob.agq_plan
    sd = 1.0 / np.sqrt(l2)
    shift = pred.zb_levels_many(t[:, None], sd)                 # η's change per unit z
    return plan.deviance(eta, shift, u, sd, ld)


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
           optimizer: str) -> "Prefetched | None":
        """For BOBYQA on a problem ``can_batch`` takes; None otherwise. Points below a
        bound are left out (BOBYQA moves those)."""
        if optimizer != "bobyqa" or not can_batch(prob):
            return None
        E = np.diag(steps)
        P = np.vstack([x0, x0 + E, x0 - E])
        P = P[np.all(P >= lower, axis=1)]
        return cls(P, many(P))

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
