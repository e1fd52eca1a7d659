"""Split a document's tokens into equations: one per line or per ``\\\\``,
outside matrices; continuation lines (starting with ``+``/``-``, or without a
relation sign) are joined to the equation before them."""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from mixeq.reader import tokens as T


@dataclass
class Statement:
    """The tokens of one equation, with its line number (1-based) and text."""

    tokens: list[T.Token]
    line: int
    text: str
    start: int


def _line_starts(text: str) -> list[int]:
    """Offsets where lines start: a line number is then a binary search, not a
    count from the top for every equation (which made long documents quadratic)."""
    return [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


def _pieces(tokens: list[T.Token]) -> list[list[T.Token]]:
    pieces: list[list[T.Token]] = [[]]
    matrix_depth = 0
    for tok in tokens:
        if tok.kind == T.BEGIN:
            matrix_depth += 1
        elif tok.kind == T.END:
            matrix_depth = max(0, matrix_depth - 1)
        if matrix_depth == 0 and tok.kind in (T.NEWLINE, T.ROWSEP):
            pieces.append([])
        elif matrix_depth == 0 and tok.kind in (T.AMP, T.TEXT):
            continue  # alignment marks and \text{…} remarks
        elif matrix_depth > 0 and tok.kind == T.NEWLINE:
            continue
        else:
            pieces[-1].append(tok)
    return [_drop_trailing_commas(_drop_label(p)) for p in pieces if p]


def _drop_trailing_commas(piece: list[T.Token]) -> list[T.Token]:
    """``… \\right),\\quad \\text{for school …}`` ends with a comma once the text is gone."""
    while piece and piece[-1].kind in (T.COMMA, T.SEMI):
        piece = piece[:-1]
    return piece


def _drop_label(piece: list[T.Token]) -> list[T.Token]:
    """``Level 1: y_ij = …`` → ``y_ij = …`` (a label before a colon)."""
    for k, tok in enumerate(piece):
        if tok.kind in (T.EQ, T.SIM):
            return piece
        if tok.kind == T.COLON:
            return piece[k + 1:]
    return piece


_RELATIONS = (T.EQ, T.SIM)
_OPEN_ENDS = (T.PLUS, T.MINUS, T.TIMES, T.EQ, T.SIM, T.LPAREN, T.LBRACK, T.LBRACE, T.COMMA)


def _is_continuation(piece: list[T.Token], previous: list[T.Token] | None) -> bool:
    if previous is None:
        return False
    if piece[0].kind in (T.PLUS, T.MINUS, T.TIMES, T.RPAREN, T.RBRACK, T.RBRACE):
        return True
    return previous[-1].kind in _OPEN_ENDS


_OPENERS = (T.LPAREN, T.LBRACK, T.LBRACE, T.BEGIN)
_CLOSERS = (T.RPAREN, T.RBRACK, T.RBRACE, T.END)


def _split_commas(piece: list[T.Token]) -> list[list[T.Token]]:
    """``β_0j = γ_00 + u_0j, β_1j = γ_10`` → two equations (only when every
    comma-separated part has its own relation sign)."""
    parts: list[list[T.Token]] = [[]]
    depth = 0
    for tok in piece:
        if tok.kind in _OPENERS:
            depth += 1
        elif tok.kind in _CLOSERS:
            depth -= 1
        if tok.kind in (T.COMMA, T.SEMI) and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    if len(parts) > 1 and all(any(t.kind in _RELATIONS for t in p) for p in parts):
        return parts
    return [piece]


def split_statements(text: str, tokens: list[T.Token]) -> list[Statement]:
    merged: list[list[T.Token]] = []
    for piece in _pieces(tokens):
        if not piece:
            continue
        if _is_continuation(piece, merged[-1] if merged else None):
            merged[-1].extend(piece)
        else:
            merged.append(piece)
    statements = []
    starts = _line_starts(text)
    for segment in [seg for piece in merged for seg in _split_commas(piece)]:
        start, end = segment[0].start, segment[-1].end
        statements.append(Statement(segment, _line_of(starts, start), text[start:end], start))
    return statements
