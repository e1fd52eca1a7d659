"""GLMM equations (issue 10, "Every notation"): every lme4 reference fit in tests/data
(reference_glmm, reference_glmm_links) written in every form and format, typeset by KaTeX
and pdflatex, proved by verify() with its estimates; the textbook forms checked by their
content; and planted breaks (wrong link, ε at level 1, missing offset, wrong distribution,
dropped weights) that verify() must catch."""
from __future__ import annotations

import dataclasses
import json
import math
import sys
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

import mixeq
from conftest import DATA, load_dataset
from mixeq.equations import FORMATS, FORMS, render, verify
from mixeq.equations.proof import render_for_proof
from mixeq.equations.tree import Add, Call, Relation, Row, Sym
from mixeq.errors import RenderError

from .helpers import assert_katex_renders, compile_displays, needs_pdflatex

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fitting"))
from glmm_helpers import glmm_fit  # noqa: E402

CASES = [("reference_glmm", p.stem) for p in sorted((DATA / "reference_glmm").glob("*.json"))] \
    + [("reference_glmm_links", p.stem)
       for p in sorted((DATA / "reference_glmm_links").glob("*.json"))]
FAMILY = "distribution, link and offset are the model's family"


@lru_cache(maxsize=None)
def reference_fit(folder: str, ref_id: str):
    ref = json.loads((DATA / folder / f"{ref_id}.json").read_text())
    if folder == "reference_glmm":
        return glmm_fit(ref_id), ref
    data = load_dataset(ref["dataset"])
    weights = np.resize([1.0, 2.0, 0.5], len(data)) if ref["weights"] else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(ref["formula"], data, family=ref["family"], link=ref["link"],
                        weights=weights)
    return fit, ref


def every_rendering(fit) -> dict[str, str]:
    out = {}
    for form in FORMS:
        for subject, tag in ((fit.model, ""), (fit, "+estimates")):
            try:
                eq = render(subject, form=form, format="latex",
                            use_estimates=bool(tag))
            except RenderError as exc:
                assert form == "matrix" and "crossed" in str(exc)
                continue
            out[f"{form}{tag}"] = eq.latex
            for fmt in FORMATS:
                assert str(render(subject, form=form, format=fmt, use_estimates=bool(tag)))
    return out


@pytest.mark.parametrize("folder,ref_id", CASES)
def test_every_form_and_format_renders_and_passes_katex(folder, ref_id):
    fit, _ = reference_fit(folder, ref_id)
    latex = every_rendering(fit)
    assert len(latex) >= 12
    assert_katex_renders({f"{ref_id} {k}": v for k, v in latex.items()})


@pytest.mark.parametrize("folder,ref_id", CASES)
def test_verify_proves_the_forms_and_the_estimates(folder, ref_id):
    fit, ref = reference_fit(folder, ref_id)
    report = verify(fit)
    assert report.ok, str(report)
    assert report.check(FAMILY).passed
    assert report.check("substituted estimates").passed
    assert report.check("columns of X").passed
    if ref["family"] != "gaussian":
        assert "no σ²" in report.check("substituted estimates").detail


@needs_pdflatex
def test_every_glmm_form_compiles_with_pdflatex(tmp_path):
    parts = []
    for folder, ref_id in CASES:
        fit, _ = reference_fit(folder, ref_id)
        parts += list(every_rendering(fit).values())
    compile_displays(parts, tmp_path)


# -- the textbook forms, by content -------------------------------------------------------
def text(fit, form, **options):
    return render(fit.model, form=form, format="text", wrap=None, **options).text


def test_binomial_cbind_multilevel_has_no_residual():
    fit, _ = reference_fit("reference_glmm", "cbpp_binomial")
    out = text(fit, "multilevel")
    assert "incidenceᵢⱼ | β₀ⱼ ∼ Binomial(sizeᵢⱼ, pᵢⱼ)" in out
    assert "logit(pᵢⱼ) = ηᵢⱼ = β₀ⱼ + β₁ⱼ period_2ᵢⱼ" in out
    assert "β₀ⱼ = γ₀₀ + U₀ⱼ" in out and "U₀ⱼ ∼ N(0, τ₀₀)" in out
    assert "ε" not in out and "σ" not in out
    latex = render(fit.model, form="multilevel").latex
    assert r"\operatorname{logit}\left(p_{ij}\right) = \eta_{ij}" in latex


def test_probit_and_cloglog_links_write_their_symbols():
    probit, _ = reference_fit("reference_glmm_links", "cbpp_probit")
    assert "Φ⁻¹(pᵢⱼ) = ηᵢⱼ" in text(probit, "multilevel")
    assert r"\Phi^{-1}\left(p_{ij}\right)" in render(probit, form="composite").latex
    assert "pᵢ = Φ(" in text(probit, "gelman-hill")
    cloglog, _ = reference_fit("reference_glmm_links", "cbpp_cloglog")
    assert "cloglog(pᵢⱼ) = ηᵢⱼ" in text(cloglog, "multilevel")
    assert "cloglog⁻¹(" in text(cloglog, "gelman-hill")


def test_gelman_hill_binary_response_as_equatiomatic():
    fit, _ = reference_fit("reference_glmm", "verbagg_crossed")
    out = text(fit, "gelman-hill")
    assert out.startswith("Pr(r2ᵢ = 1) = logit⁻¹(ηᵢ)")
    assert "ηᵢ = β₀ + β₁ Anger_(j[i])" in out and "a_(j[i])" in out and "b_(k[i])" in out
    probit, _ = reference_fit("reference_glmm_links", "verbagg_probit")
    assert text(probit, "gelman-hill").startswith("Pr(r2ᵢ = 1) = Φ(ηᵢ)")
    short = render("passed ~ hours + (1 | school)", form="gelman-hill", format="text",
                   family="binomial").text
    assert short.startswith("Pr(passedᵢ = 1) = logit⁻¹(α_(j[i]) + β₁ hoursᵢ)")


def test_poisson_offset_in_every_form():
    fit, _ = reference_fit("reference_glmm", "poisson_offset")
    assert "log(λᵢⱼ) = ηᵢⱼ = log(exposureᵢⱼ) + β₀ⱼ + β₁ⱼ xᵢⱼ" in text(fit, "multilevel")
    assert "yᵢⱼ | β₀ⱼ ∼ Poisson(λᵢⱼ)" in text(fit, "multilevel")
    gh = text(fit, "gelman-hill")
    assert "yᵢ ∼ Poisson(λᵢ)" in gh and "log(λᵢ) = log(exposureᵢ) + α_(j[i])" in gh
    assert "log(E[Yⱼ | bⱼ]) = oⱼ + Xⱼ β + Zⱼ bⱼ" in text(fit, "matrix")
    assert "log(λ₁ⱼ) = log(exposure₁ⱼ) + 1·γ₀₀" in text(fit, "observation")
    stacked = text(fit, "stacked")
    assert "log(E[y | b]) = o + X β + Z b" in stacked and "has no closed form" in stacked
    assert "u ∼ N(0, I_q)" in stacked and "σ" not in stacked


def test_matrix_and_stacked_forms_on_the_link_scale():
    fit, _ = reference_fit("reference_glmm", "cbpp_binomial")
    matrix = text(fit, "matrix")  # Binomial counts: the link of the success probabilities
    assert matrix.lstrip().startswith("logit(pⱼ) = Xⱼ β + Zⱼ bⱼ")
    assert "E[incidenceᵢⱼ | bⱼ] = sizeᵢⱼ pᵢⱼ" in matrix
    assert "bⱼ ∼ N(0, τ₀₀)" in matrix and "εⱼ" not in matrix
    stacked = text(fit, "stacked")
    assert stacked.lstrip().startswith("logit(p) = X β + Z b")
    assert "b ∼ N(0, G)" in stacked and "marginal distribution of y" in stacked
    binary, _ = reference_fit("reference_glmm", "verbagg_crossed")  # Bernoulli: E[y | b]
    assert text(binary, "stacked").lstrip().startswith("logit(E[y | b]) = X β + Z b")
    numbers = render(fit.model, form="matrix", format="text", cluster="1").tree
    assert numbers.row("Y").relation.rhs.rows[0][0].value == 2  # herd 1, row 1: 2 of 14


def test_a_proportion_with_its_trials_as_weights_is_written_as_counts():
    cbpp = load_dataset("cbpp")
    m = mixeq.Model("incidence/size ~ period + (1 | herd)", cbpp, family="binomial",
                    weights="size")
    out = render(m, form="multilevel", format="text").text
    assert "incidenceᵢⱼ | β₀ⱼ ∼ Binomial(sizeᵢⱼ, pᵢⱼ)" in out  # size × incidence/size
    report = verify(m)
    assert report.ok and report.check("rows 1, 2").passed, str(report)
    other = cbpp.assign(prop=cbpp["incidence"] / cbpp["size"])
    m = mixeq.Model("prop ~ period + (1 | herd)", other, family="binomial", weights="size")
    assert "sizeᵢⱼ propᵢⱼ | β₀ⱼ ∼ Binomial(sizeᵢⱼ, pᵢⱼ)" in render(m, format="text").text
    assert verify(m).ok


def test_explain_words_and_ratios_from_the_fit():
    fit, ref = reference_fit("reference_glmm", "cbpp_binomial")
    out = render(fit, form="explain", format="text", use_estimates=True, wrap=None).text
    assert "log-odds" in out and "odds ratio" in out and "no residual" in out
    ratio = math.exp(ref["fixef"]["period2"])
    assert f"= {ratio:.2f} is the odds ratio for one unit more of period_2" in out
    pois, ref = reference_fit("reference_glmm", "poisson_offset")
    out = render(pois, form="explain", format="text", use_estimates=True, wrap=None).text
    assert f"= {math.exp(ref['fixef']['x']):.2f} is the rate ratio" in out
    assert "per unit of exposure" in out


def test_estimates_substituted_without_sigma():
    fit, ref = reference_fit("reference_glmm", "grouseticks_poisson")
    eq = render(fit, form="composite", format="text", use_estimates=True)
    assert f"{ref['fixef']['(Intercept)']:.2f}" in eq.text
    assert "σ" not in eq.text.split("Note")[0] and "no σ" in eq.notes[-1]


def test_weighted_lmm_residual_variance_over_the_weights():
    fit, _ = reference_fit("reference_glmm", "sleepstudy_weights")
    out = text(fit, "multilevel")
    assert "εᵢⱼ ∼ N(0, σ² wᵢⱼ⁻¹)" in out and "Reactionᵢⱼ = β₀ⱼ" in out


def test_formula_alone_with_family_and_link():
    eq = render("y ~ x + (1 | g)", form="multilevel", format="text", family="poisson",
                link="identity")
    assert "λᵢⱼ = ηᵢⱼ = β₀ⱼ + β₁ⱼ xᵢⱼ" in eq.text and "yᵢⱼ | β₀ⱼ ∼ Poisson(λᵢⱼ)" in eq.text
    cbind = render("cbind(s, n - s) ~ x + (1 | g)", form="composite", format="text").text
    assert "sᵢⱼ | U₀ⱼ ∼ Binomial(nᵢⱼ, pᵢⱼ)" in cbind  # cbind(): binomial
    two = render("cbind(s, f) ~ x + (1 | g)", form="composite", format="text").text
    assert "nᵢⱼ = sᵢⱼ + fᵢⱼ" in two
    assert verify("y ~ x + (1 | g)", family="binomial").ok
    glm = render("y ~ x", form="stacked", format="text", family="binomial").text  # no Z
    assert glm.startswith("logit(E[y]) = X β") and "yᵢ ∼ Bernoulli(pᵢ)" in glm
    assert "ε" not in glm and "random effects" not in render(
        "y ~ x", form="explain", format="text", family="binomial").text
    with pytest.raises(RenderError, match="link"):
        render("y ~ x + (1 | g)", family="binomial", link="log")
    fit, _ = reference_fit("reference_glmm", "cbpp_binomial")
    with pytest.raises(RenderError, match="model's family is binomial"):
        render(fit.model, family="poisson")


def test_model_fit_then_equations_with_estimates():
    cbpp = load_dataset("cbpp")
    m = mixeq.Model("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp,
                    family="binomial")
    m.fit()
    assert "-1.40" in m.equations(form="composite", format="text", use_estimates=True).text
    assert m.verify().check("substituted estimates").passed


# -- planted breaks ---------------------------------------------------------------------
def _replace_row(doc, name: str, make):
    for block in doc.blocks:
        for k, row in enumerate(block.rows):
            if row.name == name:
                block.rows[k] = make(row)
                return
    raise AssertionError(f"no row {name}")


def _relink(row: Row, name: str) -> Row:
    rel = row.relation
    lhs = rel.lhs
    if isinstance(lhs, Relation):  # g(p) = η = …
        lhs = Relation(Call(name, lhs.lhs.args), lhs.rel, lhs.rhs)
    else:
        lhs = Call(name, lhs.args)
    return dataclasses.replace(row, relation=Relation(lhs, rel.rel, rel.rhs))


def _broken(subject, form: str, break_row):
    rendering = render_for_proof(subject)
    break_row(rendering.documents[form])
    return verify(subject, rendering=rendering)


@pytest.mark.parametrize("form,row", [("multilevel", "level1"), ("composite", "composite"),
                                      ("observation", "observation"), ("matrix", "matrix"),
                                      ("stacked", "stacked")])
def test_a_wrong_link_symbol_is_caught(form, row):
    fit, _ = reference_fit("reference_glmm_links", "cbpp_probit")
    report = _broken(fit.model, form, lambda d: _replace_row(d, row, lambda r: _relink(r, "logit")))
    assert not report.ok and not report.check(FAMILY).ok
    assert "the link is written logit" in report.check(FAMILY).detail


def test_a_wrong_inverse_link_in_gelman_hill_is_caught():
    fit, _ = reference_fit("reference_glmm", "verbagg_crossed")

    def swap(doc):
        _replace_row(doc, "gh", lambda r: dataclasses.replace(r, relation=Relation(
            r.relation.lhs, "=", Call("Phi", r.relation.rhs.args))))
    report = _broken(fit.model, "gelman-hill", swap)
    assert not report.check(FAMILY).ok and "inverse link" in report.check(FAMILY).detail


def test_epsilon_left_at_level_1_is_caught():
    fit, _ = reference_fit("reference_glmm", "cbpp_binomial")
    sm_residual = Sym("epsilon", ("i", "j"), kind="greek")

    def add_eps(row):
        rel = row.relation
        return dataclasses.replace(row, relation=Relation(
            rel.lhs, "=", Add((*rel.rhs.terms, sm_residual))))
    for form, name in (("multilevel", "level1"), ("composite", "composite")):
        report = _broken(fit.model, form, lambda d: _replace_row(d, name, add_eps))
        assert not report.check(FAMILY).ok, form
        assert "residual ε is written" in report.check(FAMILY).detail


def test_a_missing_offset_is_caught():
    fit, _ = reference_fit("reference_glmm", "poisson_offset")

    def drop_offset(row):
        rel = row.relation
        return dataclasses.replace(row, relation=Relation(rel.lhs, "=", Add(rel.rhs.terms[1:])))
    for form, name in (("composite", "composite"), ("multilevel", "level1"),
                       ("observation", "observation")):
        report = _broken(fit.model, form, lambda d: _replace_row(d, name, drop_offset))
        assert not report.ok, form
        assert "0 offset term(s)" in report.check(FAMILY).detail
    # with data, an offset of another column is caught by value
    def other_offset(row):
        rel = row.relation
        wrong = Call("log", (Sym("x", ("i", "j"), kind="var"),))
        return dataclasses.replace(row, relation=Relation(
            rel.lhs, "=", Add((wrong, *rel.rhs.terms[1:]))))
    report = _broken(fit.model, "composite", lambda d: _replace_row(d, "composite", other_offset))
    assert "differs from m.offset" in report.check(FAMILY).detail


def test_a_wrong_distribution_is_caught():
    fit, _ = reference_fit("reference_glmm", "grouseticks_poisson")

    def bernoulli(row):
        rel = row.relation
        return dataclasses.replace(row, relation=Relation(
            rel.lhs, "~", Call("Bernoulli", rel.rhs.args)))
    for form in ("multilevel", "composite", "matrix" if False else "stacked"):
        report = _broken(fit.model, form, lambda d: _replace_row(d, "response", bernoulli))
        assert not report.check(FAMILY).ok, form
        assert "written Bernoulli, the model's is Poisson" in report.check(FAMILY).detail


def test_wrong_binomial_trials_are_caught():
    fit, _ = reference_fit("reference_glmm", "cbpp_binomial")

    def trials(row):
        rel = row.relation
        n = Sym("incidence", ("i", "j"), kind="var")
        return dataclasses.replace(row, relation=Relation(
            rel.lhs, "~", Call("Binomial", (n, rel.rhs.args[1]))))
    report = _broken(fit.model, "composite", lambda d: _replace_row(d, "response", trials))
    assert "trials written differ" in report.check(FAMILY).detail


def test_dropped_prior_weights_are_caught():
    fit, _ = reference_fit("reference_glmm", "sleepstudy_weights")

    def unweighted(row):
        rel = row.relation
        return dataclasses.replace(row, relation=Relation(
            rel.lhs, "~", Call("N", (rel.rhs.args[0], rel.rhs.args[1].factors[0]))))
    report = _broken(fit.model, "composite", lambda d: _replace_row(d, "residual", unweighted))
    assert "prior weights" in report.check(FAMILY).detail


def test_a_remote_glmm_is_written_and_its_data_checks_do_not_apply(tmp_path):
    pytest.importorskip("duckdb")
    cbpp = load_dataset("cbpp")
    path = tmp_path / "cbpp.parquet"
    cbpp.to_parquet(path)
    m = mixeq.Model("cbind(incidence, size - incidence) ~ period + (1 | herd)", str(path),
                    family="binomial")
    assert "incidenceᵢⱼ | β₀ⱼ ∼ Binomial(sizeᵢⱼ, pᵢⱼ)" in render(m, format="text").text
    report = verify(m)
    assert report.ok, str(report)
    assert report.check("checks against the data").status == "n/a"
    assert report.check(FAMILY).passed and report.check("level equations").passed
