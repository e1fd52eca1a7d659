"""A remark about the equations: what is wrong, where, and how to write it.

Every kind of remark is a registered :class:`Entry` — its stable ``code``, the
``phase`` of reading that makes it, the ``check`` function(s) that make it and a
``doc`` line (docs/reader.md's table) — and every remark is made by one function,
:func:`emit`, which refuses a code that is not registered. The test suite plants
each registered code and asserts it is caught (tests/reader/test_registry.py)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

# Phases, in the order reading goes through them.
PHASES = ("read", "parse", "sort", "walk", "after-walk", "covariance", "agreement", "forms",
          "family", "data")


@dataclass(frozen=True)
class Entry:
    """One kind of remark: ``code`` (stable, documented), the ``phase`` of reading that
    makes it, ``check``: the function(s) that make it (dotted names) and ``doc``."""

    code: str
    phase: str
    check: tuple[str, ...]
    doc: str


REGISTRY: dict[str, Entry] = {}


def register(code: str, phase: str, check: str | tuple[str, ...], doc: str) -> str:
    if code in REGISTRY:
        raise ValueError(f"diagnostic code {code!r} registered twice")
    if phase not in PHASES:
        raise ValueError(f"diagnostic {code!r}: unknown phase {phase!r}")
    checks = (check,) if isinstance(check, str) else tuple(check)
    REGISTRY[code] = Entry(code, phase, checks, doc)
    return code


_R = "mixeq.reader."
PARSE_ERROR = register(
    "parse-error", "parse",
    (_R + "document.parse_failure", _R + "api.read_equations"),
    "the equation cannot be read; the message gives line and column, `corrected` a repair "
    "the parser accepts when a local one exists")
NOT_AN_EQUATION = register(
    "not-an-equation", "sort", (_R + "document.sort_equation", _R + "document.sort_model_equation"),
    "a line with no '=' or '~', or an equation whose left side is no single symbol")
NO_LEVEL1 = register(
    "no-level1-equation", "walk", _R + "walk.choose_level1",
    "no level-1 equation (outcome = coefficients × predictors + residual)")
SEVERAL_LEVEL1 = register(
    "several-level1-equations", "walk", _R + "walk.choose_level1",
    "two level-1 equations for different outcomes")
COMPOSITE_MISMATCH = register(
    "composite-mismatch", "agreement", _R + "agreement.check_agreement",
    "a composite equation that is not the same model as the level equations")
SLOPE_NOT_INDEXED = register(
    "slope-not-indexed", "walk", _R + "walk_coefficients.not_indexed",
    "β_10 has a random effect U_1j in its equation, so it varies by cluster: write β_1j")
INTERCEPT_NOT_INDEXED = register(
    "intercept-not-indexed", "walk", _R + "walk_coefficients.not_indexed",
    "β_0 has a random effect U_0j in its equation: write β_0j")
INDEX_MISMATCH = register(
    "index-mismatch", "walk", _R + "walk_coefficients.lookup",
    "the same coefficient written β_10 in one place and β_1j in another")
MISSING_LEVEL2 = register(
    "missing-level2-equation", "walk", _R + "walk_coefficients.missing_equation",
    "β_1j carries the cluster index but has no equation (read as β_1j = γ_10 + U_1j)")
UNUSED_LEVEL2 = register(
    "unused-level2-equation", "after-walk", _R + "walk_final.unused_definitions",
    "an equation for a coefficient the level-1 equation does not use")
DUPLICATE_EQUATION = register(
    "duplicate-equation", "walk", _R + "walk.index_definitions",
    "two equations for one coefficient")
CIRCULAR = register(
    "circular-definition", "walk", _R + "walk.visit_coefficient",
    "a coefficient defined in terms of itself")
LEVEL2_OBSERVATION_INDEX = register(
    "level2-predictor-observation-index", "walk", _R + "walk_effects.check_variable",
    "W_ij in a level-2 equation: write W_j")
LEVEL1_IN_LEVEL2 = register(
    "level1-predictor-in-level2", "walk", _R + "walk_effects.check_variable",
    "a level-1 predictor (in the level-1 equation) in a level-2 equation")
WRONG_RANDOM_INDEX = register(
    "random-effect-wrong-index", "walk", _R + "walk_effects.visit_error",
    "U_0i (observation index), U_1j in β_0j's equation, U_0k with no k, ε_ij in a level-2 "
    "equation")
COEFFICIENT_WRONG_INDEX = register(
    "coefficient-wrong-index", "walk", _R + "walk_coefficients.check_coefficient_index",
    "β_0k when the outcome has no index k")
SYMBOL_REUSED = register(
    "symbol-reused", "after-walk",
    (_R + "walk_final.reused_symbols", _R + "walk_effects.visit_error",
     _R + "data_check.Columns.resolve"),
    "the same γ or U for two terms, two residuals, the outcome as a predictor, two names "
    "for one column")
MISSING_RESIDUAL = register(
    "missing-residual", "after-walk", _R + "walk_final.missing_residual",
    "no residual term in the level-1 equation (of a linear mixed model)")
TERM_WITHOUT_COEFFICIENT = register(
    "term-without-coefficient", "walk", _R + "walk.walk",
    "a predictor (or constant) with no coefficient")
PRODUCT_OF_COEFFICIENTS = register(
    "product-of-coefficients", "walk", _R + "walk.walk",
    "two coefficients or random effects multiplied")
DUPLICATE_TERM = register(
    "duplicate-term", "walk", _R + "walk_effects.add_fixed",
    "two fixed coefficients for the same predictor")
COEFFICIENT_NUMBERING = register(
    "coefficient-numbering", "walk", _R + "walk_coefficients.check_numbering",
    "γ_21 in β_1j's equation (by convention γ_1q)")
COVARIANCE_SIZE = register(
    "covariance-size", "covariance", _R + "covariance.Links.read_distribution",
    "T's size does not match the random-effect vector")
UNKNOWN_RANDOM_EFFECT = register(
    "unknown-random-effect", "covariance", _R + "covariance.unknown_effects",
    "a distribution line for a random effect that is in no equation")
UNKNOWN_COLUMN = register(
    "unknown-column", "data", _R + "data_check.Columns.find",
    "with data: a variable name that is no column (close names suggested)")
UNKNOWN_GROUP_COLUMN = register(
    "unknown-group-column", "data", _R + "data_check.Columns.find",
    "with data: a cluster index that names no column")
LEVEL2_VARIES = register(
    "level2-predictor-varies-within", "data", _R + "data_check.check_level",
    "with data: a \"level-2\" predictor varies within its clusters")
LEVEL1_CONSTANT = register(
    "level1-predictor-constant-within", "data", _R + "data_check.check_level",
    "with data: a random slope on a predictor constant within the clusters")
INTERNAL_ERROR = register(
    "internal-error", "read", _R + "api.read_equations",
    "a bug in mixeq's reader (reported as a remark, never a traceback)")
MATRIX_FORM_MISMATCH = register(
    "matrix-form-mismatch", "forms", _R + "matrix_remarks.explain",
    "a matrix form for one cluster that is not the level equations' model")
MATRIX_SHAPE = register(
    "matrix-form-shape", "forms", _R + "matrix_remarks.explain",
    "a matrix of the matrix form whose columns and vector entries do not pair up")
OBSERVATION_MISMATCH = register(
    "observation-mismatch", "forms", _R + "matrix_remarks.explain",
    "one observation written out that is not row 1 of the level equations' model")

GLMM_RESIDUAL = register(
    "glmm-residual", "after-walk", _R + "walk_final.glmm_residual",
    "an ε at level 1 of a GLMM (binomial, Poisson): the distribution of y is the level-1 "
    "randomness")
GLMM_NO_LINK = register(
    "glmm-no-link", "family", _R + "glmm.no_link",
    "a Bernoulli/Binomial/Poisson outcome whose mean is set to the linear predictor without "
    "a link (read with the usual one), or with no equation for its mean")
GLMM_NO_DISTRIBUTION = register(
    "glmm-no-distribution", "family", _R + "glmm.no_distribution",
    "a link equation (logit(p_ij) = …) with no line saying how the outcome is distributed")
GLMM_LINK_DOMAIN = register(
    "glmm-link-domain", "family", _R + "glmm.link_domain",
    "a link that does not match the distribution's domain (logit with Poisson, log with "
    "Bernoulli)")
GLMM_MEAN_MISMATCH = register(
    "glmm-mean-mismatch", "family", _R + "glmm.mean_mismatch",
    "the link applied to another symbol than the distribution's mean (logit(q_ij) with "
    "Bernoulli(p_ij))")


@dataclass
class Diagnostic:
    """``code`` (stable), the equation concerned (``line``, 1-based, and its
    ``equation`` text), a ``message`` sentence, and the ``corrected``
    equation written as the input was (LaTeX or text); ``column`` (1-based)
    points into the line when the remark is about one place."""

    code: str
    line: int | None
    equation: str
    message: str
    corrected: str | None = None
    column: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "input"
        if self.column:
            where += f", column {self.column}"
        text = f"[{self.code}] {where}: {self.message}"
        if self.equation:
            text += f"\n    {self.equation}"
        if self.corrected:
            text += "\n  corrected:\n    " + self.corrected.replace("\n", "\n    ")
        return text


def make(code: str, line: int | None, equation: str, message: str,
         corrected: str | None = None, column: int | None = None) -> Diagnostic:
    """A remark of a registered kind (an unregistered code is a bug in mixeq)."""
    if code not in REGISTRY:
        raise KeyError(f"diagnostic code {code!r} is not registered in reader/diagnostics.py")
    return Diagnostic(code, line, equation, message, corrected, column)


def emit(sink: list, code: str, line: int | None, equation: str, message: str,
         corrected: str | None = None, column: int | None = None) -> Diagnostic:
    """The one way a remark is made: checked against the registry, appended to ``sink``."""
    d = make(code, line, equation, message, corrected, column)
    sink.append(d)
    return d
