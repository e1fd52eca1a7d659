"""The pieces the LMM and GLMM adapters share (inference/access.py ModelTerms, one
definition for both): the random-effects terms and θ layout read from the model, checked
against lme4's θ and names; and the profile table both profilers build
(profile.profile_table, lme4's as.data.frame(profile(m)) layout)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, load_dataset

import mixeq
from mixeq.inference import varcomp
from mixeq.inference.access import GlmmAccess, LmmAccess, ModelTerms
from mixeq.inference.profile import profile_table


@pytest.fixture(scope="module")
def adapters():
    lmm = mixeq.fit("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"))
    glmm = mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)",
                     load_dataset("cbpp"), family="binomial")
    return LmmAccess(lmm), GlmmAccess(glmm)


def test_both_adapters_read_terms_and_layout_from_one_definition():
    for cls in (LmmAccess, GlmmAccess):
        for name in ("terms", "term_sizes", "theta_diagonal", "lambdas"):
            assert name not in vars(cls), (cls.__name__, name)
            assert getattr(cls, name) is getattr(ModelTerms, name)


def test_the_lmm_terms_and_layout(adapters):
    acc, _ = adapters
    (group, cols, codes, matrix, nlev), = acc.terms
    assert (group, cols, nlev) == ("Subject", ["(Intercept)", "Days"], 18)
    assert codes.shape == (180,) and matrix.shape == (180, 2)
    assert acc.term_sizes == (2,)
    assert list(acc.theta_diagonal) == [True, False, True]
    lam, = acc.lambdas(acc.theta)
    assert np.allclose(lam, [[acc.theta[0], 0], [acc.theta[1], acc.theta[2]]])
    ref = json.loads((DATA / "reference" / "sleepstudy_slope_reml.json").read_text())
    assert np.allclose(acc.theta, ref["theta"], atol=1e-4)              # lme4's θ
    assert varcomp.names(acc) == ["sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject",
                                  "sd_Days|Subject", "sigma"]


def test_the_glmm_terms_and_layout(adapters):
    _, acc = adapters
    (group, cols, _, matrix, nlev), = acc.terms
    assert (group, cols, nlev, matrix.shape) == ("herd", ["(Intercept)"], 15, (56, 1))
    assert acc.term_sizes == (1,) and list(acc.theta_diagonal) == [True]
    assert np.allclose(acc.lambdas([0.5])[0], [[0.5]])


def test_the_profile_table_drops_rows_without_zeta_and_repeats_and_sorts_each_parameter():
    rows = {0: [[0.5, 2.0, 9.0], [np.nan, 3.0, 9.0], [-0.5, 1.0, 9.0], [0.5, 2.0, 9.0]],
            1: [[1.0, 1.5, 10.0], [-1.0, 1.5, 8.0]]}
    which, table = profile_table(["a", "b"], None, rows.__getitem__)
    assert which == ["a", "b"]
    expected = pd.DataFrame({".zeta": [-0.5, 0.5, -1.0, 1.0], "a": [1.0, 2.0, 1.5, 1.5],
                             "b": [9.0, 9.0, 8.0, 10.0], ".par": ["a", "a", "b", "b"]})
    pd.testing.assert_frame_equal(table, expected)
    which, table = profile_table(["a", "b"], ["b"], rows.__getitem__)
    assert which == ["b"] and list(table[".par"]) == ["b", "b"]
