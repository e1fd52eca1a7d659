"""The interface every LMM factorisation declares (lme4's merPredD seen from the
optimiser; MixedModels.jl's ``updateL!`` + ``objective``): the fitter, the search,
the convergence check, the result and the inference code use these members only,
never a factor's internals or mode flags.

Three factorisations implement it: ``DenseFactor`` (small models, one dense
matrix), ``OneTermFactor`` (one term with k ≤ 2: closed form per level) and
``BlockedFactor`` (the blocked Cholesky factor, whose later block is one of the
kinds in ``later.py``). A factor that can be re-weighted (the GLMM's PIRLS) also
has ``reweight(w, F)``.
"""
from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

import numpy as np

from mixeq.fitting.criterion import Factorization


@runtime_checkable
class Factor(Protocol):
    name: str               # "dense", "one-term", "blocked": recorded in the optimiser summary
    n: int                  # observations (the criterion's n)
    p: int                  # fixed effects
    dense_size: int         # order of the largest dense matrix factored per θ (thread policy)
    later: object           # the later terms' diagonal block kind (later.py), or None

    def objective(self, theta: np.ndarray, reml: bool) -> float:
        """REML criterion or −2 log-likelihood profiled over β and σ; inf where the
        system is not positive definite."""

    def criterion(self, reml: bool) -> Callable[[np.ndarray], float]:
        """``objective`` as a one-argument function, the cheapest form the factor has
        (the optimiser calls it hundreds of times)."""

    def factorization(self, theta: np.ndarray) -> Factorization:
        """log-determinants, r², β, spherical modes u and R_X at θ."""

    def condvar_u(self, theta: np.ndarray) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L_Z L_Zᵀ)⁻¹, one array per term."""
