"""A GLMM fit's page and pictures: glmer's z table (lme4's numbers), the family and
approximation instead of σ, and the GLMM's equations (logit link, Binomial, no ε) with
the proof that they agree."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fitting"))
from glmm_helpers import glmm_fit, load_glmm_reference  # noqa: E402

from mixeq.report.fit_summary import coefficients, statistics  # noqa: E402


@pytest.fixture(scope="module")
def cbpp():
    return glmm_fit("cbpp_binomial"), load_glmm_reference("cbpp_binomial")


def test_the_coefficient_table_is_glmers_z_table(cbpp):
    fit, ref = cbpp
    table = coefficients(fit)
    assert "z value" in table and "Pr(>|z|)" in table and "t value" not in table
    z_lme4 = np.array([ref["fixef"][k] / ref["fixef_se"][k] for k in table.index])
    np.testing.assert_allclose(table["z value"].to_numpy(dtype=float), z_lme4, rtol=1e-3)
    assert table.loc["period4", "Pr(>|z|)"] < 1e-3  # glmer: 0.000182


def test_statistics_name_the_family_and_have_no_sigma(cbpp):
    fit, ref = cbpp
    rows = dict((name, value) for name, value in statistics(fit))
    assert rows["family (link)"] == "binomial (logit)" and rows["approximation"] == "Laplace"
    assert "residual σ" not in rows
    assert rows["deviance"] == pytest.approx(ref["deviance"], rel=1e-5)


def test_the_page_shows_the_glmm_equations_and_the_pictures(cbpp):
    fit, _ = cbpp
    html = fit.report()
    assert "not written yet" not in html and "Pr(&gt;|z|)" in html
    assert r"\operatorname{logit}\left(p_{ij}\right)" in html
    assert r"\operatorname{Binomial}\left({\operatorname{size}}_{ij}, p_{ij}\right)" in html
    assert r"\varepsilon_{ij} \sim" not in html  # no residual distribution in a GLMM
    assert "every form is the same model" in html
    assert html.count("<figure") >= 4
    fig = fit.plot.caterpillar()
    assert sum(len(ax.get_yticks()) >= 15 for ax in fig.axes) >= 1  # 15 herds
