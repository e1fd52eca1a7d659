"""formulaic column names → lme4's (R's model.matrix) names."""
from __future__ import annotations

import re

# formulaic writes treatment-coded factor columns as `f[T.b]`, full-rank-less
# indicator columns as `f[b]`, and contrasts such as `C(f, Sum)[S.b]`.
_LEVEL = re.compile(r"\[(?:[A-Za-z]+\.)?([^\[\]]*)\]")


def r_column_name(name: str) -> str:
    """``Intercept`` → ``(Intercept)``; ``recipe[T.B]:temperature[T.185]`` →
    ``recipeB:temperature185``; ``f[a]`` → ``fa``; ``I(x ** 2)`` → ``I(x^2)``; others unchanged."""
    if name == "Intercept":
        return "(Intercept)"
    name = name.replace(" ** ", "^")  # R writes powers I(x^2)
    return ":".join(_LEVEL.sub(r"\1", part) for part in _split_interaction(name))


def _split_interaction(name: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(name):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ":" and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    return parts
