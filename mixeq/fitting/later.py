"""The later terms of the blocked factor — every term after the first — and the
three kinds their diagonal block L_RR takes (MixedModels.jl's block types of
``L[2, 2]``), chosen once per model by ``later_block``:

* ``NestedBlock``: one later term whose levels each meet one level of the first
  term only (``(1 | school/class)``): L_RR stays block-diagonal, k × k per level
  (MixedModels.jl's ``UniformBlockDiagonal``);
* ``PatternBlock``: scalar crossed terms with the pair operator P: only the
  non-zeros of A_RR and of Z_RᵀZ₁·G·Z₁ᵀZ_R are written per θ into a dense buffer
  that holds, below it, the [X y] rows, so one ``dpotrf`` gives L_RR, L_FR and
  L_FF (InstEval; a sparse pattern in a dense factor);
* ``ClassBlock``: a scalar first term and too many pairs for P (100,000 × 2,000
  crossed levels): the update Z_RᵀZ₁·G·Z₁ᵀZ_R summed over classes of levels with
  equal counts, from matrices formed once (crossed_classes.py); the augmented buffer;
* ``DenseBlock``: anything else (vector-valued crossed terms, or too many pairs
  for P): A_RR dense, the same augmented buffer.

How each kind is updated from the first term's block is in ``rankupdate.py``
(one function per pair of block kinds); the kinds hold the fixed products and
the storage, and factor what the update wrote.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpotrf

from mixeq.errors import FitError
from mixeq.fitting.crossed_classes import ClassUpdate, class_update
from mixeq.fitting.pairs import CrossBlocks
from mixeq.fitting.restfactor import BlockRest, DenseRest, nested_layout, stack_blocks

MAX_DENSE_REST = 12_000  # dense later block up to this size (3 copies: ≈ 3.5 GB)


@dataclass
class LaterTerms:
    """The later terms' columns: which θ scales each, and Λ_R applied to blocks."""

    terms: list
    offsets: list            # each term's first θ index
    qR: int
    slices: list             # (slice of columns, levels, k, index in model.terms)
    col_theta: np.ndarray    # θ index of each column's diagonal λ (scalar terms)
    scalar: bool             # every later term scalar: Λ_R is diagonal
    term_of: np.ndarray      # later term of each column

    @classmethod
    def of(cls, terms, layout) -> "LaterTerms":
        col_theta, slices, start = [], [], 0
        for i, t in enumerate(terms, start=1):
            col_theta.append(np.full(t.q, layout.offsets[i]))
            slices.append((slice(start, start + t.q), t.nlevels, t.ncols, i))
            start += t.q
        term_of = np.repeat(np.arange(len(terms)), [t.q for t in terms])
        return cls(list(terms), [layout.offsets[i] for i in range(1, len(terms) + 1)], start,
                   slices, np.concatenate(col_theta), all(t.ncols == 1 for t in terms), term_of)

    def scalar_lams(self, lams) -> np.ndarray:
        """λ of each (scalar) later term."""
        return np.array([lams[i][0, 0] for _, _, _, i in self.slices])

    def lam_rows(self, M: np.ndarray, lams, transpose: bool) -> np.ndarray:
        """Λ_Rᵀ M (transpose=True) or Λ_R M, term by term on M's rows."""
        out = np.empty_like(M)
        for sl, nl, k, i in self.slices:
            lam = lams[i].T if transpose else lams[i]
            out[sl] = np.matmul(lam, M[sl].reshape(nl, k, -1)).reshape(nl * k, -1)
        return out

    def lam_cols(self, C: np.ndarray, theta, lams) -> np.ndarray:
        """C Λ_R for an (f × qR) C."""
        if self.scalar:
            return C * theta[self.col_theta]
        return self.lam_rows(C.T, lams, True).T

    def lam_rows_sparse(self, W, lams):
        """Λ_Rᵀ W for a sparse W (sparse result when Λ_R is diagonal)."""
        if self.scalar:
            return sp.diags(np.repeat(self.scalar_lams(lams), [t.q for t in self.terms])) @ W
        return self.lam_rows(W.toarray() if sp.issparse(W) else W, lams, True)

    def lam_u(self, uR: np.ndarray, lams) -> np.ndarray:
        """Λ_R u_R (the rows of L_R1 are Λ_Rᵀ W, so L_R1ᵀ u = Wᵀ Λ_R u)."""
        if self.scalar:
            return uR * np.repeat(self.scalar_lams(lams), [t.q for t in self.terms])
        return self.lam_rows(uR[:, None], lams, False)[:, 0]

    def split(self, uR: np.ndarray) -> list[np.ndarray]:
        return [uR[sl].reshape(nl, k) for sl, nl, k, _ in self.slices]


@dataclass
class LevelClasses:
    """Levels of a scalar first term with equal A_l share G_l = λ²/(λ²A_l + 1)
    (InstEval: 2,972 students, 86 distinct counts): P and Z_RᵀZ₁ diag(G) Z₁ᵀF are
    summed over each class once, and a θ needs G at one level per class."""

    first: np.ndarray        # a level of each class
    P: sp.csc_matrix         # the pair operator summed over each class's columns
    C: np.ndarray            # (classes, f·qR): Z_RᵀZ₁ E_c Z₁ᵀF per class

    @classmethod
    def of(cls, a: np.ndarray, P_pattern, A_cross, AF1_flat_T) -> "LevelClasses | None":
        values, first, inv = np.unique(a, return_index=True, return_inverse=True)
        if values.size * 2 > a.size:
            return None
        E = sp.csr_matrix((np.ones(a.size), (np.arange(a.size), inv)), shape=(a.size, values.size))
        f = AF1_flat_T.shape[1]
        C = np.concatenate([(A_cross @ E.multiply(AF1_flat_T[:, [j]]).tocsc()).T.toarray()
                            for j in range(f)], axis=1)
        return cls(first, (P_pattern @ E).tocsc(), C)


class NestedBlock:
    """L_RR block-diagonal: (levels × k × k) stacks, factored level by level."""

    aug = None       # no augmented buffer: L_FR is solved for, then S_F downdated
    classes = None   # no level classes

    def __init__(self, lt: LaterTerms, ARR, cross: CrossBlocks, layout):
        self.lt = lt
        self.pos, self.mirror, self.off = layout
        term = lt.terms[0]
        self.ARRB = stack_blocks(ARR, term.nlevels, term.ncols)
        self.dense_size = 0

    def factor(self, MB: np.ndarray):
        """L_RR from the updated stack (None when a block is not positive definite)."""
        if not np.all(np.isfinite(MB)):
            return None
        rf = BlockRest(MB)
        return rf if np.isfinite(rf.logdet) else None


class AugmentedBuffer:
    """The dense (qR + f)² buffer of the pattern and dense kinds: the (R, R) block
    and, below it, the [X y] rows, so that one dpotrf per θ gives L_RR, L_FR and
    L_FF (MixedModels.jl keeps them in L too)."""

    def __init__(self, qR: int, f: int):
        D = qR + f
        self.buffer = np.zeros((D, D))
        self.buffer32 = None
        self.diag_R = np.arange(qR) * (D + 1)
        self.D = D

    def storage(self, single: bool = False) -> np.ndarray:
        if not single:
            return self.buffer
        if self.buffer32 is None:
            self.buffer32 = np.zeros(self.buffer.shape, dtype=np.float32)
        return self.buffer32



def factor_dense(M: np.ndarray):
    """L_RR alone from an updated dense (R, R) block (its lower triangle is read)."""
    U, info = dpotrf(np.asfortranarray(M.T), lower=0, clean=0, overwrite_a=1)
    return DenseRest(U) if info == 0 else None


class PatternBlock:
    """Scalar crossed later terms: the non-zeros of the (R, R) block's lower
    triangle (A_RR's and P's targets), P's rows renumbered to them."""

    def __init__(self, lt: LaterTerms, ARR, cross: CrossBlocks, f: int, a1, AF1_flat_T):
        self.lt = lt
        self.aug = AugmentedBuffer(lt.qR, f)
        self.dense_size = lt.qR
        qR, cb, D = lt.qR, cross, self.aug.D
        low = sp.tril(ARR).tocoo()
        arr_pos = low.row.astype(np.int64) * qR + low.col
        at = np.searchsorted(cb.targets, arr_pos)
        if np.array_equal(cb.targets[np.minimum(at, len(cb.targets) - 1)], arr_pos):
            # A_RR's non-zeros are all targets of P already (crossed designs): no renumbering
            pattern, self.P = cb.targets, cb.P
            base = np.zeros(len(pattern))
            base[at] = low.data
        else:
            mark = np.zeros(qR * qR, dtype=bool)   # qR ≤ MAX_DENSE_REST: at most 144 MB
            mark[cb.targets] = True
            mark[arr_pos] = True
            pattern = np.flatnonzero(mark)
            rank = np.cumsum(mark, dtype=np.intp)
            rank -= 1
            del mark
            base = np.zeros(len(pattern))
            base[rank[arr_pos]] = low.data
            rows = rank[cb.targets][cb.P.indices]
            del rank
            self.P = sp.csc_matrix((cb.P.data, rows, cb.P.indptr), shape=(len(pattern), cb.P.shape[1]))
        pr, pc = np.divmod(pattern, qR)
        self.flat = pr * D + pc
        self.base = base
        self.arr_diag = ARR.diagonal()
        self.pair = lt.term_of[pr] * len(lt.terms) + lt.term_of[pc]
        self.classes = None if a1 is None else LevelClasses.of(a1, self.P, cb.A, AF1_flat_T)


class DenseBlock:
    """A_RR dense; P (when built) subtracts Z_RᵀZ₁·G·Z₁ᵀZ_R at its targets."""

    def __init__(self, lt: LaterTerms, ARR, targets: np.ndarray, f: int):
        """``targets``: the flat positions P's rows fill (empty without P)."""
        self.lt = lt
        self.aug = AugmentedBuffer(lt.qR, f)
        self.dense_size = lt.qR
        self.ARR = ARR.toarray() if sp.issparse(ARR) else ARR
        tr, tc = np.divmod(targets, lt.qR)
        self.target_pair = lt.term_of[tr] * len(lt.terms) + lt.term_of[tc]
        self.targets_aug = tr * self.aug.D + tc
        self.classes = None

    def refresh(self, ARR: np.ndarray, f: int) -> None:
        """New products (a re-weighted factor, whose P is never built; ``f``: the
        [X y] columns now)."""
        self.ARR = ARR
        if self.aug.D != self.lt.qR + f:
            self.aug = AugmentedBuffer(self.lt.qR, f)


class ClassBlock:
    """A_RR dense; Z_RᵀZ₁·G·Z₁ᵀZ_R = Σ_c g_c M_c (crossed_classes.py) subtracted at
    the packed positions of the (R, R) block's lower triangle."""

    def __init__(self, lt: LaterTerms, ARR, classes: ClassUpdate, f: int):
        self.lt = lt
        self.aug = AugmentedBuffer(lt.qR, f)
        self.dense_size = lt.qR
        self.ARR = ARR.toarray() if sp.issparse(ARR) else ARR
        self.classes = classes
        self.pos = classes.positions(self.aug.D if lt.scalar else lt.qR)


def later_block(lt: LaterTerms, ARR, cross, f: int, a1=None, AF1_flat_T=None,
                dense_only: bool = False):
    """The kind of L_RR for these later terms (see the module). ``a1``: the scalar
    first term's A_l, for level classes (None: no classes); ``dense_only``: a
    factor that is re-weighted (its P would change at every step)."""
    if not dense_only and len(lt.terms) == 1 and cross.P is not None:
        layout = nested_layout(cross.targets, lt.qR, lt.terms[0].ncols)
        if layout is not None:  # block-diagonal: never form the dense qR × qR block
            return NestedBlock(lt, ARR, cross, layout)
    if lt.qR > MAX_DENSE_REST:
        names = ", ".join(f"'{t.group}' ({t.q})" for t in lt.terms)
        raise FitError(
            f"the random effects after the first term ({names}: {lt.qR} in all) cross the "
            f"first term's levels and would need a dense {lt.qR} × {lt.qR} matrix "
            f"({3 * lt.qR ** 2 * 8 / 1e9:.1f} GB); mixeq factors at most "
            f"{MAX_DENSE_REST} of them densely. Simplify the crossed terms or group more coarsely")
    if not dense_only and lt.scalar and cross.P is not None:
        return PatternBlock(lt, ARR, cross, f, a1, AF1_flat_T)
    if not dense_only and a1 is not None and cross.P is None:
        classes = class_update(cross.values, cross.rows, cross.levels, a1, lt.qR, AF1_flat_T)
        if classes is not None:
            return ClassBlock(lt, ARR, classes, f)
    return DenseBlock(lt, ARR, np.zeros(0, dtype=np.intp) if dense_only else cross.targets, f)
