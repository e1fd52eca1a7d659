"""Which data columns a spec uses, and checks that they exist."""
from __future__ import annotations

import difflib
import re

import pandas as pd
from formulaic import Formula

from mixeq.errors import UnknownColumnError
from mixeq.spec.types import ModelSpec

_SIMPLE = re.compile(r"^\s*[A-Za-z0-9_.:]+(?:\s*\+\s*[A-Za-z0-9_.:]+)*\s*$")
_IDENT = re.compile(r"`([^`]+)`|([A-Za-z_.][A-Za-z0-9_.]*)")


def _identifiers(text: str) -> set[str]:
    return {a or b for a, b in _IDENT.findall(text)}


def formula_variables(rhs: str, columns) -> list[str]:
    """Columns a formulaic right-hand side reads (formulaic's list plus any
    identifier that names a column, for stateful transforms like ``center(x)``)."""
    names = _identifiers(rhs)
    found = {name for name in names if name in columns}
    if rhs.strip() and not _SIMPLE.match(rhs):
        found |= set(Formula(rhs).required_variables)
    elif rhs.strip():
        found |= names - {"1", "0"}
    return sorted(found, key=str)


def used_variables(spec: ModelSpec, data: pd.DataFrame) -> dict[str, list[str]]:
    """Columns used by each part: response, fixed, random (left sides), groups."""
    cols = set(map(str, data.columns))
    response = sorted(_identifiers(spec.response) & cols) or [spec.response]
    lhs = " + ".join(t for r in spec.random for t in r.terms)
    groups = []
    for r in spec.random:
        for g in r.group:
            if g not in groups:
                groups.append(g)
    return {
        "response": response,
        "fixed": formula_variables(spec.fixed_formula(), cols),
        "random": formula_variables(lhs, cols) if lhs else [],
        "group": groups,
    }


def check_columns(spec: ModelSpec, data: pd.DataFrame) -> dict[str, list[str]]:
    used = used_variables(spec, data)
    cols = list(map(str, data.columns))
    for part, names in used.items():
        for name in names:
            if name not in cols:
                raise UnknownColumnError(_unknown_message(name, part, spec, cols))
    return used


def _unknown_message(name: str, part: str, spec: ModelSpec, cols: list[str]) -> str:
    where = {"response": "the response", "fixed": "the fixed part",
             "random": "a random-effects term", "group": "a grouping factor"}[part]
    close = difflib.get_close_matches(name, cols, n=3, cutoff=0.6)
    lower = [c for c in cols if c.lower() == name.lower() and c not in close]
    hints = lower + close
    hint = (f" Did you mean {', '.join(repr(h) for h in hints)}?" if hints
            else f" The data has columns: {', '.join(cols[:12])}{' …' if len(cols) > 12 else ''}.")
    return (f"unknown column '{name}' in {where} of '{spec.formula or spec.canonical()}'."
            f"{hint}")
