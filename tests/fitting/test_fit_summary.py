"""summary(): lme4's layout with this fit's numbers (checked against lme4's print-out
of summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)))."""
from __future__ import annotations

from fitting.helpers import reference_fit
from mixeq.fitting.summary import abbreviate, r_format


def test_reml_summary_reads_like_lme4():
    text = reference_fit("sleepstudy_slope_reml").summary(ddf="lme4")  # lme4's layout
    lines = text.splitlines()
    assert lines[0].startswith("Linear mixed model fit by REML")
    assert "Formula: Reaction ~ Days + (Days | Subject)" in lines
    assert "REML criterion at convergence: 1743.6" in lines
    assert "Scaled residuals:" in lines
    # lme4: -3.9536 -0.4634  0.0231  0.4634  5.1793
    assert lines[lines.index("Scaled residuals:") + 2].split() == ["-3.9536", "-0.4634", "0.0231", "0.4634", "5.1793"]
    re_start = lines.index("Random effects:")
    assert lines[re_start + 1].split() == ["Groups", "Name", "Variance", "Std.Dev.", "Corr"]
    # lme4:  Subject  (Intercept) 612.10   24.741
    #                 Days         35.07    5.922   0.07
    #        Residual             654.94   25.592
    assert lines[re_start + 2].split() == ["Subject", "(Intercept)", "612.10", "24.741"]
    assert lines[re_start + 3].split() == ["Days", "35.07", "5.922", "0.07"]
    assert lines[re_start + 4].split() == ["Residual", "654.94", "25.592"]
    assert "Number of obs: 180, groups:  Subject, 18" in lines
    fe = lines.index("Fixed effects:")
    assert lines[fe + 1].split() == ["Estimate", "Std.", "Error", "t", "value"]
    # lme4: (Intercept)  251.405      6.825  36.838
    #       Days          10.467      1.546   6.771
    assert lines[fe + 2].split() == ["(Intercept)", "251.405", "6.825", "36.838"]
    assert lines[fe + 3].split() == ["Days", "10.467", "1.546", "6.771"]
    assert lines[-2].split() == ["(Intr)"]
    assert lines[-1].split() == ["Days", "-0.138"]


def test_ml_summary_has_the_information_criteria():
    lines = reference_fit("sleepstudy_slope_ml").summary().splitlines()
    assert lines[0] == "Linear mixed model fit by maximum likelihood (mixeq)"
    i = next(k for k, line in enumerate(lines) if line.split()[:2] == ["AIC", "BIC"])
    # lme4: 1763.9 1783.1 -876.0 1751.9 174
    assert lines[i + 1].split() == ["1763.9", "1783.1", "-876.0", "1751.9", "174"]


def test_singular_fit_is_announced_and_several_groups_listed():
    assert "boundary (singular) fit" in reference_fit("dyestuff2_boundary").summary()
    text = reference_fit("pastes_nested").summary()
    assert "groups:  cask:batch, 30; batch, 10" in text
    assert "Subject.1" in reference_fit("sleepstudy_uncorrelated").summary()


def test_abbreviate_like_r():
    assert abbreviate("(Intercept)") == "(Intr)"
    assert abbreviate("Days") == "Days"
    assert abbreviate("service1") == "servc1"  # stops once 6 characters are left


def test_r_format_uses_common_decimals():
    assert r_format([612.1002, 35.07171, 654.94]) == ["612.10", "35.07", "654.94"]
    assert r_format([24.7407, 5.9221, 25.5918]) == ["24.741", "5.922", "25.592"]
    assert r_format([0.0, 2.5]) == ["0.0", "2.5"]
