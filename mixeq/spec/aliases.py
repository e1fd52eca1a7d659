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

formulaic also looks every name up in the data before the functions it is given,
so a column named like a function the formula calls (``log``, ``poly``, ``scale``
…) would hide that function, where R skips objects that are not functions when it
looks up a call. Such a column crosses under an alias too when the formula reads
it (``y ~ log + log(x)``), and is left out of the frame formulaic sees when it
does not: the frame keeps every column under its own name otherwise, at no cost.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from mixeq.spec.vocabulary import IDENTITY, SPECIAL

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


def called_names(calls) -> frozenset[str]:
    """The names formulaic looks up as functions when it evaluates a formula that
    calls ``calls``: each call's first name (``np`` of ``np.log``) and ``I``, which
    wraps the response and the offsets (:mod:`mixeq.design.response`); not
    ``offset``/``cbind``, which the parser takes out (only their arguments are
    evaluated)."""
    return frozenset([IDENTITY, *(c.split(".")[0] for c in calls if c not in SPECIAL)])


@dataclass(frozen=True)
class Aliases:
    """column name → its internal alias, for the columns that need one; ``calls``:
    the names formulaic is to find as functions (:func:`called_names`), which no
    column of the frame it sees may carry."""

    alias: dict[str, str] = field(default_factory=dict)
    calls: frozenset[str] = frozenset()

    @classmethod
    def of(cls, columns, calls=()) -> "Aliases":
        """The map of a formula's columns (in order of first appearance) that calls
        the functions ``calls``."""
        called = called_names(calls)
        names = [c for c in dict.fromkeys(columns) if needs_alias(c) or c in called]
        return cls({name: _ALIAS.format(k) for k, name in enumerate(names)}, called)

    def __bool__(self) -> bool:
        """Whether any text is rewritten (:meth:`frame` has work of its own)."""
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
        """``data`` as formulaic is to see it: the aliased columns under their aliases
        (a shallow view), without the columns the formula cannot reach that would hide
        a name — one named like an alias, or like a function the formula calls and
        does not read (a column ``log`` beside ``log(x)``). ``data`` itself when
        neither occurs (a lookup per called name: ~0.3 µs each)."""
        present = {c: a for c, a in self.alias.items() if c in data.columns} \
            if self.alias else {}
        hide = [name for name in self.calls if name in data.columns and name not in present]
        if present:
            hide += [a for a in present.values() if a in data.columns and a not in present]
        if hide:
            data = data.drop(columns=hide)
        return data.rename(columns=present) if present else data
