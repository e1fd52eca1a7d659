"""Where long lines break (``wrap=``, a width in characters of the text format).

A sum breaks before a ``+`` (or ``-``) between terms, never inside a term; a sentence
breaks at a space of its words, never inside its math. The text writer measures the
pieces and every format breaks at the same places, so the LaTeX lines (amsmath
``aligned``, continuation lines indented by ``\\quad``) are the text lines.
"""
from __future__ import annotations

from mixeq.equations.tree import Sentence

SIGN = 3          # " + " between two terms of a line
LEADING_SIGN = 2  # "+ " opening a continuation line
INDENT = 2        # a continuation line starts 2 characters right of the relation sign


def break_sum(widths: list[int], first_negative: bool, first_budget: int,
              cont_budget: int) -> list[int]:
    """Positions of the terms that start a line: greedily as many terms as fit in
    ``first_budget`` characters on the first line and ``cont_budget`` on the others
    (a term wider than a whole line gets a line of its own)."""
    starts = [0]
    used = widths[0] + (1 if first_negative else 0) if widths else 0
    budget = first_budget
    for k in range(1, len(widths)):
        if used + SIGN + widths[k] > budget:
            starts.append(k)
            budget, used = cont_budget, LEADING_SIGN + widths[k]
        else:
            used += SIGN + widths[k]
    return starts


def break_sentence(s: Sentence, width: int, measure, first: int = 0,
                   indent: int = INDENT) -> list[Sentence]:
    """``s`` as lines no wider than ``width`` (the first line already holds ``first``
    characters, the others ``indent``): breaks at spaces of its words; a math part is
    measured by ``measure(node)`` and never broken."""
    words: list[list] = [[]]  # runs of parts between breakable spaces
    for part in s.parts:
        if not isinstance(part, str):
            words[-1].append(part)
            continue
        pieces = part.split(" ")
        for k, piece in enumerate(pieces):
            if k:
                words.append([])
            if piece:
                words[-1].append(piece)
    lines: list[list] = [[]]
    used, budget = first, width
    for word in _glued(words):
        size = sum(len(p) if isinstance(p, str) else measure(p) for p in word)
        gap = 1 if lines[-1] else 0
        if lines[-1] and used + gap + size > budget:
            lines.append([])
            used, gap = indent, 0
        if gap:
            lines[-1].append(" ")
        lines[-1].extend(word)
        used += gap + size
    return [Sentence(tuple(_merged(line))) for line in lines if line]


def _glued(words: list[list]) -> list[list]:
    """A sign between spaces (``60 × 2 = 120``) stays on the line of both neighbours."""
    out: list[list] = []
    glue_next = False
    for word in words:
        sign = bool(word) and all(isinstance(p, str) and not any(c.isalnum() for c in p)
                                  for p in word)
        if out and (sign or glue_next):
            out[-1] = [*out[-1], " ", *word]
        else:
            out.append(list(word))
        glue_next = sign
    return out


def _merged(parts: list) -> list:
    out: list = []
    for p in parts:
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return out
