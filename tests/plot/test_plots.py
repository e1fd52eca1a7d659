"""The pictures hold what they claim: one square per non-zero of Z and Λθ (Z's rows
sorted by cluster), one point and interval per level in the caterpillar plot with
lme4-style 95% intervals, one point per observation in the residual and QQ plots."""
from __future__ import annotations

import re
import warnings
from functools import lru_cache

import numpy as np
import pytest

import mixeq
from conftest import load_dataset, load_reference
from mixeq.plot import to_svg
from mixeq.plot.sparsity import cluster_order, lambda_matrix


@lru_cache(maxsize=None)
def sleep_fit(formula="Reaction ~ Days + (Days | Subject)", shuffled=False):
    df = load_dataset("sleepstudy")
    if shuffled:
        df = df.sample(frac=1.0, random_state=3).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.fit(formula, df)


def svg_markers(svg: str, gid: str) -> int:
    """Markers matplotlib wrote inside the group ``gid`` (one <use> each)."""
    start = svg.index(f'<g id="{gid}"')
    end = svg.index('<g id="', start + 1)
    return svg[start:end].count("<use ")


def blocks_contiguous(rows: np.ndarray, cols: np.ndarray, ncols: int, size: int = 10) -> bool:
    """Each column's non-zero rows lie within one run of ``size`` rows (one cluster's
    block of a block-diagonal Z; sleepstudy's subjects have 10 rows each)."""
    for j in range(ncols):
        r = rows[cols == j]
        if r.size and r.max() - r.min() >= size:
            return False
    return True


def test_z_has_one_square_per_nonzero_rows_sorted_by_cluster():
    fit = sleep_fit(shuffled=True)
    fig = fit.plot.z()
    offsets = np.asarray(fig.axes[0].collections[0].get_offsets())
    assert len(offsets) == fit.model.Z.nnz == load_reference("sleepstudy_slope_reml")["Z_nnz"]
    assert svg_markers(to_svg(fig), "PathCollection_1") == 342
    cols, rows = np.asarray(offsets[:, 0], int), np.asarray(offsets[:, 1], int)
    assert blocks_contiguous(rows, cols, 36)
    # the check fails for the data's own (shuffled) order: sorting is what makes the blocks
    coo = fit.model.Z.tocoo()
    assert not blocks_contiguous(coo.row, coo.col, 36)


def test_crossed_z_sorted_by_the_factor_with_more_levels():
    m = mixeq.Model("diameter ~ 1 + (1 | plate) + (1 | sample)", load_dataset("Penicillin"))
    order = cluster_order(m)
    plate = next(t for t in m.terms if t.group == "plate").codes[order]
    assert np.all(np.diff(plate) >= 0)  # plates in blocks, samples as stripes
    coll = m.plot.z().axes[0].collections[0]
    assert len(coll.get_offsets()) == m.Z.nnz == load_reference("penicillin_crossed")["Z_nnz"]


@pytest.mark.parametrize("formula, nnz", [("Reaction ~ Days + (Days | Subject)", 54),
                                          ("Reaction ~ Days + (Days || Subject)", 36)])
def test_lambda_theta_is_block_diagonal_with_thetas(formula, nnz):
    fit = sleep_fit(formula)
    L = lambda_matrix(fit.model, fit.theta)
    assert L.nnz == nnz and L.shape == (36, 36)
    values = fit.plot.lambda_theta().axes[0].collections[0].get_array()
    assert len(values) == nnz
    if nnz == 54:  # lme4's θ: 18 copies of each element of λ
        theta = load_reference("sleepstudy_slope_reml")["theta"]
        assert sorted(np.unique(np.round(values, 3))) == pytest.approx(sorted(np.round(theta, 3)))
    assert lambda_matrix(fit.model).nnz == nnz  # the pattern: where Λθ may be non-zero


def test_caterpillar_one_row_per_level_with_95_percent_intervals():
    fit = sleep_fit()
    fig = fit.plot.caterpillar()
    axes = [ax for ax in fig.get_axes() if ax.containers]
    assert len(axes) == 2  # (Intercept) and Days of Subject
    modes, se = fit.ranef["Subject"], fit.ranef_se["Subject"]
    for ax, col in zip(axes, modes.columns):
        points, _, (bars,) = ax.containers[0].lines, None, ax.containers[0].lines[2]
        x, y = points[0].get_data()
        assert len(x) == 18 and sorted(y) == list(range(18))
        segments = bars.get_segments()
        half = np.array([(s[1][0] - s[0][0]) / 2 for s in segments])
        order = np.argsort(modes.iloc[:, 0].to_numpy(), kind="stable")
        assert half == pytest.approx(1.959964 * se[col].to_numpy()[order])
        assert x == pytest.approx(modes[col].to_numpy()[order])
    # lme4's conditional modes (ranef) for the first subject's intercept
    ref = load_reference("sleepstudy_slope_reml")["ranef"]["Subject"]
    assert list(map(str, modes.index)) == ref["levels"]
    assert modes.to_numpy() == pytest.approx(np.array(ref["values"]), rel=1e-3, abs=1e-3)
    labels = [t.get_text() for t in axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(map(str, modes.index))


def test_residuals_and_qq_have_one_point_per_value():
    fit = sleep_fit()
    fig = fit.plot.residuals()
    pts = np.asarray(fig.axes[0].collections[0].get_offsets())
    assert len(pts) == 180
    assert pts[:, 0] == pytest.approx(fit.fitted.to_numpy())
    assert pts[:, 1] == pytest.approx(fit.residuals.to_numpy())
    qq = fit.plot.qq()
    panels = [ax for ax in qq.axes if ax.get_lines()]
    assert [len(ax.get_lines()[0].get_xdata()) for ax in panels] == [180, 18, 18]
    assert [ax.get_title() for ax in panels] == ["Normal QQ: residuals", "Normal QQ: Subject: (Intercept)",
                                                  "Normal QQ: Subject: Days"]
    svg = to_svg(qq)
    assert svg.startswith("<svg") and "<!DOCTYPE" not in svg and "http://www.w3.org/Graphics" not in svg
    assert len(re.findall(r'<g id="line2d_\d+">', svg)) > 3


def test_caterpillar_names_an_unknown_group():
    with pytest.raises(mixeq.MixeqError, match="no random effects for 'school'"):
        sleep_fit().plot.caterpillar(group="school")
