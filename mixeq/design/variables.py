"""Which data columns a spec uses, and checks that they exist."""
from __future__ import annotations

import difflib
from functools import lru_cache

import pandas as pd

from mixeq.design.context import transform_names
from mixeq.errors import UnknownColumnError
from mixeq.spec.check import expression_columns
from mixeq.spec.types import ModelSpec
from mixeq.spec.vocabulary import OFFSET


def formula_variables(rhs: str, columns=None, transforms=None) -> list[str]:
    """Columns an expression reads: every name that is not a function of the
    formula vocabulary (:func:`mixeq.spec.check.expression_columns`, the one
    definition of the variables a formula uses)."""
    if not rhs.strip():
        return []
    names = transform_names(transforms)
    if names is None:
        return expression_columns(rhs, transforms)
    return list(_columns_of(rhs, names))


@lru_cache(maxsize=1024)
def _columns_of(rhs: str, names: tuple) -> tuple[str, ...]:
    """expression_columns once per text and set of function names (a model built
    again from the same formula reads its variables without tokenising again)."""
    return tuple(expression_columns(rhs, names))


def used_variables(spec: ModelSpec, data: pd.DataFrame | None = None,
                   transforms=None) -> dict[str, list[str]]:
    """Columns used by each part: response, fixed (with offsets), random (left
    sides), groups."""
    lhs = " + ".join(t for r in spec.random for t in r.terms)
    fixed = " + ".join([spec.fixed_formula(), *(f"{OFFSET}({o})" for o in spec.offsets)])
    groups = []
    for r in spec.random:
        for g in r.group:
            if g not in groups:
                groups.append(g)
    return {
        "response": formula_variables(spec.response, transforms=transforms),
        "fixed": formula_variables(fixed, transforms=transforms),
        "random": formula_variables(lhs, transforms=transforms) if lhs else [],
        "group": groups,
    }


def check_columns(spec: ModelSpec, data: pd.DataFrame, transforms=None) -> dict[str, list[str]]:
    """The columns each part uses (:func:`used_variables`), each checked to be one of
    ``data``'s (whose names are text: :func:`mixeq.design.frame.as_frame`)."""
    used = used_variables(spec, data, transforms)
    for part, names in used.items():
        for name in names:
            if name not in data.columns:   # a hash look-up, however wide the data
                cols = list(map(str, data.columns))
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
