"""The formula vocabulary: what a formula may call, and the messages for what it may not
(issue 8, sections 1 and 3)."""
import pytest

import mixeq
from mixeq.errors import FormulaSyntaxError
from mixeq.spec.check import check_formula, expression_columns
from mixeq.spec.vocabulary import FUNCTIONS

ACCEPTED = [
    # formula, canonical
    ("y ~ log(x) + log2(x) + log10(x) + log1p(x) + (1 | g)",
     "y ~ 1 + log(x) + log2(x) + log10(x) + log1p(x) + (1 | g)"),
    ("y ~ exp(x) + expm1(x) + sqrt(x) + abs(x) + (1 | g)",
     "y ~ 1 + exp(x) + expm1(x) + sqrt(x) + abs(x) + (1 | g)"),
    ("y ~ poly(x, 2) + scale(x) + center(z) + (1 | g)",
     "y ~ 1 + poly(x, 2) + scale(x) + center(z) + (1 | g)"),
    ("y ~ poly(x, degree = 2, raw = TRUE) + (1 | g)",
     "y ~ 1 + poly(x, degree=2, raw=True) + (1 | g)"),
    ("y ~ C(f, sum) + (1 | g)", "y ~ 1 + C(f, sum) + (1 | g)"),   # as written: R's names
    ("y ~ C(f, contr.sum) + (1 | g)", "y ~ 1 + C(f, contr.sum) + (1 | g)"),
    ("y ~ C(f, 'helmert') + (1 | g)", "y ~ 1 + C(f, helmert) + (1 | g)"),
    ("y ~ C(f, Treatment('b')) + (1 | g)", "y ~ 1 + C(f, contr.treatment('b')) + (1 | g)"),
    ("y ~ factor(x) + (1 | g)", "y ~ 1 + factor(x) + (1 | g)"),
    ("y ~ I(x + 1e-3) + I(x > 2) + (1 | g)", "y ~ 1 + I(x + 0.001) + I(x > 2) + (1 | g)"),
    ("y ~ log(my.var) + (1 | g)", "y ~ 1 + log(my.var) + (1 | g)"),
    ("y ~ np.log(x) + (1 | g)", "y ~ 1 + np.log(x) + (1 | g)"),
    ("y ~ x + offset(log(t)) + (1 | g)", "y ~ 1 + x + offset(log(t)) + (1 | g)"),
    ("cbind(k, n - k) ~ x + (1 | g)", "cbind(k, n - k) ~ 1 + x + (1 | g)"),
    ("log(y) ~ x + (1 | `my school`)", "log(y) ~ 1 + x + (1 | `my school`)"),
    ("y ~ x + (1 | a/`b c`)", "y ~ 1 + x + (1 | a) + (1 | `b c`:a)"),
    ("y ~ Größe + (1 | Schüler)", "y ~ 1 + Größe + (1 | Schüler)"),
]


@pytest.mark.parametrize("formula, canonical", ACCEPTED)
def test_the_vocabulary_parses_and_round_trips(formula, canonical):
    spec = mixeq.parse(formula)
    assert spec.canonical() == canonical
    assert mixeq.parse(spec.canonical()) == spec


REFUSED = [
    # formula, position, words
    ("y ~ x + {x + 1} + (1 | g)", 8, "braces"),
    ("y ~ x + 1e-3 + (1 | g)", 8, "the number 1e-3 is not a model term"),
    ("y ~ x + 1e12 + (1 | g)", 8, "the number 1e12 is not a model term"),
    ("y ~ x + 2 + (1 | g)", 8, "only 0 and 1"),
    ("y ~ x + 1e + (1 | g)", 8, "neither a number nor a name"),
    ("y ~ logit(x) + (1 | g)", 4, "transforms={'logit': function}"),
    ("y ~ x + (1 | factor(g))", 13, "not a grouping factor"),
    ("y ~ C(f, foo) + (1 | g)", 9, "names contrasts"),
    ("y ~ x:offset(z) + (1 | g)", 6, "offset() must be added on its own"),
    ("offset(y) ~ x", 0, "belongs on the right"),
    ("y ~ x + cbind(a, b)", 8, "only as the whole response"),
    ("cbind(a) ~ x", 0, "two columns"),
    ("y ~ x + 'x'", 8, "quoted string"),
    ("y ~ x + .", 8, "all other columns"),
    ("y ~ x, z", 5, "inside a function"),
    ("y ~ log(x,) + (1 | g)", 10, "empty argument"),
    ("y ~ log(x +) + (1 | g)", 11, "incomplete"),
    ("y ~ log(x y) + (1 | g)", 10, "cannot follow a value"),
    ("y ~ I(x | g)", 8, "random-effects term"),
    ("y ~ log() + (1 | g)", 7, "needs an argument"),
    ("y ~ x + if + (1 | g)", 8, "reserved word in R"),  # lambda, class: plain names in R
    ("y ~ x + x.__class__ + (1 | g)", 8, "double underscores"),
    ("y ~ x + x[0] + (1 | g)", 9, "square brackets"),
    ("y ~ x + `` + (1 | g)", 8, "empty name"),
    ("y ~ x + `x + (1 | g)", 8, "unterminated"),
    ("y ~ x + x0:x1:x2:x3:x4:x5:x6:x7:x8:x9:x10", 4, "an interaction of 11 variables"),
    ("y ~ (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11)^11", 4,
     "expands to 4,094 terms"),  # 2^12 - 2: every subset but the empty and the full one
]


@pytest.mark.parametrize("formula, position, words", REFUSED)
def test_refused_with_the_reason_at_the_spot(formula, position, words):
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse(formula)
    assert words in str(info.value)
    assert info.value.position == position


def test_unknown_function_message_lists_the_vocabulary():
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse("y ~ sin(x) + (1 | g)")
    for name in FUNCTIONS:
        assert f"{name}()" in str(info.value)


def test_user_functions_only_when_passed():
    with pytest.raises(FormulaSyntaxError):
        mixeq.parse("y ~ logit(p) + (1 | g)")
    spec = mixeq.parse("y ~ logit(p) + (1 | g)", transforms={"logit": abs})
    assert spec.fixed == ("logit(p)",)
    assert mixeq.parse("y ~ logit(p) + (1 | g)", transforms=["logit"]) == spec


@pytest.mark.parametrize("text, columns", [
    ("1 + log(x) + sqrt(z)", ["x", "z"]),
    ("poly(x, 2) + C(f, contr.treatment('b'))", ["x", "f"]),
    ("I(x ** 2) + center(`my col`)", ["x", "my col"]),
    ("cbind(k, n - k)", ["k", "n"]),
    ("poly(x, degree=2, raw=True)", ["x"]),
    ("x:m + m", ["x", "m"]),
])
def test_the_columns_an_expression_reads(text, columns):
    """Functions, contrast names, keywords and truth values are not columns."""
    assert expression_columns(text) == columns


def test_checked_text_is_what_gets_evaluated():
    checked = check_formula("y ~ log(a.b) + C(f, sum) + poly(x, 2, raw = TRUE)")
    assert checked.text == "y ~ log(`a.b`) + C(f, sum) + poly(x, 2, raw = True)"
    assert checked.column_names == ["y", "a.b", "f", "x"]


@pytest.mark.parametrize("text, spelled", [
    ("C(f, sum)", "C(f, 'sum')"),
    ("C(f, contr.sum):x + C(g, poly)", "C(f, 'contr.sum'):x + C(g, 'poly')"),
    ("y ~ C(f, contrasts = Sum) + (1 | g)", "y ~ C(f, contrasts = 'Sum') + (1 | g)"),
    ("C(f, contr.treatment('b'))", "C(f, contr.treatment('b'))"),   # formulaic's, with a base
    ("poly(sum, 2) + sum", "poly(sum, 2) + sum"),                    # a column named sum
])
def test_contrast_names_are_spelled_for_formulaic_and_back(text, spelled):
    """The one spelling of a contrast named in C(): a string for formulaic (a column
    named sum cannot shadow it; poly stays a function), the written name in every name
    that comes back."""
    from mixeq.spec.check import formulaic_text, written_contrasts

    assert formulaic_text(text) == spelled
    assert written_contrasts(spelled.replace(" = ", "=")) == text.replace(" = ", "=")
    assert written_contrasts("C(f, 'sum')1:x") == "C(f, sum)1:x"
    assert written_contrasts("f[T.'sum']") == "f[T.'sum']"      # not a C() argument


@pytest.mark.parametrize("written, coding", [
    ("sum", ("sum", False)), ("contr.sum", ("sum", True)), ("Sum", ("sum", False)),
    ("treatment", ("treatment", False)), ("contr.treatment", ("treatment", True)),
    ("SAS", ("SAS", False)), ("contr.SAS", ("SAS", True)), ("'helmert'", ("helmert", False)),
    ("poly", ("poly", False)), ("Diff", ("diff", False))])
def test_contrast_coding_of_each_written_name(written, coding):
    from mixeq.spec.vocabulary import contrast_coding

    assert contrast_coding(written) == coding
