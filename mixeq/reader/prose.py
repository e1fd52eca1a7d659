"""Text as people paste it, before the equations are read: the math of a Markdown or
forum post (``$…$``, ``$$…$$``) without its prose, equation numbers (``(3)``,
``\\tag{3}``) and spacing commands (``\\hspace{2cm}``, ``\\qquad``) removed — also
where a typo puts them inside a subscript (``\\epsilon_{ij \\hspace{2cm} (3)}``).

Every function keeps the line count, so a diagnostic's line is the input's line.
"""
from __future__ import annotations

import re

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)
_RELATION = re.compile(r"=|\\sim\b|~")
_INDEX_RANGE = re.compile(r"\s*[A-Za-z]\s*=\s*1\s*,|\s*[A-Z]\s*=\s*\d+\s*$")  # j = 1, …, J; J = 60
_SPACING = re.compile(r"\\hspace\*?\s*\{[^{}]*\}|\\(?:qquad|quad)\b|\\[,;:!](?![a-zA-Z])")
_TAG = re.compile(r"\\tag\*?\s*\{[^{}]*\}|\\(?:label|nonumber|notag)\b(?:\s*\{[^{}]*\})?")
_NUMBER = re.compile(r"(?<!\{)\(\s*\d+[a-z]?\s*\)(?=\s*(?:\}|$|\\\\|\\end\{|&))", re.M)


def _blank(text: str) -> str:
    """Spaces for the characters of ``text``, its newlines kept."""
    return re.sub(r"[^\n]", " ", text)


def _outside_text_groups(text: str) -> str:
    """``text`` with every ``\\text{…}`` (``\\mbox``, ``\\mathrm``…) group blanked: the
    ``$i = 1, …$`` inside mixeq's own index sentences is not a prose delimiter."""
    out = list(text)
    for m in re.finditer(r"\\(?:text|mbox|textrm|mathrm|operatorname)\s*\{", text):
        depth, k = 1, m.end()
        while k < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[k], 0)
            k += 1
        out[m.end():k] = " " * (k - m.end())
    return "".join(out)


def math_of_prose(text: str) -> str:
    """Only the math of a text with ``$`` delimiters; prose, inline symbols without a
    relation (``$a_{ti}$``) and code become blank (same lines). Text without ``$`` (or
    with ``$`` only inside ``\\text{…}``) is returned unchanged."""
    if "$" not in text or "$" not in _outside_text_groups(text):
        return text
    keep = []
    for m in _DISPLAY.finditer(text):
        keep.append((m.start(1), m.end(1)))
    masked = _DISPLAY.sub(lambda m: _blank(m.group(0)), text)
    for m in _INLINE.finditer(masked):
        if _RELATION.search(m.group(1)) and not _INDEX_RANGE.match(m.group(1)):
            keep.append((m.start(1), m.end(1)))
    out = list(_blank(text))
    for a, b in keep:
        out[a:b] = text[a:b]
    return "".join(out)


def without_numbers(text: str) -> str:
    """Equation numbers and spacing commands out: ``(3)`` at the end of an equation or
    of a subscript, ``\\tag{3}``, ``\\hspace{2cm}``, ``\\qquad``."""
    text = _SPACING.sub(" ", text)
    text = _TAG.sub(" ", text)
    return _NUMBER.sub(" ", text)


_BULLET = re.compile(
    r"^[ \t]*[-•*][ \t]+(?:[A-Z][a-z]+|\S+[ \t]+[a-z]{3,})(?:[ \t]+\S+){3,}[ \t]*$", re.M)
_WORD = re.compile(r"(?<!\S)[a-z]{3,}[,.;:]?(?!\S)")


def without_bullet_prose(text: str) -> str:
    """A bulleted sentence (``- Row 1 of Xⱼ times β, plus row 1 of Zⱼ times bⱼ, plus the
    residual.``, ``- The link applies to each row: E[yᵢⱼ | bⱼ] = pᵢⱼ, …``, ``- Xⱼ has 9
    columns: columns 6–7 … are not shown; …``, as mixeq's text output explains a form)
    blanked: a line starting with ``-`` would otherwise continue the equation above it. A
    sentence: a capitalised word after the bullet (or a symbol and a word, ``Xⱼ has``),
    then at least four plain lower-case words (an equation's continuation has symbols,
    not words)."""
    def blank(m):
        line = m.group(0)
        return _blank(line) if len(_WORD.findall(line)) >= 4 else line
    return _BULLET.sub(blank, text)


def clean(text: str) -> str:
    return without_bullet_prose(without_numbers(math_of_prose(text)))
