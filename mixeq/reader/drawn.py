"""Matrices drawn over several lines with bracket pieces (⎡ ⎢ ⎣ ⎤ ⎥ ⎦ ⎛ ⎜ ⎝ ⎞ ⎟ ⎠),
as mixeq's text output and sympy's pretty printer draw them, rewritten on one
line (``[τ₀₀, 0; 0, τ₁₁]``) so that the parser can read them. The block's other
lines are blanked, so line numbers stay right."""
from __future__ import annotations

import re

_TOP = "⎡⎛⎧"
_BOTTOM = "⎣⎝⎩"
_OPEN = "⎡⎢⎣⎛⎜⎝⎧⎨⎩⎪"
_CLOSE = "⎤⎥⎦⎞⎟⎠⎫⎬⎭"
_ALL = set(_OPEN + _CLOSE)


def _block_end(lines: list[str], start: int) -> int:
    top = next(c for c, ch in enumerate(lines[start]) if ch in _TOP)
    for k in range(start + 1, min(len(lines), start + 40)):
        if top < len(lines[k]) and lines[k][top] in _BOTTOM:
            return k
    return start


def _matching(row: str, a: int, b: int, col: int) -> int | None:
    depth = 0
    for c in range(col, b):
        ch = row[c]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return c
    return None


def _flatten(rows: list[str], a: int, b: int) -> str:
    """One-line text for columns a:b of the block rows."""
    out: list[str] = []
    c = a
    plain_start = a
    while c < b:
        opener = next((r for r in rows if r[c] in _OPEN), None)
        if opener is None:
            c += 1
            continue
        out.append(_plain(rows, plain_start, c))
        close = _matching(opener, a, b, c)
        if close is None:
            return " ".join(r[a:b] for r in rows)
        inner_has_brackets = any(ch in _ALL for r in rows for ch in r[c + 1:close])
        bracket = "()" if opener[c] in "⎛⎜⎝" else "[]"
        if inner_has_brackets:
            out.append("(" + _flatten(rows, c + 1, close) + ")")
        else:
            out.append(_matrix(rows, c + 1, close, bracket))
        c = close + 1
        plain_start = c
    out.append(_plain(rows, plain_start, b))
    return "".join(out)


def _plain(rows: list[str], a: int, b: int) -> str:
    pieces = [r[a:b] for r in rows]
    return max(pieces, key=lambda p: len(p.strip()))


def _matrix(rows: list[str], a: int, b: int, bracket: str) -> str:
    cells = [re.split(r"\s{2,}", r[a:b].strip()) for r in rows if r[a:b].strip()]
    body = "; ".join(", ".join(row) for row in cells)
    return f"[{body}]"


def undraw(text: str) -> str:
    """Rewrite every drawn matrix block on its first line; blank the rest."""
    if not any(ch in _ALL for ch in text):
        return text
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        if any(ch in _TOP for ch in lines[k]):
            end = _block_end(lines, k)
            if end > k:
                width = max(len(line) for line in lines[k:end + 1])
                rows = [line.ljust(width) for line in lines[k:end + 1]]
                lines[k] = _flatten(rows, 0, width).rstrip()
                for j in range(k + 1, end + 1):
                    lines[j] = ""
                k = end
        k += 1
    return "\n".join(lines)
