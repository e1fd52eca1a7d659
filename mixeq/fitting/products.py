"""The factors of a model given by its cross-products instead of its rows.

Every factor of the fitter reads the rows once, to form sums over them: per level
of each term Σ m mᵀ and Σ m Fᵀ (F = [X y]; blocks.level_blocks), between two
terms Z_iᵀZ_j (pairs.scalar_products, dense._ztz) and FᵀF. A fit from a remote
source of crossed factors (mixeq/remote/products.py) brings back exactly those
sums — the engine's per-level aggregates and the per-pair sums of the factors'
level codes — because there the pseudo-rows that would carry them (remote/pseudo.py)
are as many as the data's rows. Given the same sums, each factor is the same
factor (MixedModels.jl keeps only these blocks too: its ``A`` of [Z X y]ᵀ[Z X y]).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from mixeq.fitting.blocked import BlockedFactor
from mixeq.fitting.dense import DenseFactor
from mixeq.fitting.firstterm import FirstTerm
from mixeq.fitting.oneterm import OneTermFactor
from mixeq.fitting.xyblocks import XyBlock


@dataclass
class Products:
    """[Z X y]ᵀ[Z X y] by blocks, terms in lme4's order (Z's columns level-major)."""

    n: int                                       # the data's rows (weights: still rows)
    FF: np.ndarray                               # (f, f) FᵀF, F = [X y]
    own: list                                    # per term: (levels, k, k) Σ m mᵀ per level
    ZF: list                                     # per term: (levels, k, f) Σ m Fᵀ per level
    cross: dict = field(default_factory=dict)    # (i, j), i > j: Z_iᵀZ_j (q_i × q_j, sparse)

    def block(self, i: int, j: int) -> sp.spmatrix:
        """Z_iᵀZ_j: block-diagonal for i = j (one term's own levels), else sparse."""
        if i == j:
            return _block_diagonal(self.own[i])
        return self.cross[(i, j)] if i > j else self.cross[(j, i)].T

    @property
    def pairs(self) -> int:
        """Stored entries of the cross-term blocks (the pairs of levels that occur)."""
        return int(sum(m.nnz for m in self.cross.values()))

    def gram(self) -> np.ndarray:
        """The whole [Z X y]ᵀ[Z X y], dense (the dense factor's A)."""
        m = len(self.own)
        qs = [o.shape[0] * o.shape[1] for o in self.own]
        starts = np.cumsum([0] + qs)
        q, f = int(starts[-1]), self.FF.shape[0]
        A = np.empty((q + f, q + f))
        for i in range(m):
            for j in range(i + 1):
                B = self.block(i, j).toarray()
                A[starts[i]:starts[i + 1], starts[j]:starts[j + 1]] = B
                A[starts[j]:starts[j + 1], starts[i]:starts[i + 1]] = B.T
            ZF = self.ZF[i].reshape(qs[i], f)
            A[starts[i]:starts[i + 1], q:] = ZF
            A[q:, starts[i]:starts[i + 1]] = ZF.T
        A[q:, q:] = self.FF
        return A


def _block_diagonal(stack: np.ndarray) -> sp.csr_matrix:
    """The block-diagonal matrix of a (levels, k, k) stack."""
    nl, k, _ = stack.shape
    base = np.arange(nl)[:, None, None] * k
    rows = np.broadcast_to(base + np.arange(k)[None, :, None], stack.shape).ravel()
    cols = np.broadcast_to(base + np.arange(k)[None, None, :], stack.shape).ravel()
    out = sp.csr_matrix((stack.ravel(), (rows, cols)), shape=(nl * k, nl * k))
    out.eliminate_zeros()
    return out


def products_factor(pr: Products, terms, layout, factor: str = "auto"):
    """The factor ``make_factor`` (engine.py) would choose, built from ``pr``."""
    from mixeq.fitting.engine import DENSE_LIMIT
    from mixeq.errors import FitError

    f = pr.FF.shape[0]
    if factor == "auto":
        small = sum(t.q for t in terms) + f <= DENSE_LIMIT and len(terms) > 1
        factor = "dense" if small else "blocked"
    if factor == "dense":
        return DenseFactor.of_gram(pr.gram(), pr.n, f - 1, list(terms), layout)
    if factor != "blocked":
        raise FitError(f"unknown factor {factor!r}; choose 'auto', 'dense' or 'blocked'")
    if len(terms) == 1 and terms[0].ncols <= 2:
        first = FirstTerm(pr.own[0], pr.ZF[0])
        if first.BF is not None:
            return OneTermFactor(first, XyBlock(pr.FF), pr.n, f - 1, layout)
    return BlockedFactor.from_products(pr, terms, layout)
