"""How the reader names what it read: symbols in messages (β_1j), terms as the lme4
formula writes them (``x:m``, ``I(x ** 2)``, a backticked column name), and the small
rules on coefficient numbers (β_10 used at level 1 is coefficient 1)."""
from __future__ import annotations

import re

from mixeq.design.names import dummy_splits
from mixeq.errors import MixeqError
from mixeq.reader.symbols import VAR, Index, SymInfo
from mixeq.spec.check import call_arguments, expression_columns
from mixeq.spec.types import quote_name
from mixeq.spec.vocabulary import FUNCTIONS

_PLAIN = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")

GREEK_NAME = {"beta": "β", "gamma": "γ", "pi": "π", "u": "U", "e": "ε", "r": "r", "v": "V"}
NEXT_LEVEL = {"pi": "beta", "beta": "gamma", "gamma": "gamma"}


def show(info: SymInfo, index: Index | None = None) -> str:
    """Readable name for messages: β_1j."""
    base = GREEK_NAME.get(info.base, info.base) if info.role != VAR else info.base
    text = (index or info.index).text()
    return f"{base}_{text}" if text else base


def strip_zeros(numbers: tuple[str, ...]) -> tuple[str, ...]:
    out = list(numbers)
    while len(out) > 1 and out[-1] == "0":
        out.pop()
    return tuple(out)


def corrected_numbers(numbers: tuple[str, ...], depth: int) -> tuple[str, ...]:
    """β_10 used as a level-1 coefficient is coefficient 1 (the 0 stands where
    the cluster index should be)."""
    out = list(numbers)
    while len(out) > depth + 1 and out[-1] == "0":
        out.pop()
    return tuple(out)


def factor_dummies(names) -> dict[str, str]:
    """``recipe_B``, ``recipe_C`` → both are dummies of the factor ``recipe``
    (mixeq names a factor's columns by :func:`mixeq.design.names.dummy_name`, read back
    here by its inverse); without data, a guess that needs two of them. With data the
    data says which names are dummies (reader/data_check.py)."""
    by_prefix: dict[str, set[str]] = {}
    for name in names:
        splits = dummy_splits(name)
        if splits:
            by_prefix.setdefault(splits[0][0], set()).add(name)
    return {n: prefix for prefix, ns in by_prefix.items() if len(ns) >= 2 for n in ns}


def term_name(term: tuple[tuple[str, int], ...]) -> str:
    return ":".join(formula_name(name) if p == 1 else f"I({formula_name(name)} ** {p})"
                    for name, p in term)


def formula_name(name: str) -> str:
    """A variable name read from the equations as the formula writes it: a plain
    name; a call of the formula vocabulary that passes its check (mixeq's own
    ``I(x ** 2)``, ``I(X - X_bar)``); or else the whole text in backticks — a
    column name, never code (``\\operatorname{…}`` may hold anything)."""
    if not _PLAIN.match(name):
        function, _, rest = name.partition("(")
        inner = rest[:-1].strip() if rest.endswith(")") else ""
        # log(my var): the equations write a column as its name, inside a function too
        for call in (name, f"{function}({quote_name(inner)})" if inner else None):
            try:
                if call and function in FUNCTIONS and call_arguments(call, function) is not None:
                    expression_columns(call)
                    return call
            except MixeqError:
                pass
    return quote_name(name.replace("`", "'"))
