"""formulaic column names → lme4's (R's model.matrix) names."""
from __future__ import annotations

import re

# formulaic writes treatment-coded factor columns as `f[T.b]`, full-rank-less
# indicator columns as `f[b]`, and contrasts such as `C(f, Sum)[S.b]`.
_DOTTED = re.compile(r"`([A-Za-z_.][A-Za-z0-9_.]*)`")
_LEVEL = re.compile(r"\[(?:[A-Za-z]+\.)?([^\[\]]*)\]")


def r_column_name(name: str, aliases=None) -> str:
    """``Intercept`` → ``(Intercept)``; ``recipe[T.B]:temperature[T.185]`` →
    ``recipeB:temperature185``; ``f[a]`` → ``fa``; ``I(x ** 2)`` → ``I(x^2)``; others
    unchanged. A column formulaic saw under an alias gets its name back as R writes it
    (``mixeq_c0_[T.B]`` → ``classB``, ```my f`b``: :mod:`mixeq.spec.aliases`)."""
    if name == "Intercept":
        return "(Intercept)"
    name = name.replace(" ** ", "^")  # R writes powers I(x^2)
    name = _DOTTED.sub(r"\1", name)  # log(`my.var`) → log(my.var), as R names it
    name = ":".join(_LEVEL.sub(r"\1", part) for part in split_interaction(name))
    return aliases.undo(name) if aliases else name


def split_interaction(name: str) -> list[str]:
    """``x:I(a:b):m`` → ``["x", "I(a:b)", "m"]`` (colons inside brackets kept);
    also how the equations split a column into its atoms."""
    parts, depth, start = [], 0, 0
    for pos, ch in enumerate(name):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ":" and depth == 0:
            parts.append(name[start:pos].strip())
            start = pos + 1
    parts.append(name[start:].strip())
    return [p for p in parts if p]
