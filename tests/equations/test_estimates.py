"""use_estimates=True puts lme4's numbers into the equations.

The fit object is a stand-in carrying lme4's own estimates (tests/data/reference),
so these tests check the substitution, not our fitter.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import load_reference
from mixeq.equations import render

from .helpers import model


class LmeFit:
    """A fit with lme4's estimates: fixef, sigma, term covariances from VarCorr."""

    def __init__(self, ref_id: str, model_id: str):
        self.ref = load_reference(ref_id)
        self.model = model(model_id)
        self.fixef = pd.Series(self.ref["fixef"])
        self.sigma = self.ref["sigma"]

    def term_covariances(self):
        vc = self.ref["varcorr"]
        out = []
        for term in self.model.terms:
            cols = term.columns
            cov = np.zeros((len(cols), len(cols)))
            for grp, v1, v2, vcov in zip(vc["grp"], vc["var1"], vc["var2"], vc["vcov"]):
                if grp.split(".")[0] != term.group or v1 not in cols:
                    continue
                a = cols.index(v1)
                b = a if v2 is None else cols.index(v2)
                cov[a, b] = cov[b, a] = vcov
            out.append(cov)
        return out


def test_textbook_estimates_in_multilevel_form():
    fit = LmeFit("seedlike_crosslevel", "textbook")
    text = render(fit, "multilevel", "text", use_estimates=True).text
    # lme4: (Intercept) 2.1236, m 0.4979, x 1.6093, x:m 0.9393
    assert "β₀ⱼ = 2.12 + 0.50 mⱼ + U₀ⱼ" in text
    assert "β₁ⱼ = 1.61 + 0.94 mⱼ + U₁ⱼ" in text
    # sigma 1.2229 → σ² 1.50; tau00 1.26, tau11 0.33, tau01 0.36
    assert "εᵢⱼ ∼ N(0, 1.50)" in text
    assert "⎡ 1.26  0.36 ⎤" in text and "⎣ 0.36  0.33 ⎦" in text
    assert any("Estimates substituted" in n for n in render(fit, use_estimates=True).notes)


def test_digits_option_and_gelman_hill_estimates():
    fit = LmeFit("sleepstudy_slope_reml", "sleepstudy_slope")
    text = render(fit, "gelman-hill", "text", use_estimates=True, digits=1).text
    # lme4: fixef 251.405, 10.467; VarCorr 612.10, 35.07, cov 9.60; sigma 25.59
    assert "251.4" in text and "10.5" in text
    assert "612.1" in text and "35.1" in text and "9.6" in text
    assert "654.9" in text  # sigma^2 = 25.592^2


def test_without_use_estimates_a_fit_renders_symbols():
    fit = LmeFit("sleepstudy_slope_reml", "sleepstudy_slope")
    assert "γ₀₀" in render(fit, "composite", "text").text


def test_uncorrelated_model_keeps_zeros_with_estimates():
    fit = LmeFit("sleepstudy_uncorrelated", "sleepstudy_uncorrelated")
    latex = render(fit, "multilevel", use_estimates=True, digits=1).latex
    assert r"& 0 \\ 0 &" in latex


def test_a_real_fit_shows_estimates_close_to_lme4():
    fit = model("sleepstudy_slope").fit()
    text = render(fit, "multilevel", "text", use_estimates=True, digits=1).text
    # lme4 (REML): fixef 251.405, 10.467; VarCorr 612.10, 35.07, 9.60; sigma^2 654.94
    for number in ("251.4", "10.5", "612.1", "35.1", "9.6", "654.9"):
        assert number in text
    stacked = render(fit, "stacked", "text", use_estimates=True, digits=3).text
    # lme4's theta: 0.967, 0.015, 0.231
    assert "0.967" in stacked and "0.015" in stacked and "0.231" in stacked


def _real_fit(formula, dataset):
    import warnings

    import mixeq
    from conftest import load_dataset

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.fit(formula, load_dataset(dataset))


def test_a_real_nested_fit_fills_every_variance_of_the_three_levels():
    fit = _real_fit("strength ~ 1 + (1 | batch/cask)", "Pastes")
    text = render(fit, "multilevel", "text", use_estimates=True).text
    # lme4 (REML): (Intercept) 60.05; cask:batch 8.434, batch 1.657; sigma^2 0.678
    assert "β₀₀ₖ = 60.05 + u₀₀ₖ" in text
    assert "r₀ⱼₖ ∼ N(0, 8.43)" in text and "u₀₀ₖ ∼ N(0, 1.66)" in text
    assert "εᵢⱼₖ ∼ N(0, 0.68)" in text
    assert "τ" not in text and "γ" not in text and "σ²" not in text.split("Note")[0]


def test_a_real_crossed_fit_in_every_form_leaves_no_parameter_symbol():
    from mixeq.equations import FORMS

    fit = _real_fit("diameter ~ 1 + (1 | plate) + (1 | sample)", "Penicillin")
    # lme4 (REML): (Intercept) 22.972; plate 0.717, sample 3.731; sigma^2 0.302
    for form in FORMS:
        if form == "matrix":
            continue
        text = render(fit, form, "text", use_estimates=True).text
        body = text.split("\nNote:")[0]
        assert "τ" not in body and "γ" not in body and "σ²" not in body, (form, text)
        if form in ("multilevel", "composite"):
            assert "22.97" in body and "0.72" in body and "3.73" in body and "0.30" in body
    stacked = render(fit, "stacked", "text", use_estimates=True).text
    assert "G = diag(0.72 I_J, 3.73 I_K)" in stacked


def test_a_real_linear_model_fit_degenerates_with_estimates():
    fit = _real_fit("Reaction ~ Days", "sleepstudy")
    eq = render(fit, "composite", "text", use_estimates=True)
    # lm(Reaction ~ Days, sleepstudy): 251.405, 10.467, sigma 47.71
    assert "Reactionᵢ = 251.41 + 10.47 Daysᵢ + εᵢ" in eq.text
    assert "εᵢ ∼ N(0, 2276.69)" in eq.text
    assert eq.notes[-1] == "Estimates substituted: fixed effects, σ² = 2276.69."
