"""The random effects of a fit — conditional modes b = Λu and their conditional
covariances — defined once for linear and generalized fits (lme4's ``ranef`` and
``condVar``): a fit gives its terms, λs, spherical modes u, the factor's
(LLᵀ)⁻¹ blocks and the scale (σ² for an LMM, 1 for a GLMM)."""
from __future__ import annotations

from functools import cached_property
from typing import Callable

import numpy as np
import pandas as pd

from mixeq.fitting.components import condvar_arrays, ranef_frames, ranef_se_frames


class ConditionalModes:
    def __init__(self, terms, lambdas: list[np.ndarray], u: list[np.ndarray],
                 condvar_u: Callable[[], list[np.ndarray]], scale: float):
        self.terms, self.lambdas, self.u = terms, lambdas, u
        self._condvar_u, self.scale = condvar_u, scale

    @cached_property
    def b(self) -> list[np.ndarray]:
        """Conditional modes per term (levels × k): b = Λ u."""
        return [u @ lam.T for u, lam in zip(self.u, self.lambdas)]

    @cached_property
    def ranef(self) -> dict[str, pd.DataFrame]:
        """Conditional modes per grouping factor (levels × term columns)."""
        return ranef_frames(self.terms, self.b)

    @cached_property
    def condvar(self) -> dict[str, np.ndarray]:
        """scale · Λ (LLᵀ)⁻¹ Λᵀ's diagonal blocks (levels × k × k) per grouping factor."""
        scaled = [self.scale * np.matmul(lam, np.matmul(blk, lam.T))
                  for blk, lam in zip(self._condvar_u(), self.lambdas)]
        return condvar_arrays(self.terms, scaled)

    @cached_property
    def se(self) -> dict[str, pd.DataFrame]:
        """Conditional standard deviations of the modes, shaped like ``ranef``."""
        return ranef_se_frames(self.ranef, self.condvar)


class ModesAccess:
    """The random-effects accessors shared by LMM and GLMM fit results (lme4's ranef(),
    condVar and ngrps), read from the result's ``_modes`` (a ConditionalModes) and
    ``model.terms``; it holds no state of its own."""

    _b = property(lambda self: self._modes.b, doc="Conditional modes per term: b = Λ u.")
    ranef = property(lambda self: self._modes.ranef, doc="Conditional modes per grouping factor.")
    ranef_condvar = property(lambda self: self._modes.condvar,
                             doc="Conditional covariance (levels × k × k) per grouping factor.")
    ranef_se = property(lambda self: self._modes.se, doc="Conditional SDs, shaped like ranef.")

    @property
    def ngroups(self) -> dict[str, int]:
        return {t.group: t.nlevels for t in self.model.terms}
