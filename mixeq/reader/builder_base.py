"""State and helpers shared by the parts of the equation walk: remarks,
corrected spellings, index order; and small functions on coefficient numbers."""
from __future__ import annotations

import re

from mixeq.reader import diagnostics as D
from mixeq.reader.corrections import Edit, reindex, rewrite, spell
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.structure import Structure
from mixeq.reader.symbols import COEF, ERROR, VAR, Index, SymInfo
from mixeq.errors import MixeqError
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


class BuilderBase:
    def __init__(self, doc: Document):
        self.doc = doc
        self.s = Structure()
        self.defs: dict[tuple, Equation] = {}
        self.used: set[tuple] = set()
        self.level1_names: set[str] = set()
        self.coef_uses: dict[tuple, list] = {}
        self.error_uses: dict[tuple, list] = {}
        self.flagged: set[int] = set()  # symbol offsets already remarked on
        self.level1: Equation | None = None
        self.factor_of: dict[str, str] = {}
        self.fixed_by_term: dict[tuple, object] = {}  # term → its first FixedEffect

    # -- helpers --------------------------------------------------------------
    def remark(self, code: str, eq: Equation | None, message: str, corrected: str | None = None,
               at: int | None = None) -> None:
        col = None
        if at is not None:
            col = at - (self.doc.source.rfind("\n", 0, at) + 1) + 1
            self.flagged.add(at)
        self.doc.diagnostics.append(D.Diagnostic(
            code, eq.line if eq else None, eq.text if eq else "", message, corrected, col))

    def reindex(self, info: SymInfo, index: Index) -> Edit:
        """Edit giving ``info`` the subscript ``index``, in the input's spelling."""
        return reindex(info, index, self.doc.latex, self.doc.source)

    def fix(self, eq: Equation, edits: list[Edit]) -> str:
        return rewrite(eq.statement, edits)

    def example(self, role: str, base: str | None = None) -> SymInfo | None:
        """A symbol of this kind as the user wrote it, to spell new ones alike."""
        for eq in [*filter(None, [self.level1]), *self.doc.definitions]:
            for mono in eq.monomials:
                for info in (mono.coefs if role == COEF else mono.errors):
                    if (base is None or info.base == base) and info.sym.sub is not None \
                            and info.numbers:
                        return info
        return None

    def spell(self, role: str, base: str, index: Index) -> str:
        return spell(base, index, self.doc.latex, self.doc.source, self.example(role, base)
                     or (self.example(role) if role == ERROR else None))

    def def_key(self, coef: SymInfo) -> tuple:
        """Which equation defines a coefficient: β_1 and β_1j are one coefficient
        in level-1/level-2 equations, two in Gelman–Hill notation."""
        if self.doc.gelman_hill:
            return (coef.base, coef.numbers, coef.letters)
        return (coef.base, coef.numbers)

    def cluster_order(self, letters) -> tuple[str, ...]:
        pos = {c: k for k, c in enumerate(self.s.clusters)}
        return tuple(sorted(set(letters), key=lambda c: pos.get(c, len(pos))))


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
    (mixeq writes a factor's columns as factor_level); needs two of them."""
    by_prefix: dict[str, set[str]] = {}
    for name in names:
        if "_" in name.strip("_"):
            prefix = name.rsplit("_", 1)[0]
            by_prefix.setdefault(prefix, set()).add(name)
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
        try:
            if call_arguments(name, name.split("(", 1)[0]) is not None \
                    and name.split("(", 1)[0] in FUNCTIONS:
                expression_columns(name)
                return name
        except MixeqError:
            pass
    return quote_name(name.replace("`", "'"))
