"""Many generated formulas render in every form and pass verify(), from the
formula alone and with small generated data; a batch of them renders in KaTeX."""
from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mixeq
from mixeq.equations import FORMS, render, symbolic_model, verify
from mixeq.errors import MixeqError, RenderError

from .helpers import assert_katex_renders

LEVEL1 = ["x", "z"]
LEVEL2 = ["m", "w"]
STRUCTURES = ["single", "nested", "crossed"]


def build_formula(draw_bool, draw_subset, structure: str) -> str:
    fixed = draw_subset(LEVEL1 + LEVEL2 + ["f", "I(x ** 2)"])
    if "x" in fixed and "m" in fixed and draw_bool():
        fixed.append("x:m")
    if "x" in fixed and "z" in fixed and draw_bool():
        fixed.append("x:z")
    rhs = ([] if draw_bool() else ["0"]) + fixed
    terms = []
    groups = {"single": ["g"], "nested": ["g/h"], "crossed": ["g", "k"]}[structure]
    for group in groups:
        slopes = draw_subset(LEVEL1 + ["m"])
        bar = "||" if slopes and draw_bool() else "|"
        lhs = " + ".join((["1"] if draw_bool() or not slopes else ["0"]) + slopes)
        if group == "g/h":
            slopes, bar, lhs = [], "|", "1"
        terms.append(f"({lhs} {bar} {group})")
    if structure == "single" and draw_bool() and draw_bool():
        terms.append("(1 | g)")  # a second term on the same factor
    return "y ~ " + " + ".join((rhs or ["1"]) + terms)


@st.composite
def formulas(draw):
    structure = draw(st.sampled_from(STRUCTURES))
    return build_formula(lambda: draw(st.booleans()),
                         lambda pool: [v for v in pool if draw(st.booleans())], structure)


def seeded_formula(rng: random.Random) -> str:
    return build_formula(lambda: rng.random() < 0.5,
                         lambda pool: [v for v in pool if rng.random() < 0.5],
                         rng.choice(STRUCTURES))


def small_data(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n, ng = 72, 6
    g = np.repeat(np.arange(ng), n // ng)
    return pd.DataFrame({
        "y": rng.normal(size=n), "x": rng.normal(size=n), "z": rng.normal(size=n),
        "m": rng.normal(size=ng)[g], "w": rng.normal(size=ng)[g],
        "g": [f"g{v}" for v in g], "h": [("a", "b", "c")[r % 3] for r in range(n)],
        "k": [f"k{r % 4}" for r in range(n)],
        "f": pd.Categorical([("lo", "mid", "hi")[r % 3] for r in range(n)],
                            categories=["lo", "mid", "hi"]),
    })


def render_everything(obj, formula: str):
    for form in FORMS:
        try:
            for fmt in ("latex", "text", "markdown", "html"):
                assert str(render(obj, form=form, format=fmt)).strip()
        except RenderError as exc:  # only the crossed matrix form may refuse
            assert form == "matrix" and "stacked" in str(exc), (formula, exc)


def assert_only_expected_checks_skipped(obj, report):
    """n/a only where the form does not exist: crossed factors have no one-cluster
    matrix form, a linear model no covariance matrices and no Z."""
    sm = symbolic_model(obj)
    allowed = {"substituted estimates equal the fit's"}  # no fit here
    if sm.crossed:
        allowed |= {"composite equals row 1 of the matrix form",
                    "rows 1, 2, n_j of the matrix form equal every cluster's"}
    if not sm.random:
        allowed |= {"covariance structure (T, G, Λθ) is the spec's",
                    "columns of Z rebuilt from the equations' symbols",
                    "rows 1, 2, n_j of the matrix form equal every cluster's",
                    "subscripts agree with the data"}
    skipped = {c.name for c in report.checks if not c.applicable}
    assert skipped <= allowed, str(report)
    assert not any(c.status == "FAILED" for c in report.checks)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas())
def test_generated_formulas_render_and_verify(formula):
    spec = mixeq.parse(formula)
    render_everything(spec, formula)
    report = verify(spec)
    assert report.ok, str(report)
    assert_only_expected_checks_skipped(spec, report)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(), st.integers(0, 2**16))
def test_generated_models_with_data_render_and_verify(formula, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = mixeq.Model(formula, small_data(seed))
        except MixeqError:
            assume(False)
    render_everything(model, formula)
    report = verify(model)
    assert report.ok, str(report)
    assert_only_expected_checks_skipped(model, report)


def test_a_batch_of_generated_models_renders_in_katex():
    rng = random.Random(20261121)
    named = {}
    for k in range(25):
        formula = seeded_formula(rng)
        for form in FORMS:
            try:
                named[f"{formula} [{form}]"] = render(formula, form=form).latex
            except RenderError:
                continue
    assert len(named) > 100
    assert_katex_renders(named)
