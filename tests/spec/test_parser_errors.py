"""Bad formulas get a FormulaSyntaxError that points at the problem."""
import pytest

import mixeq
from mixeq.errors import FormulaSyntaxError, MixeqError

ERRORS = [
    # formula, position, words the message must contain
    ("y ~ x + (1 | g", 8, "never closed"),
    ("y ~ x + 1 | g)", 13, "closes nothing"),
    ("y ~ x + 1 | g", 10, "outside parentheses"),
    ("y ~ x + ( | g)", 10, "nothing left of '|'"),
    ("y ~ x + (1 | )", 12, "no grouping factor"),
    ("y ~ x + (x || )", 13, "no grouping factor"),
    ("y ~ x * (1 | g)", 4, "on its own"),
    ("y ~ x + (1 | g + h)", 15, "not allowed in a grouping factor"),
    ("y ~ x + (1 | g | h)", 15, "more than one '|'"),
    ("x + (1 | g)", 0, "no '~'"),
    (" ~ x", 1, "response"),
    ("y ~ ", 3, "nothing after '~'"),
    ("y ~ x + ", 7, "nothing after it"),
    ("y ~ x + (0 | g)", 9, "no terms"),
    ("y ~ x + (1 | 3g)", 13, "cannot start with a digit"),
    ("y ~ x ~ z", 6, "more than one '~'"),
    ("y ~ x + [1 | g)", 14, "mismatched"),
]


@pytest.mark.parametrize("formula, position, words", ERRORS)
def test_syntax_error_names_problem_and_position(formula, position, words):
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse(formula)
    err = info.value
    assert isinstance(err, MixeqError)
    assert err.position == position
    assert words in str(err)
    assert formula in str(err)  # the formula is shown with a caret under the spot
    caret_line = str(err).splitlines()[-1]
    assert caret_line.index("^") - 4 == position


def test_formulaic_errors_become_ours():
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse("y ~ x + I(x + (1 | g)")
    assert "never closed" in str(info.value)
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse("y ~ x + + + (1 | g)")
    assert info.value.position is not None


def test_non_string_formula():
    with pytest.raises(FormulaSyntaxError, match="must be a string"):
        mixeq.parse(42)
