"""The rank updates of the blocked factor: one function per pair of block kinds
(MixedModels.jl's ``rankUpdate!`` methods and the ``L[i, j] -= L[i, k] L[j, k]ᵀ``
step of ``updateL!``).

Once the first term's diagonal blocks are factored, every later block B is
updated by the first term's columns: B − L_B1 L_C1ᵀ. With N_l = λ₁ L_l⁻ᵀ per
level that is B − A_B1 diag(G_l) A_1C with G_l = N_l N_lᵀ = λ₁ S_l⁻¹ λ₁ᵀ, so the
updates need G only (no per-level factor). The later diagonal block is then
scaled by Λ_R and I is added (what ``updateL!`` does by ``lmulΛ!``/``rmulΛ!``
before ``rankUpdate!``). ``rank_update(source, target, G, …)`` dispatches on the
pair of kinds; a pair without a method is an error, not a silent fallback.
"""
from __future__ import annotations

import numpy as np

from mixeq.fitting.firstterm import FirstTerm
from mixeq.fitting.later import ClassBlock, DenseBlock, NestedBlock, PatternBlock
from mixeq.fitting.pairs import CrossBlocks
from mixeq.fitting.xyblocks import DenseCross, XyBlock, XyCross

_METHODS: dict = {}


def pair(source_kind: type, target_kind: type):
    """Register the update of a ``target_kind`` block by a ``source_kind`` block."""
    def register(fn):
        _METHODS[source_kind, target_kind] = fn
        return fn
    return register


def rank_update(source, target, G, lams=None, theta=None, single: bool = False):
    """``target`` updated by the first term's columns held in ``source`` (see the module)."""
    try:
        method = _METHODS[type(source), type(target)]
    except KeyError:
        raise TypeError(f"no rank update of a {type(target).__name__} by a "
                        f"{type(source).__name__}") from None
    return method(source, target, G, lams, theta, single)


def g_values(cross: CrossBlocks, G: np.ndarray) -> np.ndarray:
    """Blocks of Z_RᵀZ₁ diag(G_l): each block's k₁-vector times its level's G_l
    (G: levels × k₁ × k₁)."""
    if G.shape[1] == 1:
        return cross.values * G.reshape(-1)[cross.levels][:, None]
    return np.einsum("ba,bac->bc", cross.values, G[cross.levels])


def fill_w(cross: CrossBlocks, values: np.ndarray):
    """Z_RᵀZ₁ times a per-level block (``values``: one k₁-row per block) as the sparse W."""
    W = cross.W
    W.data = values.ravel()[cross.perm]
    return W


def cross_times(cross, N: np.ndarray):
    """Z_RᵀZ₁ diag(N_l) (L_R1 before Λ_R): sparse for ``CrossBlocks``, dense for ``DenseCross``."""
    if isinstance(cross, DenseCross):
        return cross.times(N)
    return fill_w(cross, np.einsum("ba,bac->bc", cross.values, N[cross.levels]))


@pair(FirstTerm, XyBlock)
def first_into_xy(first: FirstTerm, xy: XyBlock, G, lams, theta, single):
    """S_F = A_FF − Σ_l F_lᵀ G_l F_l (G in the first term's compact form)."""
    return xy.AFF - first.f_update(G)


@pair(CrossBlocks, XyCross)
def cross_into_xy(cross: CrossBlocks, xc: XyCross, G, lams, theta, single):
    """C = A_FR − (Z_RᵀZ₁ diag(G) Z₁ᵀF)ᵀ (f × qR), by level classes when there are."""
    if xc.classes is not None:
        cls = xc.classes
        return xc.AFR - (G.reshape(-1)[cls.first] @ cls.C).reshape(xc.AFR.shape)
    return xc.AFR - (fill_w(cross, g_values(cross, G)) @ xc.AF1_flat_T).T


@pair(CrossBlocks, NestedBlock)
def cross_into_nested(cross: CrossBlocks, block: NestedBlock, G, lams, theta, single):
    """Λᵀ(A_RR − P·vec G)Λ + I on the (levels × k × k) stack of a nested term."""
    vals = cross.P @ G.reshape(-1)
    MB = block.ARRB.copy()
    flat = MB.reshape(-1)
    flat[block.pos] -= vals
    flat[block.mirror[block.off]] -= vals[block.off]
    lam = lams[block.lt.slices[0][3]]
    MB = np.matmul(lam.T, np.matmul(MB, lam))
    MB += np.eye(lam.shape[0])
    return MB


@pair(CrossBlocks, PatternBlock)
def cross_into_pattern(cross: CrossBlocks, block: PatternBlock, G, lams, theta, single):
    """Writes only the pattern's non-zeros, (A_RR − P·vec G) λ_iλ_j, and + I, into
    the buffer (float32 when ``single``); returns its (R, R) block."""
    qR = block.lt.qR
    lam = block.lt.scalar_lams(lams)
    B = block.aug.storage(single)
    B[:qR, :qR] = 0.0
    if block.classes is not None:  # G_l depends on the level's A_l only
        vals = block.base - block.classes.P @ G.reshape(-1)[block.classes.first]
    else:
        vals = block.base - block.P @ G.reshape(-1)
    vals *= np.outer(lam, lam).ravel()[block.pair]
    flat = B.reshape(-1)
    flat[block.flat] = vals
    flat[block.aug.diag_R] += 1.0
    return B[:qR, :qR]


def _scaled_arr(block, lams):
    """Scalar later terms: Λ_R is λ_t on term t's rows, so Λ_RᵀA_RRΛ_R is each pair
    of term blocks scaled once, written into the buffer's (R, R) block (lower block
    triangle); (λ per term, that block)."""
    lt, qR = block.lt, block.lt.qR
    lam = lt.scalar_lams(lams)
    M = block.aug.buffer[:qR, :qR]
    for a, (sa, _, _, _) in enumerate(lt.slices):
        for b, (sb, _, _, _) in enumerate(lt.slices[:a + 1]):
            np.multiply(block.ARR[sa, sb], lam[a] * lam[b], out=M[sa, sb])
    return lam, M


def _sandwich_into_buffer(block, M, lams):
    """Λ_Rᵀ M Λ_R (M's lower triangle valid, made symmetric first) written into the
    buffer's (R, R) block, for later terms with a general Λ_R; that block."""
    lt, qR = block.lt, block.lt.qR
    M = np.tril(M) + np.tril(M, -1).T
    B = block.aug.buffer
    B[:qR, :qR] = lt.lam_rows(lt.lam_rows(M, lams, True).T, lams, True)
    return B[:qR, :qR]


@pair(CrossBlocks, ClassBlock)
def cross_into_classes(cross: CrossBlocks, block: ClassBlock, G, lams, theta, single):
    """Λ_Rᵀ(A_RR − Σ_c g_c M_c)Λ_R + I into the buffer, lower triangle valid: the
    dense kind's update with the class matrices (crossed_classes.py) for W Aᵀ."""
    lt, B, up = block.lt, block.aug.buffer, block.classes
    vals = up.packed(G.reshape(-1))
    if lt.scalar:
        lam, M = _scaled_arr(block, lams)
        lam_c = np.repeat(lam, [t.q for t in lt.terms])
        vals *= lam[0] ** 2 if lam.size == 1 else lam_c[up.rows] * lam_c[up.cols]
        B.reshape(-1)[block.pos] -= vals
    else:
        M = block.ARR.copy()
        M.reshape(-1)[block.pos] -= vals
        M = _sandwich_into_buffer(block, M, lams)
    B.reshape(-1)[block.aug.diag_R] += 1.0
    return M


@pair(CrossBlocks, DenseBlock)
def cross_into_dense(cross: CrossBlocks, block: DenseBlock, G, lams, theta, single):
    """Λ_Rᵀ(A_RR − Z_RᵀZ₁ diag(G) Z₁ᵀZ_R)Λ_R + I into the buffer, lower triangle
    valid (by P's targets when P was built, else by the sparse product)."""
    lt, B = block.lt, block.aug.buffer
    if lt.scalar:
        lam, M = _scaled_arr(block, lams)
        if cross.P is not None:
            B.reshape(-1)[block.targets_aug] -= \
                (cross.P @ G.reshape(-1)) * np.outer(lam, lam).ravel()[block.target_pair]
        else:
            W = fill_w(cross, g_values(cross, G))
            d = theta[lt.col_theta]
            M -= (W @ cross.A.T).toarray() * np.outer(d, d)
    else:
        M = block.ARR.copy()
        if cross.P is not None:
            M.reshape(-1)[cross.targets] -= cross.P @ G.reshape(-1)
        else:
            M -= (fill_w(cross, g_values(cross, G)) @ cross.A.T).toarray()
        M = _sandwich_into_buffer(block, M, lams)
    B.reshape(-1)[block.aug.diag_R] += 1.0
    return M


@pair(DenseCross, XyCross)
def dense_cross_into_xy(cross: DenseCross, xc: XyCross, G, lams, theta, single):
    """C = A_FR − (Z_RᵀZ₁ diag(G) Z₁ᵀF)ᵀ by one dense product."""
    return xc.AFR - (cross.times(G) @ xc.AF1_flat_T).T


@pair(DenseCross, DenseBlock)
def dense_cross_into_dense(cross: DenseCross, block: DenseBlock, G, lams, theta, single):
    """Λ_Rᵀ(A_RR − Z_RᵀZ₁ diag(G) Z₁ᵀZ_R)Λ_R + I into the buffer by one dense product."""
    lt, B = block.lt, block.aug.buffer
    qR = lt.qR
    M = B[:qR, :qR]
    np.subtract(block.ARR, cross.times(G) @ cross.A.T, out=M)
    if lt.scalar:
        d = theta[lt.col_theta]
        M *= d[:, None]
        M *= d
    else:
        M[...] = lt.lam_rows(lt.lam_rows(M, lams, True).T, lams, True)
    B.reshape(-1)[block.aug.diag_R] += 1.0
    return M
