"""Type III F tests where R's coding rules decide the treatment-coded model lmerTest tests
in (a logical I(Days > 5) as a factor FALSE/TRUE, a factor without its margins coded by
indicators, aliased columns dropped, R's terms() marking which variables of a term are coded
by contrasts), against lmerTest 3.1-3's anova(type = 3 | 1) of sleepstudy with factors
(tests/data/inference_type3, made by tools/make_type3_coding_references.R)."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA
from design.r_names import sleep_names
from mixeq.inference import contrasts

from .helpers import rel
from .test_satterthwaite import check_anova

CASES = sorted(p.stem for p in (DATA / "inference_type3").glob("*.json"))


def reference(ref_id: str) -> dict:
    return json.loads((DATA / "inference_type3" / f"{ref_id}.json").read_text())


def fitted(ref_id: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # logical_in_sum: an aliased column, as in lme4
        return mixeq.fit(reference(ref_id)["formula"], sleep_names())


def test_the_references_are_there():
    assert len(CASES) == 9


@pytest.mark.parametrize("ref_id", CASES)
def test_type3_as_lmertest(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    assert list(fit.fixef.index) == ref["X_columns"]
    check_anova(mixeq.anova(fit, type=3), pd.DataFrame(ref["anova_satterthwaite"]))
    check_anova(mixeq.anova(fit, type=3, ddf="kenward-roger"),
                pd.DataFrame(ref["anova_kenward_roger"]), df_tol=1e-2)


@pytest.mark.parametrize("ref_id", CASES)
def test_type1_as_lmertest(ref_id):
    """Type I: lmerTest's table, but for Days * C(k, poly)'s C(k, poly), whose lmerTest F
    comes from non-orthogonal eigenvectors of L V Lᵀ (a repeated eigenvalue; see the R
    script): there the F of lmerTest's contrast by a symmetric decomposition, in R."""
    fit, ref = fitted(ref_id), reference(ref_id)
    ours = mixeq.anova(fit, type=1)
    symmetric = pd.Series(ref["type1_F_symmetric"])
    assert rel(ours["F value"], symmetric.loc[ours.index]) < 1e-4
    theirs = pd.DataFrame(ref["anova_type1_satterthwaite"])
    if ref_id == "poly_x_days":
        assert abs(theirs.loc["C(k, poly)", "F value"] / ours.loc["C(k, poly)", "F value"] - 1) > 0.05
        keep = ["Days", "Days:C(k, poly)"]
        ours, theirs = ours.loc[keep], theirs.loc[keep]
    check_anova(ours, theirs)


def test_a_logical_read_as_a_number_breaks_the_containment():
    """Planted break: I(Days > 5) read as formulaic reads it (numeric 0/1) — C(f, sum) is then
    not contained in I(Days > 5):C(f, sum), and its type III F is not lmerTest's."""
    fit, ref = fitted("logical_x_sum"), reference("logical_x_sum")
    real = contrasts._is_numeric
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(contrasts, "_is_numeric",
                   lambda access, var: var.startswith("I(") or real(access, var))
        wrong = mixeq.anova(fit, type=3)
    F = pd.DataFrame(ref["anova_satterthwaite"])["F value"]
    assert abs(wrong.loc["C(f, sum)", "F value"] / F["C(f, sum)"] - 1) > 0.1


def test_every_variable_coded_by_contrasts_breaks_the_containment():
    """Planted break: R's terms() marks f in f:h of ``f + f:h`` as coded by indicators, so
    lmerTest does not orthogonalise f against f:h; taking every variable as coded does."""
    fit, ref = fitted("sum_nested_h"), reference("sum_nested_h")
    assert contrasts.coded_variables(["C(f, sum)", "C(f, sum):h"]) == {
        "C(f, sum)": {"C(f, sum)"}, "C(f, sum):h": {"h"}}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(contrasts, "coded_variables",
                   lambda terms: {t: set(contrasts._variables(t)) for t in terms})
        wrong = mixeq.anova(fit, type=3)
    F = pd.DataFrame(ref["anova_satterthwaite"])["F value"]
    assert abs(wrong.loc["C(f, sum)", "F value"] / F["C(f, sum)"] - 1) > 0.1


def test_the_treatment_remake_drops_aliased_columns_as_lme4():
    """h + I(Days > 5):C(f, sum) in treatment coding: R's indicators for both factors of the
    interaction (6 cells beside h) with one aliased column dropped — 7 columns, as lme4's X."""
    fit = fitted("logical_in_sum")
    from mixeq.inference.state import access

    Xt, cols = contrasts._treatment_design(access(fit))
    assert Xt.shape[1] == 7 and np.linalg.matrix_rank(Xt) == 7
    assert cols == {"h": [1], "I(Days > 5):C(f, sum)": [2, 3, 4, 5, 6]}


PLAIN = {"logical_x_sum": "Reaction ~ I(Days > 5) * f + (1 | Subject)",
         "sum_nested_h": "Reaction ~ f + f:h + (1 | Subject)",
         "sum_by_days": "Reaction ~ Days + f:Days + (1 | Subject)",
         "logical_in_sum": "Reaction ~ h + I(Days > 5):f + (1 | Subject)"}


@pytest.mark.parametrize("ref_id", sorted(PLAIN))
def test_treatment_coded_model_tests_what_lmertest_tests_sum_coded(ref_id):
    """The same models in treatment coding take the direct path (X's own columns are cells):
    lmerTest's type III F tests do not depend on the coding, so the sum-coded references hold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(PLAIN[ref_id], sleep_names())
    ours = mixeq.anova(fit, type=3)
    theirs = pd.DataFrame(reference(ref_id)["anova_satterthwaite"])
    ours.index = theirs.index
    check_anova(ours, theirs)
