"""verify() on models with contrasts named in C() (``C(f, sum)1``, ``C(k, contr.poly).L``,
``C(f, contr.treatment)2``): a contrast column's value comes from the one table of
contrasts on the factor's levels (mixeq/equations/proof_expr.py: contrast_column), so every
form is proved; planted breaks (another contrast, another column, another variable) fail."""
from __future__ import annotations

import re

import numpy as np
import pytest

from design.r_names import models, sleep_names
from equations.test_verify import everywhere, failed
from equations.verify_helpers import X_CHECK, Z_CHECK, quiet_model, relabel
from mixeq.design.names import split_interaction
from mixeq.equations import verify
from mixeq.equations.proof import render_for_proof
from mixeq.equations.proof_expr import contrast_column, level_indicator

FORMULA = ("Reaction ~ Days + C(f, sum) + C(k, contr.poly) + C(f, contr.treatment):Days + "
           "(1 + C(h, helmert) | Subject)")


@pytest.fixture(scope="module")
def coded():
    return quiet_model(FORMULA)


def test_every_form_of_a_contrast_coded_model_is_proved(coded):
    assert "C(k, contr.poly)^4" in coded.X.columns and "Days:C(f, contr.treatment)2" in \
        coded.X.columns
    report = verify(coded)
    assert report.ok, str(report)
    assert f"{coded.X.shape[1]} columns of X equal, by name (β) and value" in str(report)
    fit_report = verify(coded.fit())
    assert all(c.passed for c in fit_report.checks), str(fit_report)


@pytest.mark.parametrize("formula", [
    "Reaction ~ 0 + C(f, helmert) + C(k, SAS):Days + (1 | Subject)",
    "Reaction ~ I(Days > 5) * C(f, contr.SAS) + (1 | Subject)",
    "Reaction ~ factor(Days) + C(h, treatment) + (1 | Subject)"])
def test_indicator_columns_of_coded_factors_are_proved(formula):
    report = verify(quiet_model(formula))
    assert report.ok, str(report)


@pytest.mark.parametrize("base, wrong", [
    ("C(f, sum)", "C(f, helmert)"),          # another coding of the same factor
    ("C(f, sum)", "C(h, sum)"),              # another factor
    ("C(k, contr.poly)", "C(k, contr.sum)"),
    ("C(f, contr.treatment)", "C(f, contr.SAS)")])
def test_another_contrast_in_the_equations_fails(coded, base, wrong):
    broken = everywhere(render_for_proof(coded), relabel(base, wrong))
    assert X_CHECK in failed(verify(coded, rendering=broken))


@pytest.mark.parametrize("base, swap", [
    ("C(f, sum)", {"1": "2", "2": "1"}),
    ("C(k, contr.poly)", {".L": ".Q", ".Q": ".L"}),
    ("C(f, contr.treatment)", {"2": "3", "3": "2"})])
def test_another_column_of_the_contrast_fails(coded, base, swap):
    broken = everywhere(render_for_proof(coded), relabel(base, label=lambda lab: swap.get(lab, lab)))
    assert X_CHECK in failed(verify(coded, rendering=broken))


def test_a_wrong_contrast_in_a_random_term_fails(coded):
    broken = everywhere(render_for_proof(coded), relabel("C(h, helmert)", "C(h, contr.poly)"))
    report = verify(coded, rendering=broken)
    assert Z_CHECK in failed(report)


REFS = models(contrasts=True)
_COLUMN = re.compile(r"^(C\((?:[^()]|\([^()]*\))*\))(.+)$")


@pytest.mark.parametrize("ref", REFS, ids=[r["formula"] for r in REFS])
def test_contrast_columns_are_r_s(ref):
    """Each C() column of lme4's X, computed from its name on the data: R's numbers."""
    data = sleep_names()
    checked = 0
    for name, values in zip(ref["X_columns"], ref["X"]):
        parts = split_interaction(name)
        if not any(p.startswith("C(") for p in parts) or not all(
                p.startswith("C(") or p == "Days" for p in parts):
            continue
        got = np.ones(len(data))
        for part in parts:
            if part == "Days":
                got = got * data["Days"].to_numpy(dtype=float)
                continue
            call, label = _COLUMN.match(part).groups()
            coded = contrast_column(call, label, data)
            if coded is None:        # a level's indicator (0 + C(f, sum)): the plain dummy
                coded = level_indicator(call, label, data)
            got = got * coded
        np.testing.assert_allclose(got, values, atol=1e-12)
        checked += 1
    assert checked >= 1
