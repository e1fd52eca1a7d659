"""Fuzzing formulas (issue 8): random token sequences and random edits of valid
formulas give a result or a MixeqError — never another exception, never code run
(a canary file), each within a time bound (hypothesis' deadline).

The default profile draws the same examples every run; ``HYPOTHESIS_PROFILE=fuzz``
searches afresh with many more (see tests/conftest.py).
"""
from __future__ import annotations

import os
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mixeq
from mixeq.errors import MixeqError

CANARY = Path(tempfile.mkdtemp(prefix="mixeq-fuzz-")) / "canary"
_PATH = repr(str(CANARY))

VALID = [
    "Reaction ~ Days + (Days | Subject)",
    "y ~ x * m + (1 + x | g)",
    "log(y) ~ poly(x, 2) + C(f, sum) + (1 | g/h)",
    "y ~ I(x^2) + scale(m) + offset(log(t)) + (x || g)",
    "cbind(k, n - k) ~ x + (1 | g)",
    "y ~ (x + m + z)^2 - m:z + (0 + x | g) + (1 | h:g)",
    "y ~ factor(f) + sqrt(abs(x)) + (1 | `my g`)",
]
TOKENS = [
    "y", "x", "m", "z", "f", "g", "h", "t", "k", "n", "Days", "`my g`", "my.var", "Größe",
    "0", "1", "2", "1e-3", "1e12", ".5", "16", "99999", "9 ** 9 ** 9", "(a + b + c + d + e + f)",
    "~", "+", "-", "*", "/", ":", "^", "**", "%in%", "|", "||", "(", ")", ",", "=",
    "log(", "sqrt(", "I(", "C(", "poly(", "scale(", "center(", "offset(", "cbind(",
    "factor(", "exp(", "abs(", "contr.sum", "sum", "TRUE",
    "{", "}", "[", "]", "'", '"', "`", ".", "@", ";", "!", "$", "#", "\\", "\n",
    "__import__", "__class__", "x.__class__", "lambda", "for", "in", "eval(", "exec(",
    "open(", "np.", "np.save(", "os.system(", "getattr(", "globals()",
    f"open({_PATH}, 'w')", f"__import__('os').system('touch ' + {_PATH})",
    f"{{open({_PATH}, 'w')}}", f"[open({_PATH}, 'w') for _ in x]",
]
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
# the bound catches a hang (a parse that blows up), not slowness: 5 s failed once when
# a loaded 2-core machine took 11.6 s for a first example (imports and caches warming)
SETTINGS = settings(max_examples=3000 if FUZZ else 120, deadline=timedelta(seconds=60),
                    suppress_health_check=[HealthCheck.too_slow])


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame({
        "y": rng.normal(size=n) + 3, "x": rng.uniform(0.5, 2, n), "m": np.repeat(rng.normal(size=8), 5),
        "z": rng.normal(size=n), "f": np.tile(list("abc"), 14)[:n], "g": np.repeat(list("ABCDEFGH"), 5),
        "h": np.tile(list("uv"), 20), "t": rng.uniform(1, 2, n), "k": rng.integers(0, 4, n),
        "n": np.full(n, 4), "Days": rng.integers(0, 9, n), "Reaction": rng.normal(300, 30, n),
        "Subject": np.repeat(list("pqrstuvw"), 5), "my g": np.repeat(list("PQRSTUVW"), 5),
        "my.var": rng.uniform(1, 2, n), "Größe": rng.normal(size=n),
    })


DATA = _data()
mixeq.Model(VALID[0], DATA)  # warm up the imports outside the timed examples


def check(formula: str) -> None:
    """A spec or a MixeqError from parse; a model or a MixeqError with data; no canary."""
    before = DATA.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            spec = mixeq.parse(formula)
        except MixeqError:
            spec = None
        if spec is not None:
            assert mixeq.parse(spec.canonical()) == spec  # the canonical form reads back
        try:
            mixeq.Model(formula, DATA)
        except MixeqError:
            pass
    assert not CANARY.exists(), f"code ran from {formula!r}"
    pd.testing.assert_frame_equal(DATA, before)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map(" ".join))
def test_random_token_sequences(formula):
    check(formula)


@st.composite
def edited(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        token = draw(st.sampled_from(TOKENS))
        if kind == "insert":
            text = text[:pos] + token + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)):]
        else:
            text = text[:pos] + token + text[pos + len(token):]
    return text


@SETTINGS
@given(edited())
def test_random_edits_of_valid_formulas(formula):
    check(formula)


@SETTINGS
@given(st.text(max_size=60))
def test_random_text(formula):
    check(formula)


def test_valid_formulas_build_models():
    """The seeds of the edits are models (so the edits start from working input)."""
    for formula in VALID:
        # cbind(successes, failures) is a binomial response (issue 10)
        family = "binomial" if formula.lstrip().startswith("cbind(") else None
        mixeq.Model(formula, DATA, family=family)


EQUATION = (r"y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + e_{ij}" "\n"
            r"\beta_{0j} = \gamma_{00} + u_{0j}" "\n" r"\beta_{1j} = \gamma_{10} + u_{1j}")
WRAPPERS = [r"\operatorname{%s}", r"\mathrm{%s}", r"\text{%s}", "%s"]
EQ_DATA = DATA.assign(j=DATA.g)


@st.composite
def hostile_equations(draw):
    """The level-1 predictor's name replaced by, or the text interleaved with, token soup
    (payloads included) inside the LaTeX wrappers whose contents become names."""
    text = EQUATION
    for _ in range(draw(st.integers(1, 3))):
        soup = draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map(" ".join))
        wrapped = draw(st.sampled_from(WRAPPERS)) % soup
        if draw(st.booleans()):
            text = text.replace("x_{ij}", wrapped + "_{ij}", 1)
        else:
            pos = draw(st.integers(0, len(text)))
            text = text[:pos] + wrapped + text[pos:]
    return text


@SETTINGS
@given(hostile_equations())
def test_equations_to_models(text):
    """read_equations never raises; what it reads builds a model or a MixeqError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mixeq.read_equations(text, data=EQ_DATA, render=False)
        for target in ([] if result.spec is None else [result.spec, result.formula]):
            try:
                mixeq.Model(target, EQ_DATA)
            except MixeqError:
                pass
    assert not CANARY.exists(), f"code ran from {text!r}"
