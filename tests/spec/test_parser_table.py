"""Formula → canonical form, for every piece of lme4's formula language."""
import pytest

import mixeq
from mixeq.spec.types import RandomTerm

CASES = [
    # random-effects terms
    ("y ~ x + (1 | g)", "y ~ 1 + x + (1 | g)"),
    ("y ~ x + (x | g)", "y ~ 1 + x + (1 + x | g)"),
    ("y ~ x + (1 + x | g)", "y ~ 1 + x + (1 + x | g)"),
    ("y ~ x + (0 + x | g)", "y ~ 1 + x + (0 + x | g)"),
    ("y ~ x + (-1 + x | g)", "y ~ 1 + x + (0 + x | g)"),
    ("y ~ x + (x - 1 | g)", "y ~ 1 + x + (0 + x | g)"),
    ("y ~ x + (x || g)", "y ~ 1 + x + (1 | g) + (0 + x | g)"),
    ("y ~ x + (1 + x + z || g)", "y ~ 1 + x + (1 | g) + (0 + x | g) + (0 + z | g)"),
    ("y ~ x + (0 + x || g)", "y ~ 1 + x + (0 + x | g)"),
    ("y ~ 1 + (1 | g1/g2)", "y ~ 1 + (1 | g1) + (1 | g2:g1)"),
    ("y ~ 1 + (1 | a/b/c)", "y ~ 1 + (1 | a) + (1 | b:a) + (1 | c:b:a)"),
    ("y ~ 1 + (x || a/b)", "y ~ 1 + (1 | a) + (0 + x | a) + (1 | b:a) + (0 + x | b:a)"),
    ("y ~ 1 + (1 | g1:g2)", "y ~ 1 + (1 | g1:g2)"),
    ("y ~ 1 + (1 | (g1:g2))", "y ~ 1 + (1 | g1:g2)"),
    ("y ~ x + (1 | g) + (0 + x | g)", "y ~ 1 + x + (1 | g) + (0 + x | g)"),
    ("y ~ 1 + (1 | plate) + (1 | sample)", "y ~ 1 + (1 | plate) + (1 | sample)"),
    ("y ~ f + (0 + f | g)", "y ~ 1 + f + (0 + f | g)"),
    ("y ~ x + ((1 | g))", "y ~ 1 + x + (1 | g)"),
    ("y~x+(1|g)", "y ~ 1 + x + (1 | g)"),
    ("y ~ (1 | g) + x", "y ~ 1 + x + (1 | g)"),
    ("y ~ (1 + I(x^2) | g)", "y ~ 1 + (1 + I(x ** 2) | g)"),
    ("y ~ (1 + x:z | g)", "y ~ 1 + (1 + x:z | g)"),
    # fixed part: formulaic's operators
    ("y ~ x * m + (1 + x | school)", "y ~ 1 + x + m + x:m + (1 + x | school)"),
    ("y ~ x:m + (1 | g)", "y ~ 1 + x:m + (1 | g)"),
    ("y ~ (a + b + c)^2 + (1 | g)", "y ~ 1 + a + b + c + a:b + a:c + b:c + (1 | g)"),
    ("y ~ a / b + (1 | g)", "y ~ 1 + a + a:b + (1 | g)"),
    ("y ~ a * b - a + (1 | g)", "y ~ 1 + b + a:b + (1 | g)"),
    ("y ~ 0 + x + (1 | g)", "y ~ 0 + x + (1 | g)"),
    ("y ~ -1 + x + (1 | g)", "y ~ 0 + x + (1 | g)"),
    ("y ~ x - 1 + (1 | g)", "y ~ 0 + x + (1 | g)"),
    ("y ~ (1 | g)", "y ~ 1 + (1 | g)"),
    ("y ~ 1 + (1 | g)", "y ~ 1 + (1 | g)"),
    ("y ~ I(x ** 2) + np.log(z) + (1 | g)", "y ~ 1 + I(x ** 2) + np.log(z) + (1 | g)"),
    ("y ~ C(f) + (1 | g)", "y ~ 1 + C(f) + (1 | g)"),
    ("y ~ C(f, contr.treatment('b')) + (1 | g)",
     "y ~ 1 + C(f, contr.treatment('b')) + (1 | g)"),
    ("log(y) ~ x + (1 | g)", "log(y) ~ 1 + x + (1 | g)"),
    ("y ~ x", "y ~ 1 + x"),
    ("y ~ 1", "y ~ 1"),
    ("Reaction ~ Days + (Days | Subject)", "Reaction ~ 1 + Days + (1 + Days | Subject)"),
]


@pytest.mark.parametrize("formula, canonical", CASES)
def test_canonical_form(formula, canonical):
    spec = mixeq.parse(formula)
    assert spec.canonical() == canonical


@pytest.mark.parametrize("formula, canonical", CASES)
def test_canonical_form_parses_to_the_same_spec(formula, canonical):
    """Equal up to the order of variables inside an interaction, which follows their
    first appearance in the text as R's terms() does (R 4.2: terms(y ~ 1 + b + a:b)
    labels "b", "b:a"); from the canonical text on it is a fixed point."""
    spec = mixeq.parse(formula)
    again = mixeq.parse(spec.canonical())
    assert _unordered(again) == _unordered(spec)
    assert mixeq.parse(again.canonical()) == again


def _unordered(spec):
    def terms(ts):
        return tuple(frozenset(t.split(":")) for t in ts)
    return (spec.response, spec.intercept, terms(spec.fixed),
            tuple((r.intercept, terms(r.terms), r.group) for r in spec.random))


def test_spec_parts_of_the_textbook_model():
    spec = mixeq.parse("y ~ x * m + (1 + x | school)")
    assert spec.response == "y"
    assert spec.intercept is True
    assert spec.fixed == ("x", "m", "x:m")
    assert spec.random == (RandomTerm(True, ("x",), ("school",)),)
    assert spec.group_names == ("school",)


def test_nested_grouping_named_as_lme4_names_it():
    spec = mixeq.parse("strength ~ 1 + (1 | batch/cask)")
    assert [r.group_name for r in spec.random] == ["batch", "cask:batch"]


@pytest.mark.parametrize("a, b", [
    ("y ~ x * m + (1 + x | g)", "y ~ m * x + (x | g)"),
    ("y ~ x + m + x:m + (1 | g)", "y ~ m:x + x + m + (1 | g)"),
    ("y ~ x + (x || g)", "y ~ x + (1 | g) + (0 + x | g)"),
    ("y ~ 1 + (1 | a/b)", "y ~ 1 + (1 | a) + (1 | a:b)"),
    ("y ~ x + (1 | g) + (1 | h)", "y ~ x + (1 | h) + (1 | g)"),
    ("y ~ x - 1 + (1 | g)", "y ~ 0 + x + (1 | g)"),
])
def test_specs_of_the_same_model_compare_equal(a, b):
    assert mixeq.parse(a) == mixeq.parse(b)
    assert hash(mixeq.parse(a)) == hash(mixeq.parse(b))


@pytest.mark.parametrize("a, b", [
    ("y ~ x + (1 + x | g)", "y ~ x + (x || g)"),
    ("y ~ x + (1 | g)", "y ~ x + (1 | h)"),
    ("y ~ x + (1 | g)", "y ~ 0 + x + (1 | g)"),
    ("y ~ x + (1 | g)", "z ~ x + (1 | g)"),
    ("y ~ x + (1 | a/b)", "y ~ x + (1 | a) + (1 | b)"),
])
def test_specs_of_different_models_differ(a, b):
    assert mixeq.parse(a) != mixeq.parse(b)


def test_parse_needs_no_data_and_is_deterministic():
    texts = {mixeq.parse("y ~ x*m + (x | school)").canonical() for _ in range(5)}
    assert len(texts) == 1
