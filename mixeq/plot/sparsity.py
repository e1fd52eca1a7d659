"""Non-zero patterns of Z and Λθ, as lme4's ``image(getME(m, "Z"))``: one square per
non-zero, shaded by its value. Z's rows are sorted by cluster (coarsest grouping
factor first) so a nested model's Z shows its block-diagonal structure and a
crossed model's second factor its stripes."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mixeq.plot.figure import new_figure

MAX_MARKERS = 40_000  # more non-zeros than this: a density image instead of squares


def cluster_order(model) -> np.ndarray:
    """Rows sorted by the grouping factors' codes: highest hierarchy level first, then
    the factor with more levels (stable, so rows keep their order within a cluster)."""
    terms = {t.group: t for t in model.terms}
    if not terms:
        return np.arange(model.nobs)
    groups = model.groups
    ranked = sorted(terms, key=lambda g: (-getattr(groups.get(g), "level", 2),
                                          -terms[g].nlevels))
    return np.lexsort([terms[g].codes for g in reversed(ranked)])


def lambda_matrix(model, theta=None) -> sp.csc_matrix:
    """Λθ (q × q, block diagonal: I_levels ⊗ λ_t per term, Z's column order); with
    θ None, its pattern: 1 wherever some θ may make it non-zero."""
    from mixeq.fitting.theta import ThetaLayout

    layout = ThetaLayout.from_terms(model.terms)
    theta = np.ones(layout.size) if theta is None else np.asarray(theta, dtype=float)
    blocks = [sp.kron(sp.identity(t.nlevels), sp.csr_matrix(lam))
              for t, lam in zip(model.terms, layout.lambdas(theta))]
    if not blocks:
        return sp.csc_matrix((0, 0))
    out = sp.block_diag(blocks, format="csc")
    out.eliminate_zeros()
    return out


def draw_pattern(ax, M: sp.spmatrix, label: str):
    """Squares at the non-zeros of ``M`` (row 0 at the top), shaded by value;
    a density image when there are more than MAX_MARKERS."""
    coo = sp.coo_matrix(M)
    keep = coo.data != 0
    rows, cols, vals = coo.row[keep], coo.col[keep], coo.data[keep]
    nrow, ncol = M.shape
    if rows.size > MAX_MARKERS:
        img, _, _ = np.histogram2d(rows, cols, bins=(min(nrow, 400), min(ncol, 400)),
                                   range=((0, nrow), (0, ncol)))
        art = ax.imshow(img > 0, aspect="auto", cmap="Greys", interpolation="nearest",
                        extent=(-0.5, ncol - 0.5, nrow - 0.5, -0.5))
        ax.set_title(f"{label}: {rows.size} non-zeros (density)", fontsize=9)
        return art
    ax.figure.draw_without_rendering()  # the constrained layout places the axes first
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    size = min(bbox.width * fig_w * 72 / max(ncol, 1), bbox.height * fig_h * 72 / max(nrow, 1))
    art = ax.scatter(cols, rows, c=vals, s=max(size, 0.8) ** 2, marker="s", cmap="viridis",
                     linewidths=0)
    ax.set_xlim(-0.5, ncol - 0.5)
    ax.set_ylim(nrow - 0.5, -0.5)
    ax.set_title(f"{label}: {nrow} × {ncol}, {rows.size} non-zeros", fontsize=9)
    return art


def z_pattern(model, width: float = 6.0, height: float | None = None):
    """Figure of Z's non-zeros, rows sorted by cluster, columns in lme4's order
    (vertical lines between random-effects terms)."""
    Z = model.Z[cluster_order(model)]
    n, q = Z.shape
    fig = new_figure(width, height or min(max(3.0, width * n / max(q, 1)), 6.5))
    ax = fig.add_subplot()
    art = draw_pattern(ax, Z, "Z (rows sorted by cluster)")
    start = 0
    for t in model.terms[:-1]:
        start += t.q
        ax.axvline(start - 0.5, color="0.6", linewidth=0.8)
    ax.set_xlabel("column (term, level, term column)")
    ax.set_ylabel("observation")
    if art is not None and hasattr(art, "get_array") and art.get_array() is not None:
        fig.colorbar(art, ax=ax, shrink=0.6, label="value")
    return fig


def lambda_theta(model, theta=None, width: float = 5.0):
    """Figure of Λθ: the relative covariance factor, block diagonal (θ None: the pattern)."""
    L = lambda_matrix(model, theta)
    fig = new_figure(width, width * 0.9)
    ax = fig.add_subplot()
    art = draw_pattern(ax, L, "Λθ" if theta is not None else "Λθ pattern")
    ax.set_aspect("equal")
    if art is not None and hasattr(art, "get_array") and art.get_array() is not None:
        fig.colorbar(art, ax=ax, shrink=0.6, label="value")
    return fig
