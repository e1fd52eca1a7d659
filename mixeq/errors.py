"""Errors and warnings raised by mixeq.

Every problem a user can cause raises a subclass of :class:`MixeqError` whose
message names the problem (column, term, position in the formula) and says how
to fix it.
"""
from __future__ import annotations


class MixeqError(Exception):
    """Base class of every error mixeq raises on bad input."""


class FormulaSyntaxError(MixeqError, ValueError):
    """A formula that cannot be parsed; ``position`` is the 0-based offset."""

    def __init__(self, message: str, formula: str = "", position: int | None = None):
        self.formula = formula
        self.position = position
        self.reason = message
        text = message
        if formula and position is not None:
            shown, at = _window(formula, position)
            text = f"{message} (at position {position})\n    {shown}\n    {' ' * at}^"
        super().__init__(text)


def _window(formula: str, position: int, width: int = 60) -> tuple[str, int]:
    """The formula around ``position`` (all of it when short), and the caret's column."""
    if len(formula) <= 2 * width + 20:
        return formula, position
    start = max(0, position - width)
    end = min(len(formula), position + width)
    lead = "…" if start else ""
    return lead + formula[start:end] + ("…" if end < len(formula) else ""), position - start + len(lead)


class UnknownColumnError(MixeqError, KeyError):
    """The formula names a variable that is not a column of the data."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class DataError(MixeqError, ValueError):
    """The data cannot support the model (response type, grouping factor, sizes)."""


class GroupingFactorError(DataError):
    """A grouping factor that cannot carry random effects."""


class FitError(MixeqError, RuntimeError):
    """The model cannot be fitted as asked."""


class InferenceError(MixeqError, ValueError):
    """A test, interval or simulation asked in a way that does not apply (unknown
    method, level outside (0, 1), Kenward–Roger of an ML fit …)."""


class RenderError(MixeqError, ValueError):
    """An equation form or format that does not apply to this model."""


class MixeqWarning(UserWarning):
    """Something the user should know (dropped rows, dropped columns, singular fit)."""
