"""A remark about the equations: what is wrong, where, and how to write it."""
from __future__ import annotations

from dataclasses import asdict, dataclass

# Stable codes (documented in docs/reader.md).
PARSE_ERROR = "parse-error"
NOT_AN_EQUATION = "not-an-equation"
NO_LEVEL1 = "no-level1-equation"
SEVERAL_LEVEL1 = "several-level1-equations"
COMPOSITE_MISMATCH = "composite-mismatch"
SLOPE_NOT_INDEXED = "slope-not-indexed"
INTERCEPT_NOT_INDEXED = "intercept-not-indexed"
INDEX_MISMATCH = "index-mismatch"
MISSING_LEVEL2 = "missing-level2-equation"
UNUSED_LEVEL2 = "unused-level2-equation"
DUPLICATE_EQUATION = "duplicate-equation"
CIRCULAR = "circular-definition"
LEVEL2_OBSERVATION_INDEX = "level2-predictor-observation-index"
LEVEL1_IN_LEVEL2 = "level1-predictor-in-level2"
WRONG_RANDOM_INDEX = "random-effect-wrong-index"
COEFFICIENT_WRONG_INDEX = "coefficient-wrong-index"
SYMBOL_REUSED = "symbol-reused"
MISSING_RESIDUAL = "missing-residual"
TERM_WITHOUT_COEFFICIENT = "term-without-coefficient"
PRODUCT_OF_COEFFICIENTS = "product-of-coefficients"
DUPLICATE_TERM = "duplicate-term"
COEFFICIENT_NUMBERING = "coefficient-numbering"
COVARIANCE_SIZE = "covariance-size"
UNKNOWN_RANDOM_EFFECT = "unknown-random-effect"
UNKNOWN_COLUMN = "unknown-column"
UNKNOWN_GROUP_COLUMN = "unknown-group-column"
LEVEL2_VARIES = "level2-predictor-varies-within"
LEVEL1_CONSTANT = "level1-predictor-constant-within"
INTERNAL_ERROR = "internal-error"
MATRIX_FORM_MISMATCH = "matrix-form-mismatch"
MATRIX_SHAPE = "matrix-form-shape"
OBSERVATION_MISMATCH = "observation-mismatch"


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
