"""No hang on formulas (issue 8, section 4): each of the issue's inputs gives a result
or a clear error. Speed figures are in benchmarks/ (bench_parse.py), not here."""
import pytest
from formulaic import Formula
from hypothesis import given, settings
from hypothesis import strategies as st

import mixeq
from mixeq.errors import FormulaSyntaxError
from mixeq.spec.limits import MAX_DEPTH, MAX_FORMULA_LENGTH, MAX_ORDER, MAX_TERMS
from mixeq.spec.parser import _chunked_sum, term_text
from mixeq.spec.scan import Piece


def test_power_of_sixteen_terms_is_refused_without_expanding():
    formula = "y ~ (" + " + ".join(f"x{k}" for k in range(16)) + ")^16"
    with pytest.raises(FormulaSyntaxError, match="expands to 65,535 terms") as info:
        mixeq.parse(formula)
    assert info.value.position == 4


def test_a_power_within_the_limits_expands_as_formulaic_does():
    spec = mixeq.parse("y ~ (a + b + c + d)^3")
    assert len(spec.fixed) == 4 + 6 + 4


def test_ten_thousand_redundant_parentheses_are_refused():
    formula = "y ~ x + " + "(" * 10_000 + "1 | g" + ")" * 10_000
    with pytest.raises(FormulaSyntaxError, match=f"more than {MAX_DEPTH} deep") as info:
        mixeq.parse(formula)
    assert info.value.position == 8 + MAX_DEPTH


def test_redundant_parentheses_within_the_limit_still_parse():
    depth = MAX_DEPTH - 1
    spec = mixeq.parse("y ~ x + " + "(" * depth + "1 | g" + ")" * depth)
    assert spec.canonical() == "y ~ 1 + x + (1 | g)"


def test_too_long_a_formula_is_refused():
    formula = "y ~ " + "+".join(["x"] * (MAX_FORMULA_LENGTH // 2 + 1))
    with pytest.raises(FormulaSyntaxError, match=f"up to {MAX_FORMULA_LENGTH:,} characters"):
        mixeq.parse(formula)


def test_too_many_terms_are_refused():
    formula = "y ~ " + " + ".join(f"x{k}" for k in range(MAX_TERMS + 1))
    with pytest.raises(FormulaSyntaxError, match=f"at most {MAX_TERMS:,}"):
        mixeq.parse(formula)


def test_many_terms_within_the_limit_parse_in_order():
    """2,000 transformed terms: formulaic's parser is quadratic in the terms of one
    sum, so mixeq hands it chunks; the result is the whole sum, in order, deduplicated."""
    terms = [f"log(x{k})" for k in range(MAX_TERMS - 6)]  # + 5 repeats + (1 | g)
    spec = mixeq.parse("y ~ " + " + ".join(terms + terms[:5]) + " + (1 | g)")
    assert spec.fixed == tuple(terms)
    small = mixeq.parse("y ~ " + " + ".join(terms[:50]) + " + I(z^2)")
    assert small.fixed == (*terms[:50], "I(z ** 2)")


def test_interaction_order_limit():
    names = [f"x{k}" for k in range(MAX_ORDER + 1)]
    with pytest.raises(FormulaSyntaxError, match=f"interaction of {MAX_ORDER + 1} variables"):
        mixeq.parse("y ~ " + ":".join(names))
    assert len(mixeq.parse("y ~ " + ":".join(names[:-1])).fixed) == 1


def test_random_term_left_side_is_bounded_too():
    lhs = "(" + " + ".join(f"x{k}" for k in range(16)) + ")^16"
    with pytest.raises(FormulaSyntaxError, match="expands to 65,535 terms"):
        mixeq.parse(f"y ~ 1 + ({lhs} | g)")


def test_a_long_formula_is_shown_around_the_error():
    formula = "y ~ " + " + ".join(f"x{k}" for k in range(300)) + " + log(x,) + z"
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse(formula)
    shown, caret = str(info.value).splitlines()[-2:]
    assert len(shown) < 140 and shown.strip().startswith("…")
    assert shown[caret.index("^"):].startswith(")")   # the caret under the empty argument


NAMES = ["a", "b", "c", "x", "m", "z"]


@settings(max_examples=200)
@given(st.lists(st.one_of(st.sampled_from(["0", "1", "log(x)", "sqrt(a):b", "b:sqrt(a)"]),
                          st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)
                          .map(":".join)), min_size=1, max_size=10))
def test_fast_paths_give_formulaic_terms(parts):
    """The sums parse() reads without formulaic (names and their interactions) or in
    chunks give exactly formulaic's terms, in its order."""
    text = " + ".join(parts)
    if "0" in parts and "1" in parts:
        return
    # formulaic's terms, the variables inside each in R's terms() order (first appearance)
    expected = [term_text(t, text) for t in Formula(text) if str(t) != "1"]
    assert list(mixeq.parse(f"y ~ {text}").fixed) == expected
    chunked = _chunked_sum([("+", Piece(p, 0)) for p in parts * 60], "")
    if chunked is not None:
        assert list(chunked[1]) == [term_text(t, " + ".join(parts * 60))
                                    for t in Formula(text) if str(t) != "1"]


def test_a_power_beyond_the_number_of_terms_is_the_number_of_terms():
    """formulaic's ^ costs about n^k steps ((a + b)^16 took 11 s): (a + b)^16 is (a + b)^2."""
    assert mixeq.parse("y ~ (a + b)^16").canonical() == "y ~ 1 + a + b + a:b"
    assert mixeq.parse("y ~ (a + b)^99999999999").canonical() == "y ~ 1 + a + b + a:b"
    assert mixeq.parse("y ~ (a + b)^" + "9" * 5000).canonical() == "y ~ 1 + a + b + a:b"


def test_a_costly_power_is_refused():
    ten = " + ".join("abcdefghij")
    assert len(mixeq.parse(f"y ~ ({ten})^3").fixed) == 10 + 45 + 120
    with pytest.raises(FormulaSyntaxError, match=r"\(…\)\^5 of 10 terms is too costly"):
        mixeq.parse(f"y ~ ({ten})^5")


@pytest.mark.parametrize("term", ["I(x + 9 ** 9 ** 9)", "I(x ** (9 ^ 9 ^ 9))",
                                  "log(x + (9 ** 999) ** 999)", "I(x + (-8) ** 0.5)"])
def test_powers_of_constants_are_refused_before_python_computes_them(term):
    """Python computes 9 ** 9 ** 9 exactly (hours); the check folds it in floats first."""
    with pytest.raises(FormulaSyntaxError, match="a power of constants"):
        mixeq.parse(f"y ~ {term} + (1 | g)")


def test_ordinary_powers_still_work():
    spec = mixeq.parse("y ~ I(x^2) + I(x ** (1/3)) + I(2^x) + I(x + 2 ** 10) + (1 | g)")
    assert spec.fixed == ("I(x ** 2)", "I(x ** (1 / 3))", "I(2 ** x)", "I(x + 2 ** 10)")
