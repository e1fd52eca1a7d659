"""The state of one walk through the equations, passed explicitly to every step
(no mixins sharing attributes): what has been read so far, and the helpers that
need it — making a remark, spelling a corrected symbol as the input spells it."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.reader import diagnostics as D
from mixeq.reader.corrections import Edit, reindex as _reindex, rewrite, spell as _spell
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.structure import FixedEffect, Structure
from mixeq.reader.symbols import COEF, ERROR, Index, SymInfo


@dataclass
class WalkState:
    """``doc`` read; ``s`` the structure being built; ``level1`` the level-1 equation;
    ``defs`` coefficient → its equation (``by_stripped`` the same keyed without
    trailing zeros); ``used`` the definitions reached; ``level1_names`` the predictors
    of the level-1 equation; ``factor_of`` a dummy's factor; ``coef_uses`` and
    ``error_uses`` every place a symbol is used (for symbol-reused); ``flagged`` the
    offsets of symbols already remarked on; ``fixed_by_term`` a term's first fixed
    effect."""

    doc: Document
    s: Structure = field(default_factory=Structure)
    level1: Equation | None = None
    defs: dict[tuple, Equation] = field(default_factory=dict)
    by_stripped: dict[tuple, list[Equation]] = field(default_factory=dict)
    used: set[tuple] = field(default_factory=set)
    level1_names: set[str] = field(default_factory=set)
    factor_of: dict[str, str] = field(default_factory=dict)
    coef_uses: dict[tuple, list] = field(default_factory=dict)
    error_uses: dict[tuple, list] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)
    fixed_by_term: dict[tuple, FixedEffect] = field(default_factory=dict)


def remark(w: WalkState, code: str, eq: Equation | None, message: str,
           corrected: str | None = None, at: int | None = None) -> None:
    """A remark about ``eq`` (at the symbol starting at offset ``at``, which is then
    not remarked on again)."""
    col = None
    if at is not None:
        col = at - (w.doc.source.rfind("\n", 0, at) + 1) + 1
        w.flagged.add(at)
    D.emit(w.doc.diagnostics, code, eq.line if eq else None, eq.text if eq else "", message,
           corrected, col)


def reindex(w: WalkState, info: SymInfo, index: Index) -> Edit:
    """Edit giving ``info`` the subscript ``index``, in the input's spelling."""
    return _reindex(info, index, w.doc.latex, w.doc.source)


def fix(eq: Equation, edits: list[Edit]) -> str:
    return rewrite(eq.statement, edits)


def example(w: WalkState, role: str, base: str | None = None) -> SymInfo | None:
    """A symbol of this kind as the user wrote it, to spell new ones alike."""
    for eq in [*filter(None, [w.level1]), *w.doc.definitions]:
        for mono in eq.monomials:
            for info in (mono.coefs if role == COEF else mono.errors):
                if (base is None or info.base == base) and info.sym.sub is not None \
                        and info.numbers:
                    return info
    return None


def spell(w: WalkState, role: str, base: str, index: Index) -> str:
    return _spell(base, index, w.doc.latex, w.doc.source, example(w, role, base)
                  or (example(w, role) if role == ERROR else None))


def def_key(w: WalkState, coef: SymInfo) -> tuple:
    """Which equation defines a coefficient: β_1 and β_1j are one coefficient
    in level-1/level-2 equations, two in Gelman–Hill notation."""
    if w.doc.gelman_hill:
        return (coef.base, coef.numbers, coef.letters)
    return (coef.base, coef.numbers)


def cluster_order(w: WalkState, letters) -> tuple[str, ...]:
    pos = {c: k for k, c in enumerate(w.s.clusters)}
    return tuple(sorted(set(letters), key=lambda c: pos.get(c, len(pos))))
