"""Predictors as the equations see them: a column of X or Z is a product of
atoms, each a numeric variable, a transform (``I(x ** 2)``) or one dummy of a
factor (``recipe`` at level ``B``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from mixeq.design.names import split_interaction
from mixeq.spec.aliases import unquoted

INTERCEPT_NAMES = {"(Intercept)", "Intercept", "1"}


@dataclass(frozen=True)
class Atom:
    var: str
    label: str | None = None  # the factor level of a dummy column

    @property
    def key(self) -> str:
        return self.var if self.label is None else f"{self.var}[{self.label}]"


def column_name(var: str) -> str:
    """A variable as the data and the equations name it: ```my var``` → ``my var``
    (R's backticks belong to the formula and to model-matrix names, not to the
    variable; a transform keeps them: ``log(`2nd` + 5)``)."""
    return unquoted(var)


def atoms_of_term(term: str) -> tuple[Atom, ...]:
    """Atoms of a formula term when there is no data (each part one atom)."""
    if term.strip() in INTERCEPT_NAMES:
        return ()
    return tuple(Atom(column_name(p)) for p in split_interaction(term))


_FORMULAIC_LEVEL = re.compile(r"^(?P<var>.+?)\[(?:T\.)?(?P<label>[^\]]*)\]$")


def atoms_of_column(name: str, candidates: list[str]) -> tuple[Atom, ...]:
    """Atoms of an lme4 column name (``recipeB:temperature185``), matching
    each part to the longest variable or term name it starts with."""
    if name.strip() in INTERCEPT_NAMES:
        return ()
    ordered = sorted(set(candidates), key=len, reverse=True)
    atoms = []
    for part in split_interaction(name):
        atoms.append(_atom_of_part(part, ordered))
    return tuple(atoms)


def _atom_of_part(part: str, ordered: list[str]) -> Atom:
    if part in ordered:
        return Atom(column_name(part))
    found = _FORMULAIC_LEVEL.match(part)
    if found and found.group("var") in ordered:
        return Atom(column_name(found.group("var")), found.group("label"))
    for cand in ordered:
        if part.startswith(cand):
            return Atom(column_name(cand), part[len(cand):])
    return Atom(column_name(part))


def variables_in(atom: Atom, columns) -> list[str]:
    """The data columns an atom is computed from (``I(x ** 2)`` → ``[x]``)."""
    if atom.var in columns:
        return [atom.var]
    try:  # the one definition of the columns a term reads (backticks, keywords)
        from mixeq.spec.check import expression_columns

        return [w for w in expression_columns(atom.var) if w in columns]
    except Exception:
        words = re.findall(r"[A-Za-z_.][A-Za-z0-9_.]*", atom.var)
        return [w for w in dict.fromkeys(words) if w in columns]
