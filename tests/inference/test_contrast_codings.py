"""Type III F tests of models coded with sum and Helmert contrasts (``C(f, contr.sum)``)
against lmerTest 3.1-3's anova(type = 3) of the same models (tests/data/inference_weighted,
made by tools/make_weighted_inference_references.R)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from mixeq.inference.contrasts import type3_contrasts
from mixeq.inference.state import access

from .helpers import rel
from .test_satterthwaite import check_anova

CASES = ["cake_sum_helmert", "ham_sum"]


def reference(ref_id: str) -> dict:
    return json.loads((DATA / "inference_weighted" / f"{ref_id}.json").read_text())


def fitted(ref_id: str):
    ref = reference(ref_id)
    return mixeq.fit(ref["formula"], load_dataset(ref["dataset"]))


@pytest.mark.parametrize("ref_id", CASES)
def test_type3_with_sum_and_helmert_contrasts_as_lmertest(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    check_anova(mixeq.anova(fit, type=3), pd.DataFrame(ref["anova_satterthwaite"]))
    check_anova(mixeq.anova(fit, type=3, ddf="kenward-roger"),
                pd.DataFrame(ref["anova_kenward_roger"]), df_tol=1e-2)
    check_anova(mixeq.anova(fit, type=1), pd.DataFrame(ref["anova_type1_satterthwaite"]))
    # coefficients in R's order (R names sum-coded columns by number, formulaic by level)
    theirs = pd.DataFrame(ref["satterthwaite"])
    ours = fit.coef_table()
    assert rel(ours["Estimate"].to_numpy(), theirs["Estimate"].to_numpy()) < 1e-4
    assert rel(ours["df"].to_numpy(), theirs["df"].to_numpy()) < 1e-3


def test_type3_is_the_same_in_every_coding():
    """lmerTest's type III hypotheses do not depend on the coding: the treatment-coded
    model gives the sum-coded one's F tests; the treatment contrasts applied to the
    sum-coded β without mapping (a planted break) do not."""
    data = load_dataset("cake")
    coded = fitted("cake_sum_helmert")
    plain = mixeq.fit("angle ~ recipe * temperature + (1 | recipe:replicate)", data)
    a, b = mixeq.anova(coded, type=3), mixeq.anova(plain, type=3)
    np.testing.assert_allclose(a["F value"].to_numpy(), b["F value"].to_numpy(), rtol=1e-6)
    L_plain = type3_contrasts(access(plain))["recipe"]
    beta = access(coded).beta
    from mixeq.inference.satterthwaite import contrast_md
    from mixeq.inference.coeftable import satterthwaite_cov

    F_wrong, *_ = contrast_md(satterthwaite_cov(coded), beta, L_plain)
    assert abs(F_wrong / a["F value"].iloc[0] - 1) > 0.01
