"""Readable display of transformed predictors: ``I(x ** 2)`` as x², ``log(x)`` as log(x)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from mixeq.equations.atoms import column_name
from mixeq.equations.tree import Call, Num, Pow, Sym

_VAR = r"([A-Za-z_.][A-Za-z0-9_.]*|`[^`]+`)"  # a column, in backticks as R quotes it
_POWER = re.compile(r"^I\(\s*" + _VAR + r"\s*(?:\*\*|\^)\s*(\d+)\s*\)$")
_COLUMN = re.compile(r"^\s*" + _VAR + r"\s*$")
_FUNCTION = re.compile(r"^(log|log2|log10|exp|sqrt|abs|scale|center)\(\s*" + _VAR + r"\s*\)$")


@dataclass(frozen=True)
class Transform:
    """``var`` transformed by ``power`` (an integer) or ``function`` (a name)."""

    var: str
    power: int | None = None
    function: str | None = None

    def wrap(self, inner: Sym):
        if self.power is not None:
            return Pow(inner, Num(self.power))
        return Call(self.function, (inner,))


def parse_transform(name: str) -> Transform | None:
    """The variable and transformation of a formula term, or None if it is not one."""
    found = _POWER.match(name.strip())
    if found:
        return Transform(column_name(found.group(1)), power=int(found.group(2)))
    found = _FUNCTION.match(name.strip())
    if found:
        return Transform(column_name(found.group(2)), function=found.group(1))
    return None


def offset_variable(expr: str) -> str:
    """The variable an offset's expression is written as: its column (``offset(t)``), or
    the ``I()`` it is evaluated in (``offset(10 * log(t))`` → ``I(10 * log(t))``, as an
    arithmetic predictor prints), never the bare arithmetic, which reads as a name."""
    found = _COLUMN.match(expr)
    return column_name(found.group(1)) if found else f"I({expr})"
