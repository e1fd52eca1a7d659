"""Write corrected equations in the user's own spelling: edits are applied to
the equation's source text, so LaTeX stays LaTeX and plain text stays plain."""
from __future__ import annotations

from dataclasses import dataclass

from mixeq.reader.lines import Statement
from mixeq.reader.symbols import Index, SymInfo
from mixeq.reader.vocabulary import SUBSCRIPT_CHARS


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` (offsets in the whole input) by ``text``."""

    start: int
    end: int
    text: str


def rewrite(statement: Statement, edits: list[Edit]) -> str:
    text, base = statement.text, statement.start
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        a, b = edit.start - base, edit.end - base
        if 0 <= a <= b <= len(text):
            text = text[:a] + edit.text + text[b:]
    return text


_TO_SUBSCRIPT = {plain: sub for sub, plain in SUBSCRIPT_CHARS.items()}


def unicode_like(written: str, new: str) -> str | None:
    """``new`` in Unicode subscripts when ``written`` was (β₁₀ → β₁ⱼ), else None."""
    if written and all(ch in SUBSCRIPT_CHARS for ch in written) \
            and all(ch in _TO_SUBSCRIPT for ch in new):
        return "".join(_TO_SUBSCRIPT[ch] for ch in new)
    return None


def reindex(info: SymInfo, index: Index, latex: bool, source: str = "") -> Edit:
    """Edit that gives ``info``'s symbol the subscript ``index``."""
    sym, new = info.sym, index.text()
    if sym.sub is None:
        where = sym.end if sym.sup is None else sym.sup.span[0] - 1
        return Edit(where, where, f"_{{{new}}}" if latex else f"_{new}")
    a, b = sym.sub.span
    unicode = unicode_like(source[a:b], new)
    if unicode is not None:
        return Edit(a, b, unicode)
    if sym.sub.glued or sym.sub.braced or len(new) <= 1:
        return Edit(a, b, new)
    return Edit(a, b, f"{{{new}}}" if latex else new)


_GREEK_LATEX = {"beta": "\\beta", "gamma": "\\gamma", "pi": "\\pi", "e": "\\varepsilon",
                "u": "U", "r": "r", "v": "V"}
_PLAIN = {"beta": "b", "gamma": "g", "pi": "p", "e": "e", "u": "u", "r": "r", "v": "v"}


def spell(base: str, index: Index, latex: bool, source: str, example: SymInfo | None) -> str:
    """A new symbol ``base`` with subscript ``index``, spelled like ``example``
    (another symbol of the same kind in the input) when there is one."""
    new = index.text()
    if example is not None and example.sym.sub is not None:
        sym = example.sym
        a, b = sym.sub.span
        prefix = source[sym.start:a]
        unicode = unicode_like(source[a:b], new)
        if unicode is not None:
            return f"{prefix}{unicode}"
        suffix = source[b:b + 1] if sym.sub.braced else ""
        if latex and not sym.sub.braced and len(new) > 1:
            return f"{prefix}{{{new}}}"
        return f"{prefix}{new}{suffix}"
    if latex:
        return f"{_GREEK_LATEX.get(base, base)}_{{{new}}}"
    name = _PLAIN.get(base, base)
    return f"{name}{new}" if base in ("beta", "gamma", "pi") else f"{name}_{new}"
