"""The predictor part of a GLMM (lme4's merPredD): X, Z, Λθ and the LMM's blocked
factor (``BlockedFactor``), re-weighted at every PIRLS step.

For weights W (the GLM working weights) and columns F (the working response,
and X when β is solved for too) the penalised least-squares system is the LMM's
augmented matrix of [ZΛ F] under W (Bates et al. 2015, JSS 67(1), §3.6;
MixedModels.jl's ``GeneralizedLinearMixedModel`` wraps a ``LinearMixedModel`` and
calls ``reweight!`` and ``updateL!``): so one step is ``factor.reweight(w, F)``
and the LMM factor's blocks and back-substitution at θ — the same block kinds
and rank updates (``rankupdate.py``) as a linear mixed model's fit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixeq.errors import FitError
from mixeq.fitting.blocked import BlockedFactor

MAX_REST = 4000          # dense block of the later terms up to this size
MAX_CROSS = 30_000_000   # crossings of the later terms with the first term's columns


@dataclass
class Solution:
    """A factor at (θ, W) and what it solves: u (spherical modes, per term
    levels × k), β (when F held X), log|L_Z|², R_X and the first term's L_l."""

    u: list
    beta: np.ndarray
    ld_l: float
    rx: np.ndarray
    L1: np.ndarray


def scalar_column(term) -> np.ndarray | None:
    """A scalar term's column m (``(0 + x | g)``), or None for an intercept, whose
    column of ones every kind skips multiplying by: one definition for the predictor
    kinds and the AGQ plan."""
    m = np.asarray(term.matrix[:, 0], dtype=float)
    return None if bool(np.all(m == 1.0)) else m


def make_predictor(X: np.ndarray, terms, layout):
    """The predictor kind for these terms, chosen once per model: one scalar term
    → ``ScalarTermPredictor`` (closed form per level, scalar.py); several scalar
    terms with few later columns → ``ScalarTermsPredictor`` (a diagonal first block
    and one dense later block, crossed.py; ``NestedTermPredictor`` when the second
    term's levels hold whole levels of the first); anything else → ``WeightedPredictor``
    (the blocked factor). The scalar and nested kinds also get their levels' algebra
    (``levels``: level_steps.py) for PIRLS with β held."""
    from mixeq.fitting.glmm import crossed
    from mixeq.fitting.glmm.level_steps import algebra_for

    if len(terms) == 1 and terms[0].ncols == 1:
        from mixeq.fitting.glmm.scalar import ScalarTermPredictor

        pred = ScalarTermPredictor(X, terms, layout)
    elif crossed.fits(terms):
        pred = crossed.make(X, terms, layout)
    else:
        return WeightedPredictor(X, terms, layout)
    pred.levels = algebra_for(pred)
    return pred


class WeightedPredictor:
    """X, the terms' matrices and codes, and the re-weighted blocked factor."""

    name = "glmm-blocked"
    levels = None    # no levels' algebra: PIRLS on the rows (level_steps.py)

    def __init__(self, X: np.ndarray, terms, layout):
        self.X = np.ascontiguousarray(X, dtype=float)
        self.n, self.p = X.shape
        self.terms, self.layout = list(terms), layout
        if not self.terms:
            raise FitError("a GLMM needs at least one random-effects term '(1 | g)'; "
                           "for a GLM without random effects use statsmodels' GLM")
        q1 = self.terms[0].q
        qR = sum(t.q for t in self.terms[1:])
        if qR > MAX_REST or qR * q1 > MAX_CROSS:
            raise FitError(f"the random effects after the first term ({qR}) are too many for "
                           f"the GLMM factor (at most {MAX_REST}, and {MAX_CROSS:,} crossings with "
                           "the first term); simplify the crossed terms")
        self.factor = BlockedFactor(self.X, np.zeros(self.n), self.terms, layout, reweightable=True)
        self._last = None
        self.intercept_only = [t.ncols == 1 and scalar_column(t) is None for t in self.terms]

    def solve(self, theta: np.ndarray, w: np.ndarray, F: np.ndarray) -> Solution | None:
        """Re-weight by ``w``, factor at θ and solve: F's first columns are X (β
        solved for) when it has more than one, its last the working response.
        None when a block is not positive definite."""
        fac = self.factor
        fac.reweight(w, F)
        parts = fac.blocks(theta, self.lambdas(theta))
        fz = fac.solution(parts)
        if fz is None:
            return None
        return Solution(fz.u, fz.beta, fz.ld_l, fz.rx, parts.L1)

    def lambdas(self, theta: np.ndarray) -> list:
        """θ's λ per term, kept for the last θ (PIRLS asks for them at every step)."""
        last = self._last
        if last is None or not np.array_equal(last[0], theta):
            self._last = last = (theta.copy(), self.layout.lambdas(theta))
        return last[1]

    def zb(self, theta: np.ndarray, u: list) -> np.ndarray:
        """Z Λ u on the n rows."""
        out = None
        for term, ut, lam, icpt in zip(self.terms, u, self.lambdas(theta),
                                       self.intercept_only):
            if term.ncols == 1:
                part = (ut[:, 0] * lam[0, 0])[term.codes]
                if not icpt:
                    part *= term.matrix[:, 0]
            else:
                part = np.einsum("ik,ik->i", term.matrix, (ut @ lam.T)[term.codes])
            out = part if out is None else out + part
        return out

    def condvar_u(self, theta, w: np.ndarray) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L Lᵀ)⁻¹ for each term under the
        weights ``w`` (lme4's condVar of the spherical effects)."""
        self.factor.reweight(w, np.zeros((self.n, 1)))
        return self.factor.condvar_u(theta)
