"""The closed vocabulary of the formula language: the functions a formula may call.

A formula is data typed by a user (or read from a web page, a notebook, a
hand-written equation), so nothing in it is looked up in Python's namespaces:
a call is allowed only if its name is in this table (or in the ``transforms=``
mapping the caller passes explicitly). The table holds what lme4 users write —
R's arithmetic functions, ``I()``, ``C()``/``factor()``, ``poly()``, ``scale()``,
``center()``; ``offset()`` on the right and ``cbind()`` on the left are
model-level words that :mod:`mixeq.spec.parser` takes out before evaluation.
"""
from __future__ import annotations

# name → what it does (shown in messages and docs)
FUNCTIONS: dict[str, str] = {
    "I": "arithmetic as written, I(x^2)",
    "log": "natural logarithm",
    "log2": "base-2 logarithm",
    "log10": "base-10 logarithm",
    "log1p": "log(1 + x)",
    "exp": "exponential",
    "expm1": "exp(x) - 1",
    "sqrt": "square root",
    "abs": "absolute value",
    "poly": "orthogonal polynomials, poly(x, 2)",
    "scale": "centre and scale to unit variance",
    "center": "subtract the mean",
    "C": "a factor with named contrasts, C(f, sum)",
    "factor": "a factor, factor(x)",
}

# the call formulaic evaluates a response or an offset in, as arithmetic
# (mixeq.design.response): a name looked up even where the formula does not write it
IDENTITY = "I"

# model-level words: not transforms of a column, handled by the parser
OFFSET, CBIND = "offset", "cbind"
SPECIAL = {OFFSET: "a term with coefficient fixed at 1, offset(log(t))",
           CBIND: "two-column binomial response, cbind(successes, failures)"}

# numpy spellings formulaic users write, allowed as exact names only
NUMPY_ALIASES = {f"np.{name}": name for name in
                 ("log", "log2", "log10", "log1p", "exp", "expm1", "sqrt", "abs")}

# contrasts by name, as the second argument of C(): R's and formulaic's spellings
CONTRASTS = ("treatment", "sum", "helmert", "poly", "diff", "SAS")
CONTRAST_NAMES: frozenset[str] = frozenset(
    [*CONTRASTS, *(f"contr.{c}" for c in CONTRASTS),
     "Treatment", "Sum", "Helmert", "Poly", "Diff"])


def contrast_coding(written: str) -> tuple[str, bool]:
    """A contrast name as written in ``C(f, …)`` → (coding, numbered): the coding
    (one of :data:`CONTRASTS`) and whether R numbers its columns. R's ``C()`` turns
    the names ``sum``, ``treatment`` … into ``contr.sum(levels(f))`` (columns named by
    levels where the function names them), the function ``contr.sum`` itself is called
    with the number of levels (every column numbered: ``contr.treatment`` → 2, 3 …).
    formulaic's capitalised spellings (``Sum``) are read as the bare names."""
    name = written.strip("'\"")
    if name not in CONTRAST_NAMES:
        raise ValueError(f"{written!r} names no contrasts")
    numbered = name.startswith("contr.")
    coding = name[len("contr."):] if numbered else name
    return (coding if coding == "SAS" else coding.lower()), numbered

# keyword arguments that functions may take (poly(x, degree = 2, raw = TRUE) …)
KEYWORDS = frozenset({"degree", "raw", "levels", "contrasts", "base", "reference"})

# R's and Python's truth values, allowed as argument values
TRUTH = {"TRUE": "True", "FALSE": "False", "True": "True", "False": "False"}


def known_functions(transforms=None) -> frozenset[str]:
    """Every name a formula may call, with the caller's own ``transforms``."""
    return frozenset([*FUNCTIONS, *NUMPY_ALIASES, *SPECIAL, *(transforms or ())])


def describe() -> str:
    """The vocabulary in one line, for error messages."""
    return ", ".join(f"{name}()" for name in [*FUNCTIONS, *SPECIAL])
