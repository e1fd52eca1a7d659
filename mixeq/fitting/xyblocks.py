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
class XyCross:
    """A_FR = FᵀZ_R (f × qR), with Z₁ᵀF (q₁ × f) to update it and the level
    classes of a pattern block (later.LevelClasses, or None)."""

    AFR: np.ndarray
    AF1_flat_T: np.ndarray
    classes: object = None
