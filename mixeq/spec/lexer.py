"""Tokens of the formula language, with positions, in one linear pass.

The tokenizer admits only what a formula can hold: names (R's ``my.var``,
non-ASCII letters), backticked names (any text: always a column), numbers
(``1e-3``), short quoted strings (contrast levels), R's operators and brackets.
Everything else — braces, square brackets, ``;``, ``@``, ``$``, ``!`` … — is a
:class:`~mixeq.errors.FormulaSyntaxError` at its position.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mixeq.errors import FormulaSyntaxError
from mixeq.spec.limits import MAX_FORMULA_LENGTH

NAME, QUOTED, NUMBER, STRING, OP = "name", "quoted", "number", "string", "op"

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>(?:[^\W\d]|\.)[\w.]*)
  | (?P<quoted>`[^`]*`)
  | (?P<string>'[^'\\\n]{0,100}'|"[^"\\\n]{0,100}")
  | (?P<op>%in%|\*\*|\|\||==|!=|<=|>=|[~+\-*/:^|(),=<>])
""", re.X)

_BAD = {
    "{": "Python code in braces is not part of the formula language; write arithmetic "
         "inside I(), e.g. I(x + 1)",
    "}": "Python code in braces is not part of the formula language; write arithmetic "
         "inside I(), e.g. I(x + 1)",
    "[": "square brackets (Python lists or indexing) are not part of the formula language",
    "]": "square brackets (Python lists or indexing) are not part of the formula language",
    "`": "a backtick that is never closed: write `a column name` between two backticks",
    "'": "a quote that is never closed (or a string longer than 100 characters)",
    '"': "a quote that is never closed (or a string longer than 100 characters)",
}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def value(self) -> str:
        """A name's text without backticks."""
        return self.text[1:-1] if self.kind == QUOTED else self.text


def check_length(formula: str) -> None:
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaSyntaxError(
            f"the formula is {len(formula):,} characters long; mixeq reads formulas of up to "
            f"{MAX_FORMULA_LENGTH:,} characters: shorten it (e.g. build a column for a long sum)")


def tokenize(text: str, formula: str | None = None, base: int = 0) -> list[Token]:
    """Tokens of ``text`` (offsets ``base`` into ``formula`` for messages)."""
    formula = text if formula is None else formula
    tokens: list[Token] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            reason = _BAD.get(ch, f"the character '{ch}' is not part of the formula language")
            raise FormulaSyntaxError(reason, formula, base + pos)
        kind = m.lastgroup
        if kind != "space":
            tokens.append(_checked(Token(kind, m.group(), base + pos), text, m.end(), formula))
        pos = m.end()
    return tokens


def _checked(tok: Token, text: str, end: int, formula: str) -> Token:
    if tok.kind == NUMBER and end < len(text) and (text[end].isalnum() or text[end] in "_."):
        raise FormulaSyntaxError(
            f"'{tok.text}{text[end]}…' is neither a number nor a name: a name cannot start "
            "with a digit (write it in backticks if it is a column)", formula, tok.start)
    if tok.kind == QUOTED and tok.text == "``":
        raise FormulaSyntaxError("an empty name in backticks", formula, tok.start)
    if tok.kind in (NAME, QUOTED):
        check_name(tok, formula)
    return tok


def check_name(tok: Token, formula: str) -> None:
    """Names that reach Python internals are refused, in backticks too. A Python
    keyword (``class``, ``lambda``) is a plain name in R and a column here: it reaches
    formulaic only under an alias (:mod:`mixeq.spec.aliases`)."""
    text = unicodedata.normalize("NFKC", tok.value)  # as Python reads an identifier
    parts = re.split(r"[.\s]+", text)
    if any(p.startswith("__") or p.endswith("__") for p in parts if p):
        raise FormulaSyntaxError(
            f"'{text}' is not allowed in a formula: names with double underscores reach "
            "Python internals; if it is a column, rename it", formula, tok.start)
    if text == "." and tok.kind == NAME:
        raise FormulaSyntaxError(
            "'.' (all other columns) is not supported: name the predictors", formula, tok.start)
