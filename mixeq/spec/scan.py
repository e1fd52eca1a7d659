"""Low-level scanning of formula text: depth tracking, top-level splitting.

Positions are 0-based offsets into the whole formula so that errors can point
at the character the user typed.
"""
from __future__ import annotations

from dataclasses import dataclass

from mixeq.errors import FormulaSyntaxError

_OPEN, _CLOSE = "([{", ")]}"
_QUOTES = "'\"`"


@dataclass(frozen=True)
class Piece:
    """A slice of the formula: ``text`` found at offset ``start``."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def strip(self) -> "Piece":
        lead = len(self.text) - len(self.text.lstrip())
        return Piece(self.text.strip(), self.start + lead)


def depths(text: str, formula: str, base: int = 0) -> list[int]:
    """Bracket depth before each character (quotes skipped); checks balance."""
    out: list[int] = []
    stack: list[tuple[str, int]] = []
    quote: str | None = None
    for i, ch in enumerate(text):
        out.append(len(stack) if quote is None else -1)
        if quote is not None:
            if ch == quote:
                quote = None
            continue
        if ch in _QUOTES:
            quote = ch
        elif ch in _OPEN:
            stack.append((ch, i))
        elif ch in _CLOSE:
            if not stack:
                raise FormulaSyntaxError(
                    f"unbalanced parentheses: '{ch}' closes nothing; remove it or add "
                    "the opening bracket", formula, base + i)
            opener, _ = stack.pop()
            if _OPEN.index(opener) != _CLOSE.index(ch):
                raise FormulaSyntaxError(
                    f"mismatched brackets: '{opener}' closed by '{ch}'", formula, base + i)
    if quote is not None:
        raise FormulaSyntaxError("unterminated quote", formula, base + text.rindex(quote))
    if stack:
        opener, pos = stack[-1]
        raise FormulaSyntaxError(
            f"unbalanced parentheses: '{opener}' is never closed; add the closing "
            f"'{_CLOSE[_OPEN.index(opener)]}'", formula, base + pos)
    return out


def split_top(piece: Piece, seps: str, formula: str) -> list[tuple[str, Piece]]:
    """Split ``piece`` at depth-0 characters in ``seps``; each part keeps the
    separator that preceded it ('' for the first)."""
    d = depths(piece.text, formula, piece.start)
    parts: list[tuple[str, Piece]] = []
    sign, start = "", 0
    for i, ch in enumerate(piece.text):
        if d[i] == 0 and ch in seps and not _is_exponent_sign(piece.text, i):
            parts.append((sign, Piece(piece.text[start:i], piece.start + start)))
            sign, start = ch, i + 1
    parts.append((sign, Piece(piece.text[start:], piece.start + start)))
    return parts


def _is_exponent_sign(text: str, i: int) -> bool:
    """True for the sign in a number like ``1e-3``."""
    if text[i] not in "+-" or i < 2 or text[i - 1] not in "eE":
        return False
    j = i - 2
    while j >= 0 and (text[j].isdigit() or text[j] == "."):
        j -= 1
    return j < i - 2 and (j < 0 or not (text[j].isalnum() or text[j] == "_"))


def find_top(piece: Piece, char: str, formula: str) -> list[int]:
    """Offsets (within piece.text) of depth-0 occurrences of ``char``."""
    d = depths(piece.text, formula, piece.start)
    return [i for i, ch in enumerate(piece.text) if ch == char and d[i] == 0]


def is_wrapped(piece: Piece, formula: str) -> bool:
    """True if the whole piece is one parenthesised group ``( ... )``."""
    text = piece.text
    if not (text.startswith("(") and text.endswith(")")):
        return False
    d = depths(text, formula, piece.start)
    return all(level != 0 for level in d[1:])  # -1: inside a quote or backticks
