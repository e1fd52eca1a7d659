"""A remark about the equations: what is wrong, where, and how to write it.

Every kind of remark is one row of :data:`ENTRIES`, an :class:`Entry` — the name of
its constant (``D.PARSE_ERROR``), its stable ``code``, the ``phase`` of reading that
makes it, the ``check`` function(s) that make it and a ``doc`` line (docs/reader.md's
table). The registry and the module's constants are read from that one table, and
every remark is made by one function, :func:`emit`, which refuses a code that is not
registered. The test suite plants each registered code and asserts it is caught
(tests/reader/test_registry.py)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

# Phases, in the order reading goes through them.
PHASES = ("read", "parse", "sort", "walk", "after-walk", "covariance", "agreement", "forms",
          "family", "data")
_PACKAGE = "mixeq.reader."


@dataclass(frozen=True)
class Entry:
    """One kind of remark: ``name``, the module constant that holds its ``code`` (stable,
    documented); the ``phase`` of reading that makes it; ``check``: the function(s) that
    make it, dotted names inside mixeq.reader (written without that prefix in the table,
    kept with it); and ``doc``, its line of docs/reader.md's table."""

    name: str
    code: str
    phase: str
    check: tuple[str, ...]
    doc: str

    def __post_init__(self):
        if self.phase not in PHASES:
            raise ValueError(f"diagnostic {self.code!r}: unknown phase {self.phase!r}")
        checks = (self.check,) if isinstance(self.check, str) else tuple(self.check)
        object.__setattr__(self, "check", tuple(
            c if c.startswith(_PACKAGE) else _PACKAGE + c for c in checks))


ENTRIES: tuple[Entry, ...] = (
    Entry("PARSE_ERROR", "parse-error", "parse",
          ("document.parse_failure", "api.read_equations"),
          "the equation cannot be read; the message gives line and column, `corrected` a repair "
          "the parser accepts when a local one exists"),
    Entry("NOT_AN_EQUATION", "not-an-equation", "sort",
          ("document.sort_equation", "document.sort_model_equation"),
          "a line with no '=' or '~', or an equation whose left side is no single symbol"),
    Entry("NO_LEVEL1", "no-level1-equation", "walk",
          ("walk.choose_level1",),
          "no level-1 equation (outcome = coefficients × predictors + residual)"),
    Entry("SEVERAL_LEVEL1", "several-level1-equations", "walk",
          ("walk.choose_level1",),
          "two level-1 equations for different outcomes"),
    Entry("COMPOSITE_MISMATCH", "composite-mismatch", "agreement",
          ("agreement.check_agreement",),
          "a composite equation that is not the same model as the level equations"),
    Entry("SLOPE_NOT_INDEXED", "slope-not-indexed", "walk",
          ("walk_coefficients.not_indexed",),
          "β_10 has a random effect U_1j in its equation, so it varies by cluster: write β_1j"),
    Entry("INTERCEPT_NOT_INDEXED", "intercept-not-indexed", "walk",
          ("walk_coefficients.not_indexed",),
          "β_0 has a random effect U_0j in its equation: write β_0j"),
    Entry("INDEX_MISMATCH", "index-mismatch", "walk",
          ("walk_coefficients.lookup",),
          "the same coefficient written β_10 in one place and β_1j in another"),
    Entry("MISSING_LEVEL2", "missing-level2-equation", "walk",
          ("walk_coefficients.missing_equation",),
          "β_1j carries the cluster index but has no equation (read as β_1j = γ_10 + U_1j)"),
    Entry("UNUSED_LEVEL2", "unused-level2-equation", "after-walk",
          ("walk_final.unused_definitions",),
          "an equation for a coefficient the level-1 equation does not use"),
    Entry("DUPLICATE_EQUATION", "duplicate-equation", "walk",
          ("walk.index_definitions",),
          "two equations for one coefficient"),
    Entry("CIRCULAR", "circular-definition", "walk",
          ("walk.visit_coefficient",),
          "a coefficient defined in terms of itself"),
    Entry("LEVEL2_OBSERVATION_INDEX", "level2-predictor-observation-index", "walk",
          ("walk_effects.check_variable",),
          "W_ij in a level-2 equation: write W_j"),
    Entry("LEVEL1_IN_LEVEL2", "level1-predictor-in-level2", "walk",
          ("walk_effects.check_variable",),
          "a level-1 predictor (in the level-1 equation) in a level-2 equation"),
    Entry("WRONG_RANDOM_INDEX", "random-effect-wrong-index", "walk",
          ("walk_effects.visit_error",),
          "U_0i (observation index), U_1j in β_0j's equation, U_0k with no k, ε_ij in a level-2 "
          "equation"),
    Entry("COEFFICIENT_WRONG_INDEX", "coefficient-wrong-index", "walk",
          ("walk_coefficients.check_coefficient_index",),
          "β_0k when the outcome has no index k"),
    Entry("SYMBOL_REUSED", "symbol-reused", "after-walk",
          ("walk_final.reused_symbols", "walk_effects.visit_error", "data_check.Columns.resolve"),
          "the same γ or U for two terms, two residuals, the outcome as a predictor, two names "
          "for one column"),
    Entry("MISSING_RESIDUAL", "missing-residual", "after-walk",
          ("walk_final.missing_residual",),
          "no residual term in the level-1 equation (of a linear mixed model)"),
    Entry("TERM_WITHOUT_COEFFICIENT", "term-without-coefficient", "walk",
          ("walk.walk",),
          "a predictor (or constant) with no coefficient (a column alone: read as an offset)"),
    Entry("PRODUCT_OF_COEFFICIENTS", "product-of-coefficients", "walk",
          ("walk.walk",),
          "two coefficients or random effects multiplied"),
    Entry("DUPLICATE_TERM", "duplicate-term", "walk",
          ("walk_effects.add_fixed",),
          "two fixed coefficients for the same predictor"),
    Entry("COEFFICIENT_NUMBERING", "coefficient-numbering", "walk",
          ("walk_coefficients.check_numbering",),
          "γ_21 in β_1j's equation (by convention γ_1q)"),
    Entry("COVARIANCE_SIZE", "covariance-size", "covariance",
          ("covariance.Links.read_distribution",),
          "T's size does not match the random-effect vector"),
    Entry("UNKNOWN_RANDOM_EFFECT", "unknown-random-effect", "covariance",
          ("covariance.unknown_effects",),
          "a distribution line for a random effect that is in no equation"),
    Entry("UNKNOWN_COLUMN", "unknown-column", "data",
          ("data_check.Columns.find",),
          "with data: a variable name that is no column (close names suggested)"),
    Entry("UNKNOWN_GROUP_COLUMN", "unknown-group-column", "data",
          ("data_check.Columns.find",),
          "with data: a cluster index that names no column"),
    Entry("LEVEL2_VARIES", "level2-predictor-varies-within", "data",
          ("data_check.check_level",),
          'with data: a "level-2" predictor varies within its clusters'),
    Entry("LEVEL1_CONSTANT", "level1-predictor-constant-within", "data",
          ("data_check.check_level",),
          "with data: a random slope on a predictor constant within the clusters"),
    Entry("FACTOR_LEVEL", "factor-level", "data",
          ("data_check.Columns.factor_of", "data_check.Columns.check_factors"),
          "with data: a factor's dummy that is not one of the model's: the reference level's "
          "(sector_Catholic), a level the factor does not have, or some of a factor's dummies "
          "without the others"),
    Entry("INTERNAL_ERROR", "internal-error", "read",
          ("api.read_equations",),
          "a bug in mixeq's reader (reported as a remark, never a traceback)"),
    Entry("MATRIX_FORM_MISMATCH", "matrix-form-mismatch", "forms",
          ("matrix_remarks.explain",),
          "a matrix form for one cluster that is not the level equations' model"),
    Entry("MATRIX_SHAPE", "matrix-form-shape", "forms",
          ("matrix_remarks.explain",),
          "a matrix of the matrix form whose columns and vector entries do not pair up"),
    Entry("MATRIX_ELIDED", "matrix-form-elided", "forms",
          ("matrix_remarks.elided_alone",),
          "a matrix form with columns left out (⋯, as mixeq prints a wide X_j) and no level "
          "equations: the model cannot be read from it"),
    Entry("OBSERVATION_MISMATCH", "observation-mismatch", "forms",
          ("matrix_remarks.explain",),
          "one observation written out that is not row 1 of the level equations' model"),
    Entry("GLMM_RESIDUAL", "glmm-residual", "after-walk",
          ("walk_final.glmm_residual",),
          "an ε at level 1 of a GLMM (binomial, Poisson): the distribution of y is the level-1 "
          "randomness"),
    Entry("GLMM_NO_LINK", "glmm-no-link", "family",
          ("glmm.no_link",),
          "a Bernoulli/Binomial/Poisson outcome whose mean is set to the linear predictor "
          "without a link (read with the usual one), or with no equation for its mean"),
    Entry("GLMM_NO_DISTRIBUTION", "glmm-no-distribution", "family",
          ("glmm.no_distribution",),
          "a link equation (logit(p_ij) = …) with no line saying how the outcome is "
          "distributed"),
    Entry("GLMM_LINK_DOMAIN", "glmm-link-domain", "family",
          ("glmm.link_domain",),
          "a link that does not match the distribution's domain (logit with Poisson, log with "
          "Bernoulli)"),
    Entry("GLMM_MEAN_MISMATCH", "glmm-mean-mismatch", "family",
          ("glmm.mean_mismatch",),
          "the link applied to another symbol than the distribution's mean (logit(q_ij) with "
          "Bernoulli(p_ij))"),
)

REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> str:
    """Add one entry to the registry (a code registered twice is a bug in mixeq)."""
    if entry.code in REGISTRY:
        raise ValueError(f"diagnostic code {entry.code!r} registered twice")
    REGISTRY[entry.code] = entry
    return entry.code


for _entry in ENTRIES:
    globals()[_entry.name] = register(_entry)  # D.PARSE_ERROR == "parse-error", …
del _entry


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
