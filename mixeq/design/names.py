"""formulaic column names → lme4's (R's model.matrix) names."""
from __future__ import annotations

import re
from functools import lru_cache

from mixeq.design.deparse import r_deparse
from mixeq.spec.check import written_contrasts

# formulaic writes treatment-coded factor columns as `f[T.b]`, full-rank-less
# indicator columns as `f[b]`, and contrasts such as `C(f, Sum)[S.b]`.
_DOTTED = re.compile(r"`([A-Za-z_.][A-Za-z0-9_.]*)`")
_LEVEL = re.compile(r"\[(?:[A-Za-z]+\.)?([^\[\]]*)\]")
_SUFFIX = re.compile(r"\[[^\[\]]*\]$")
_RAW_POLY = re.compile(r"^poly\(.*\braw = TRUE\)$")


def r_column_name(name: str, aliases=None) -> str:
    """``Intercept`` → ``(Intercept)``; ``recipe[T.B]:temperature[T.185]`` →
    ``recipeB:temperature185``; ``f[a]`` → ``fa``; ``I(x ** 2)`` → ``I(x^2)``; others
    ``exp(Days / 10)`` → ``exp(Days/10)`` (R's deparse: :mod:`mixeq.design.deparse`); others
    unchanged; a contrast named in ``C()`` as written (``C(f, 'sum')[1]`` → ``C(f, sum)1``).
    A column formulaic saw under an alias gets its name back as R writes it
    (``mixeq_c0_[T.B]`` → ``classB``, ```my f`b``: :mod:`mixeq.spec.aliases`)."""
    name = _r_spelling(name)
    return aliases.undo(name) if aliases else name


@lru_cache(maxsize=4096)
def _r_spelling(name: str) -> str:
    """The text rewrite of :func:`r_column_name`, once per name (it reads nothing but
    the name: a model built again names its columns without the regular expressions)."""
    if name == "Intercept":
        return "(Intercept)"
    if "(" in name:
        name = r_spelled(name)
    name = name.replace(" ** ", "^")  # R writes powers I(x^2)
    name = _DOTTED.sub(r"\1", name)  # log(`my.var`) → log(my.var), as R names it
    name = ":".join(_LEVEL.sub(r"\1", part) for part in split_interaction(name))
    return written_contrasts(name)  # C(f, 'sum')1 → C(f, sum)1, as written


def r_spelled(term: str) -> str:
    """A term (or a column name), each part's call as R's deparse writes it
    (``exp(Days / 10):x`` → ``exp(Days/10):x``)."""
    return ":".join(r_spaced(part) for part in split_interaction(term))


def r_spaced(part: str) -> str:
    """One atom of a column name (``exp(Days / 10)``, ``I(Days > 2.0)[T.True]``) with its
    call written as R's deparse writes it (``exp(Days/10)``, ``I(Days > 2)[T.True]``);
    ``C(…)`` keeps the contrast as written, and what R's deparse is not known for is
    left as it is."""
    suffix = _SUFFIX.search(part)
    head = part[:suffix.start()] if suffix else part
    if "(" not in head or head.startswith("C("):
        return part
    written = r_deparse(head)
    if written is None:
        return part
    if suffix and _RAW_POLY.match(written) and suffix.group(0)[1:-1].isdigit():
        # formulaic numbers raw poly()'s columns from 0, R from 1 (as both number the
        # orthogonal ones): poly(x, 2, raw = TRUE)1, poly(x, 2, raw = TRUE)2
        return f"{written}[{int(suffix.group(0)[1:-1]) + 1}]"
    return written + (suffix.group(0) if suffix else "")


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


def dummy_name(variable: str, label: str) -> str:
    """The ONE spelling of a factor's dummy in the equations: ``sector`` at level
    ``Public`` → ``sector_Public`` (R's model matrix writes ``sectorPublic``; the
    underscore keeps the factor visible). Every renderer names a dummy with this, and
    the equation reader reads a dummy back through :func:`dummy_splits` — the same
    definition run backwards, not a second spelling."""
    return f"{variable}_{label}"


def dummy_splits(name: str) -> list[tuple[str, str]]:
    """Every (variable, label) that :func:`dummy_name` spells as ``name``, the longest
    variable first: ``f_mid_B`` → ``[("f_mid", "B"), ("f", "mid_B")]``. Which one is
    meant is for the data to say (the factor column and its levels); without data the
    reader takes the first."""
    out = []
    for k in range(len(name) - 1, 0, -1):
        if name[k] == "_":
            variable, label = name[:k], name[k + 1:]
            if variable and label and dummy_name(variable, label) == name:
                out.append((variable, label))
    return out
