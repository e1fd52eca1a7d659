"""The layout of θ, as lme4 lays it out: per random-effects term, the lower
triangle of its relative covariance factor λ (k × k), column by column
(``[L11, L21, L22]`` for a 2 × 2)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class ThetaLayout:
    """Where each term's λ lives in θ.

    ``sizes[t]`` is term ``t``'s k; ``offsets[t]`` where its elements start;
    ``rows``/``cols`` the (i, j) of every θ element inside its term's λ.
    """

    sizes: tuple[int, ...]
    offsets: tuple[int, ...]
    rows: np.ndarray
    cols: np.ndarray
    names: tuple[str, ...]

    @classmethod
    def from_terms(cls, terms) -> "ThetaLayout":
        sizes, offsets, rows, cols, names = [], [], [], [], []
        start = 0
        for term in terms:
            k = term.ncols
            sizes.append(k)
            offsets.append(start)
            for j in range(k):
                for i in range(j, k):
                    rows.append(i)
                    cols.append(j)
            names.extend(term.theta_names())
            start += k * (k + 1) // 2
        return cls(tuple(sizes), tuple(offsets), np.array(rows, dtype=np.intp),
                   np.array(cols, dtype=np.intp), tuple(names))

    @property
    def size(self) -> int:
        return len(self.rows)

    @cached_property
    def _diagonal(self) -> np.ndarray:
        mask = self.rows == self.cols
        mask.flags.writeable = False
        return mask

    @property
    def diagonal(self) -> np.ndarray:
        """Boolean mask: which θ elements are diagonal elements of some λ (read-only)."""
        return self._diagonal

    @cached_property
    def _vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start, initial steps, lower bounds), computed once per layout; the
        methods below return copies."""
        diag = self._diagonal
        k = np.repeat(np.array(self.sizes, dtype=np.intp),
                      [s * (s + 1) // 2 for s in self.sizes])
        return (diag.astype(float), np.where(diag, np.where(k > 1, 0.75, 0.6), 1.0),
                np.where(diag, 0.0, -np.inf))

    def start(self) -> np.ndarray:
        """lme4's starting value: 1 on the diagonal, 0 off it."""
        return self._vectors[0].copy()

    def initial_steps(self) -> np.ndarray:
        """BOBYQA's first step per θ element, chosen by measurement on the reference
        models (docs/fit.md): 0.6 for a scalar term's λ, 0.75 on the diagonal of a
        vector-valued term's λ, 1.0 off the diagonal."""
        return self._vectors[1].copy()

    def lower_bounds(self) -> np.ndarray:
        """0 for diagonal elements, −∞ for the others."""
        return self._vectors[2].copy()

    def lambdas(self, theta: np.ndarray) -> list[np.ndarray]:
        """Each term's λ (lower triangular k × k) for this θ."""
        out = []
        for k, off in zip(self.sizes, self.offsets):
            lam = np.zeros((k, k))
            m = k * (k + 1) // 2
            lam[self.rows[off:off + m], self.cols[off:off + m]] = theta[off:off + m]
            out.append(lam)
        return out
