"""``mixeq explain`` and ``mixeq design`` with ``--family/--link`` (issue 10): a GLMM's
equations from the shell, with and without data, and the design's family facts."""
import json

from conftest import DATA
from mixeq.cli.main import main

CBPP = ["--data", str(DATA / "cbpp.csv"), "--factors", str(DATA / "factors.json")]
CBIND = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


def test_explain_a_formula_with_family_and_link(capsys):
    assert main(["explain", "passed ~ hours + (1 + hours | school)", "--family", "binomial",
                 "--link", "probit", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "passedᵢⱼ | β₀ⱼ, β₁ⱼ ∼ Bernoulli(pᵢⱼ)" in out and "Φ⁻¹(pᵢⱼ) = ηᵢⱼ" in out
    assert "all forms agree" in out and "Bernoulli with the probit link" in out


def test_explain_with_data_estimates_and_verify(capsys):
    assert main(["explain", CBIND, *CBPP, "--family", "binomial", "--form", "composite",
                 "--use-estimates", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "logit(pᵢⱼ) = -1.40 - 0.99 period_2ᵢⱼ" in out  # lme4: -1.3983, -0.9919
    assert "incidenceᵢⱼ | U₀ⱼ ∼ Binomial(sizeᵢⱼ, pᵢⱼ)" in out
    assert "[ok] substituted estimates equal the fit's" in out


def test_explain_offset_column_and_latex(capsys):
    assert main(["explain", "y ~ x + z + (1 | g)", "--data", str(DATA / "poisson_offset.csv"),
                 "--family", "poisson", "--offset", "exposure", "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert r"\log\left(\lambda_{ij}\right) = \eta_{ij} &= {\operatorname{exposure}}_{ij}" in out


def test_explain_refuses_weights_without_data(capsys):
    assert main(["explain", "y ~ x + (1 | g)", "--family", "poisson", "--weights", "w"]) != 0
    assert "--data" in capsys.readouterr().err


def test_design_json_and_text_name_the_family(capsys):
    assert main(["design", CBIND, *CBPP, "--family", "binomial", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["family"] == "binomial" and facts["link"] == "logit"
    assert facts["trials_total"] == 842  # sum(cbpp$size)
    assert facts["X_columns"] == ["(Intercept)", "period2", "period3", "period4"]
    assert main(["design", "y ~ x + z + offset(log(exposure)) + (1 | g)", "--data",
                 str(DATA / "poisson_offset.csv"), "--family", "poisson"]) == 0
    assert "family       poisson (log link), offset log(exposure)" in capsys.readouterr().out
