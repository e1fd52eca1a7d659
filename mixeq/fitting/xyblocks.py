"""The [X y] rows of the blocked factor: the diagonal block A_FF = FᵀF (F = [X y])
and the off-diagonal block A_FR = FᵀZ_R against the later terms. Their updates
from the first term's block are in ``rankupdate.py``."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class XyBlock:
    """A_FF (f × f), and the same as a flat array (the closed forms' mat-vecs)."""

    AFF: np.ndarray

    def __post_init__(self):
        self.AFF_flat = self.AFF.ravel().copy()


@dataclass
class DenseCross:
    """Z_RᵀZ₁ stored dense (qR × q₁): the re-weighted factor's, when the later and
    first terms' columns cross densely enough that one BLAS product beats the
    sparse ones (VerbAgg: 24 items × 316 subjects, every pair present)."""

    A: np.ndarray
    n1: int
    k1: int

    def times(self, G: np.ndarray) -> np.ndarray:
        """Z_RᵀZ₁ diag(G_l) for per-level k₁ × k₁ blocks G (levels × k₁ × k₁)."""
        if self.k1 == 1:
            return self.A * G.reshape(-1)
        qR = self.A.shape[0]
        return np.einsum("rla,lab->rlb", self.A.reshape(qR, self.n1, self.k1), G).reshape(qR, -1)


@dataclass
class XyCross:
    """A_FR = FᵀZ_R (f × qR), with Z₁ᵀF (q₁ × f) to update it and the level
    classes of a pattern block (later.LevelClasses, or None)."""

    AFR: np.ndarray
    AF1_flat_T: np.ndarray
    classes: object = None
