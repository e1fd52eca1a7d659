"""Internal names for columns Python cannot spell: the one alias map of a formula.

lme4 takes any column name: ``class`` and ``lambda`` (plain names in R), and in
backticks anything else (```my var```, ```2nd```, ```if```). formulaic evaluates
a term as Python, where a keyword or a name with a space cannot stand, so such a
column crosses into formulaic (or into Python's :mod:`ast`, for the remote
compiler) under an alias: ``mixeq_c0_`` … The map is built once, from the columns
:func:`mixeq.spec.check.check_formula` collects, applied to the text and to the
frame handed to formulaic, and undone on every name that comes back (model-matrix
columns, terms): the user never sees an alias. Nothing is evaluated to do it: the
text is rewritten at the column tokens the checker found.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

# R's reserved words: a column of one of these names is written in backticks in R
# (?Reserved); everything else R calls a name (class, lambda, import …) is plain.
R_RESERVED = frozenset({
    "if", "else", "repeat", "while", "function", "for", "in", "next", "break", "TRUE",
    "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_complex_",
    "NA_character_"})

_R_SYNTACTIC = re.compile(r"^(?:[^\W\d_]|\.(?![\d]))[\w.]*$|^\.$")
_QUOTED = re.compile(r"^`([^`]+)`$")
_ALIAS = "mixeq_c{}_"
_ALIAS_TOKEN = re.compile(r"(?<![\w.])mixeq_c\d+_")  # a level may follow: mixeq_c0_B


def r_name(name: str) -> str:
    """A column name as R writes it in a formula and in model-matrix names:
    ``class``, ``x.y``, or ```my var```, ```2nd```, ```if``` in backticks (R's
    ``make.names`` rule: not syntactic, or a reserved word)."""
    plain = bool(_R_SYNTACTIC.match(name)) and name != "." and name not in R_RESERVED
    return name if plain else f"`{name}`"


def unquoted(name: str) -> str:
    """A column name without R's backticks: ```my var``` → ``my var`` (a call such as
    ``log(`2nd` + 5)`` is not one name and keeps them)."""
    found = _QUOTED.match(name)
    return found.group(1) if found else name


def needs_alias(name: str) -> bool:
    """Python cannot read the name as an identifier (a keyword such as ``class``, a
    space, a digit first, a dot, a non-ASCII letter Python would normalise)."""
    return not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name) \
        or bool(_ALIAS_TOKEN.fullmatch(name))


@dataclass(frozen=True)
class Aliases:
    """column name → its internal alias, for the columns that need one."""

    alias: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, columns) -> "Aliases":
        """The map of a formula's columns (in order of first appearance)."""
        names = [c for c in dict.fromkeys(columns) if needs_alias(c)]
        return cls({name: _ALIAS.format(k) for k, name in enumerate(names)})

    def __bool__(self) -> bool:
        return bool(self.alias)

    @property
    def column(self) -> dict[str, str]:
        """alias → column name."""
        return {a: c for c, a in self.alias.items()}

    def name(self, name: str) -> str:
        """A column's name as formulaic sees it."""
        return self.alias.get(name, name)

    def text(self, expr: str) -> str:
        """``expr`` (formula text: a term, a side, a response) with each aliased
        column token replaced by its alias; functions, numbers, strings unchanged."""
        if not self.alias:
            return expr
        from mixeq.spec.check import column_tokens

        out, last = [], 0
        for tok in column_tokens(expr):
            if tok.value in self.alias:
                out += [expr[last:tok.start], self.alias[tok.value]]
                last = tok.end
        return "".join(out) + expr[last:]

    def undo(self, text: str, spell=r_name) -> str:
        """Text formulaic (or ast) wrote back with aliases: each alias → the column
        name as R writes it (``log(mixeq_c0_ + 5)`` → ``log(`my var` + 5)``)."""
        if not self.alias or "mixeq_c" not in text:
            return text
        columns = self.column
        return _ALIAS_TOKEN.sub(lambda m: spell(columns.get(m.group(), m.group())), text)

    def frame(self, data):
        """``data`` with the aliased columns under their aliases (a shallow view;
        a column already named like an alias is left out, as the formula cannot
        reach it)."""
        if not self.alias:
            return data
        present = {c: a for c, a in self.alias.items() if c in data.columns}
        clash = [a for a in present.values() if a in data.columns and a not in present]
        if clash:
            data = data.drop(columns=clash)
        return data.rename(columns=present)
