"""What a symbol stands for: a coefficient (β, γ, π), an error term (U, u, r,
e, ε), or a variable (X_ij, M_j) — and its subscript split into numbers
(``10`` → 1, 0) and index letters (``ij`` → i, j)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from mixeq.reader import vocabulary as V
from mixeq.reader.syntax import Script, Sym

COEF, ERROR, VAR = "coefficient", "error", "variable"

_GLUED = re.compile(r"^(?P<digits>\d+)(?P<letters>[a-z]{0,3})$")
_GLUED_LETTERS = re.compile(r"^[ijklmt]{1,3}$")


@dataclass(frozen=True)
class Index:
    """A subscript read as index items: ``numbers`` (``("1", "0")`` for
    ``10``, ``("10",)`` for ``10,j``) and ``letters`` (``("i", "j")``)."""

    numbers: tuple[str, ...] = ()
    letters: tuple[str, ...] = ()

    def text(self) -> str:
        """Subscript text in the usual compact spelling: ``0j``, ``1,10,j``."""
        if any(len(n) > 1 for n in self.numbers):
            return ",".join([*self.numbers, "".join(self.letters)] if self.letters
                            else list(self.numbers))
        return "".join(self.numbers) + "".join(self.letters)


@dataclass
class SymInfo:
    """A classified symbol: ``role``, canonical ``base`` (``beta``, ``u``, or the
    variable's name), its :class:`Index`, and the source node ``sym``."""

    role: str
    base: str
    index: Index
    sym: Sym
    power: int = 1

    @property
    def numbers(self) -> tuple[str, ...]:
        return self.index.numbers

    @property
    def letters(self) -> tuple[str, ...]:
        return self.index.letters

    @property
    def key(self) -> tuple:
        """Identity: U_0j and U_0j^(2) (a second intercept on j) differ."""
        sup = self.sym.sup.raw if self.role != VAR and self.sym.sup is not None else ""
        return (self.role, self.base, self.index.numbers, self.index.letters, sup)

    @property
    def written(self) -> str:
        return self.base + ("_" + self.index.text() if self.index.text() else "")


_COMMAND = re.compile(r"\\[A-Za-z]+")


def parse_index(raw: str) -> Index:
    """``0j`` → (0; j), ``ij`` → (; i, j), ``1,10,j`` → (1, 10; j), ``j[i]`` → (; j)."""
    text = _COMMAND.sub("", raw)
    text = "".join(V.SUBSCRIPT_CHARS.get(ch, V.SUPERSCRIPT_CHARS.get(ch, ch)) for ch in text)
    text = re.sub(r"\[[^\]]*\]", "", text)  # Gelman–Hill j[i]: the cluster of i
    text = re.sub(r"[{}()\s.·]", "", text)
    numbers: list[str] = []
    letters: list[str] = []
    parts = text.split(",") if "," in text else [text]
    for part in parts:
        if "," in text and part.isdigit():
            numbers.append(part)
            continue
        for ch in part:
            if ch.isdigit():
                numbers.append(ch)
            elif ch.isalpha() and ch.isascii():  # Greek in τ_(π00), μ_(β₁) names, not indexes
                letters.append(ch)
    return Index(tuple(numbers), tuple(letters))


def _unglue(sym: Sym) -> Sym:
    """Plain-text ``b0j`` → ``b`` with subscript ``0j`` (span inside the name)."""
    if sym.sub is not None:
        return sym
    for prefix in sorted(V.GLUED_PREFIXES, key=len, reverse=True):
        if not sym.name.startswith(prefix) or len(sym.name) == len(prefix):
            continue
        rest = sym.name[len(prefix):]
        if _GLUED.match(rest) or (prefix in ("e", "r", "eps") and _GLUED_LETTERS.match(rest)):
            a = sym.start + len(prefix)
            return Sym(prefix, sym.start, sym.end, Script(rest, (a, a + len(rest)), False, True),
                       sym.sup)
    return sym


def _formulaic_name(name: str) -> str:
    """Display spellings of formulaic terms back to formulaic's: I(x^2) → I(x ** 2)."""
    if not (name.startswith("I(") and name.endswith(")")):
        return name
    inner = re.sub(r"\s*(\*\*|\^)\s*", " ** ", name[2:-1].strip())
    inner = re.sub(r"\s*([*/+-])\s*", r" \1 ", inner).replace(" *  * ", " ** ")
    inner = re.sub(r"\s+", " ", inner)
    return f"I({inner})"


def classify(sym: Sym) -> SymInfo:
    sym = _unglue(sym)
    index = parse_index(sym.sub.raw) if sym.sub is not None else Index()
    if sym.name in V.COEFFICIENT_NAMES:
        return SymInfo(COEF, V.COEFFICIENT_NAMES[sym.name], index, sym)
    if sym.name in V.ERROR_NAMES:
        return SymInfo(ERROR, V.ERROR_NAMES[sym.name], index, sym)
    power = 1
    name = _formulaic_name(sym.name)
    if name != sym.name:
        sym = Sym(name, sym.start, sym.end, sym.sub, sym.sup)
    if sym.sup is not None and sym.sup.raw.isdigit():
        power = int(sym.sup.raw)
    return SymInfo(VAR, sym.name, index, sym, power)
