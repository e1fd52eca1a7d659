"""GLMM equations read back (issue 10, "`mixeq check` reads GLMM equations back"): the
textbook notations — y_ij | β_0j ~ Bernoulli(p_ij) / Binomial(n_ij, p_ij) / Poisson(λ_ij),
logit(p_ij) = η_ij = β_0j + …, log(λ_ij) = log(t_ij) + … (an offset), Φ⁻¹(p_ij) (probit),
Gelman–Hill's Pr(y_i = 1) = logit⁻¹(α_j[i] + …) — give the formula and the family and link
(result fields, `mixeq check` and its --json); what is wrong is a diagnostic; and mixeq's
own GLMM forms (every lme4 GLMM reference of tests/data, every form and format) read back
to the same model, family and link."""
from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import pytest
from conftest import DATA, load_dataset

import mixeq
from mixeq.equations import render, symbolic_model
from mixeq.errors import RenderError
from mixeq.reader import read_equations

MULTILEVEL = r"""
y_{ij} \mid \beta_{0j}, \beta_{1j} \sim \operatorname{Bernoulli}(p_{ij})
\operatorname{logit}(p_{ij}) = \eta_{ij} = \beta_{0j} + \beta_{1j} x_{ij}
\beta_{0j} = \gamma_{00} + \gamma_{01} m_{j} + u_{0j}
\beta_{1j} = \gamma_{10} + u_{1j}
"""


def read(text: str, **options):
    return read_equations(text, render=False, **options)


@pytest.mark.parametrize("text, formula, family, link", [
    (MULTILEVEL, "y ~ 1 + x + m + (1 + x | j)", "binomial", "logit"),
    # the linear predictor on its own line, probit written Φ^{-1}
    ("y_ij | b0j ~ Bernoulli(p_ij)\n\\Phi^{-1}(p_ij) = eta_ij\neta_ij = b0j + b1j*x_ij\n"
     "b0j = g00 + u0j\nb1j = g10", "y ~ 1 + x + (1 | j)", "binomial", "probit"),
    # Unicode text, Binomial with its trials: cbind(s, n - s)
    ("sᵢⱼ | β₀ⱼ ∼ Binomial(nᵢⱼ, pᵢⱼ)\nlogit(pᵢⱼ) = β₀ⱼ + β₁ⱼ xᵢⱼ\nβ₀ⱼ = γ₀₀ + U₀ⱼ\nβ₁ⱼ = γ₁₀",
     "cbind(s, n - s) ~ 1 + x + (1 | j)", "binomial", "logit"),
    # Poisson with an offset log(t_ij), coefficient 1
    (r"y_{ij} \mid \beta_{0j} \sim \operatorname{Poisson}(\lambda_{ij})" "\n"
     r"\log(\lambda_{ij}) = \log(t_{ij}) + \beta_{0j} + \beta_{1j} x_{ij}" "\n"
     r"\beta_{0j} = \gamma_{00} + U_{0j}" "\n" r"\beta_{1j} = \gamma_{10}",
     "y ~ 1 + x + offset(log(t)) + (1 | j)", "poisson", "log"),
    # Gelman–Hill, as equatiomatic writes glmer models
    (r"\Pr(y_i = 1) = \operatorname{logit}^{-1}(\alpha_{j[i]} + \beta_{1} x_{i})" "\n"
     r"\alpha_{j} \sim N(\mu_{\alpha}, \sigma^2_{\alpha})",
     "y ~ 1 + x + (1 | j)", "binomial", "logit"),
    ("Pr(yᵢ = 1) = Φ(α_(j[i]) + β₁ xᵢ)\nαⱼ ∼ N(μ_α, σ_α²)",
     "y ~ 1 + x + (1 | j)", "binomial", "probit"),
    ("s_i ~ Binomial(n_i, p_i)\np_i = logit^{-1}(α_j[i] + beta_1 x_i)\n"
     "αⱼ ∼ N(μ_α, σ_α²)", "cbind(s, n - s) ~ 1 + x + (1 | j)", "binomial",
     "logit"),
    ("y_i ~ Poisson(lambda_i)\nlog(lambda_i) = log(t_i) + α_j[i] + beta_1 x_i\n"
     "αⱼ ∼ N(μ_α, σ_α²)", "y ~ 1 + x + offset(log(t)) + (1 | j)",
     "poisson", "log"),
    # cloglog, and a composite equation on the link scale next to the level equations
    ("y_ij | b0j ~ Bernoulli(p_ij)\ncloglog(p_ij) = b0j + b1j*x_ij\nb0j = g00 + u0j\n"
     "b1j = g10\ncloglog(p_ij) = g00 + g10*x_ij + u0j", "y ~ 1 + x + (1 | j)", "binomial",
     "cloglog"),
])
def test_textbook_glmm_equations_give_formula_family_and_link(text, formula, family, link):
    r = read(text)
    assert r.diagnostics == [], "\n".join(map(str, r.diagnostics))
    assert (r.formula, r.family, r.link) == (formula, family, link)
    assert r.glmer == f'glmer({formula}, family = {family}(link = "{link}"))'
    assert r.to_dict()["family"] == family and r.to_dict()["link"] == link


def test_a_composite_that_disagrees_on_the_link_scale_is_named():
    r = read("y_ij | b0j ~ Bernoulli(p_ij)\nlogit(p_ij) = b0j + b1j*x_ij\nb0j = g00 + u0j\n"
             "b1j = g10\nlogit(p_ij) = g00 + u0j")
    assert r.codes() == ["composite-mismatch"]


def test_an_epsilon_at_level_1_of_a_glmm_is_a_remark_with_its_correction():
    r = read(MULTILEVEL.replace("x_{ij}\n", r"x_{ij} + \varepsilon_{ij}" "\n"))
    (d,) = r.diagnostics
    assert d.code == "glmm-residual" and d.line == 3 and "binomial" in d.message
    assert d.corrected == r"\operatorname{logit}(p_{ij}) = \eta_{ij} = \beta_{0j} + " \
        r"\beta_{1j} x_{ij}"
    assert r.formula == "y ~ 1 + x + m + (1 + x | j)" and r.family == "binomial"


def test_a_distribution_without_link_is_read_with_the_usual_link_and_said():
    r = read("y_ij | b0j ~ Bernoulli(p_ij)\np_ij = b0j + b1j*x_ij\nb0j = g00 + u0j\nb1j = g10")
    (d,) = r.diagnostics
    assert d.code == "glmm-no-link" and "logit" in d.message
    assert d.corrected == "logit(p_ij) = b0j + b1j*x_ij"
    assert (r.formula, r.family, r.link) == ("y ~ 1 + x + (1 | j)", "binomial", "logit")
    r = read("y_ij ~ Poisson(l_ij)\nb0j = g00 + u0j")
    (d,) = [d for d in r.diagnostics if d.code == "glmm-no-link"]
    assert "add log(l_ij)" in d.message


@pytest.mark.parametrize("text, family, link", [
    ("y_ij ~ Poisson(l_ij)\nlogit(l_ij) = b0j\nb0j = g00 + u0j", "poisson", "logit"),
    ("y_ij ~ Bernoulli(p_ij)\nlog(p_ij) = b0j\nb0j = g00 + u0j", "binomial", "log"),
])
def test_a_link_outside_the_distributions_domain_is_a_remark(text, family, link):
    r = read(text)
    assert r.codes() == ["glmm-link-domain"] and (r.family, r.link) == (family, link)


def test_a_link_of_another_mean_and_a_link_with_no_distribution():
    r = read("y_ij ~ Bernoulli(p_ij)\nlogit(q_ij) = b0j\nb0j = g00 + u0j")
    (d,) = r.diagnostics
    assert d.code == "glmm-mean-mismatch" and d.corrected == "logit(p_ij) = b0j"
    r = read("logit(p_ij) = b0j + b1j*x_ij\nb0j = g00 + u0j\nb1j = g10")
    assert r.codes() == ["glmm-no-distribution"] and r.family == "binomial"


def test_a_linear_model_is_no_glmm():
    r = read("y_ij = b0j + e_ij\nb0j = g00 + u0j")
    assert r.family is None and r.link is None and r.glmer is None
    assert r.to_dict()["family"] is None


def test_check_cli_prints_family_and_link_and_json(tmp_path, capsys):
    from mixeq.cli.main import main

    path = tmp_path / "glmm.tex"
    path.write_text(MULTILEVEL)
    assert main(["check", str(path), "--group", "j=school"]) == 0
    out = capsys.readouterr().out
    assert "Family and link:\n  binomial, logit link" in out
    assert 'glmer(y ~ 1 + x + m + (1 + x | school), family = binomial(link = "logit"))' in out
    assert main(["check", str(path), "--json", "--form", "composite", "--verify"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["family"], data["link"]) == ("binomial", "logit")
    assert "logit" in data["forms"]["composite"] and data["verify"]["ok"]


# -- mixeq's own GLMM forms read back -------------------------------------------------
REFERENCES = sorted({(r["formula"], r["family"], r["link"])
                     for folder in ("reference_glmm", "reference_glmm_links")
                     for r in (json.loads(p.read_text())
                               for p in (DATA / folder).glob("*.json"))
                     if r["family"] != "gaussian"})
FORMS = ("multilevel", "gelman-hill", "composite", "matrix", "observation")


def _expected(spec, form: str):
    """What the form can show: the one-observation form writes the link of the mean of the
    successes but not the trials of a cbind() response, so it reads back with the successes
    as the outcome (every other form writes Binomial(n_ij, p_ij) with n = size)."""
    if form == "observation" and spec.response.startswith("cbind("):
        return dataclasses.replace(spec, response=spec.response[6:].split(",")[0])
    return spec


@pytest.mark.parametrize("fmt", ["latex", "text"])
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("formula, family, link", REFERENCES)
def test_mixeqs_glmm_forms_read_back(formula, family, link, form, fmt):
    spec = mixeq.parse(formula)
    try:
        eq = render(formula, form=form, format=fmt, family=family, link=link, max_cols=0)
    except RenderError as exc:
        assert form == "matrix" and "crossed" in str(exc)
        return
    text = getattr(eq, fmt)
    letters = {g.letter: g.name for g in symbolic_model(spec).groups.values()}
    r = read_equations(text, group_map=letters, render=False)
    assert r.diagnostics == [], "\n".join(map(str, r.diagnostics)) + "\n" + text
    assert (r.family, r.link) == (family, link), text
    assert r.spec == _expected(spec, form), f"read back as {r.formula}\n{text}"


@pytest.mark.parametrize("fmt", ["latex", "text"])
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("formula, family, link", [
    ("y ~ x + (x || g)", "binomial", "cloglog"), ("y ~ 1 + (1 | a/b)", "poisson", "log"),
    ("y ~ x + m + (1 + x | g)", "binomial", "logit")])
def test_uncorrelated_and_nested_glmm_forms_read_back(formula, family, link, form, fmt):
    spec = mixeq.parse(formula)
    text = getattr(render(formula, form=form, format=fmt, family=family, link=link), fmt)
    letters = {g.letter: g.name for g in symbolic_model(spec).groups.values()}
    r = read_equations(text, group_map=letters, render=False)
    assert r.diagnostics == [] and (r.family, r.link) == (family, link), text
    if form == "observation" and "||" in formula:  # one row shows no correlation
        assert r.spec.random != spec.random and r.spec.fixed == spec.fixed
        return
    assert r.spec == spec, f"read back as {r.formula}\n{text}"


@pytest.mark.parametrize("form", FORMS)
def test_glmm_forms_with_data_read_back(form):
    """cbpp (period a factor: its dummies period_2, period_3, period_4 read as the factor)."""
    data = load_dataset("cbpp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("cbind(incidence, size - incidence) ~ period + (1 | herd)", data,
                        family="binomial")
    for fmt in ("latex", "text"):
        text = getattr(render(m, form=form, format=fmt, max_cols=0), fmt)
        r = read_equations(text, group_map={"j": "herd"}, render=False)
        assert r.diagnostics == [] and (r.family, r.link) == ("binomial", "logit"), text
        assert r.spec == _expected(m.spec, form), f"read back as {r.formula}\n{text}"
