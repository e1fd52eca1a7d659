"""Suggest a corrected equation for a parse error: try a few local repairs
(close a brace or parenthesis, drop a doubled operator or a stray character)
and keep the first one the parser accepts. Which repairs are tried is decided by
the error's structured ``kind`` and ``found`` (never by its message's words)."""
from __future__ import annotations

from mixeq.reader import parser as P
from mixeq.reader.lines import Statement, split_statements
from mixeq.reader.parser import ParseError, parse_statement
from mixeq.reader.syntax import Relation
from mixeq.reader.tokens import tokenize

# Failures where dropping the character at the error may be the repair: a doubled
# operator, a stray token — never a LaTeX command (\frac is not a typo).
_DROPPABLE = (P.MISSING_TERM, P.UNEXPECTED)


def _parses(text: str) -> bool:
    try:
        statements = split_statements(text, tokenize(text))
        return len(statements) == 1 and isinstance(parse_statement(statements[0]), Relation)
    except (ParseError, RecursionError):
        return False


def _close_brace(text: str, at: int) -> list[str]:
    end = at + 1
    while end < len(text) and (text[end].isalnum() or text[end] == ","):
        end += 1
    return [text[:end] + "}" + text[end:]]


def _drop_at(text: str, at: int) -> list[str]:
    nxt = at + 1
    while nxt < len(text) and text[nxt] == " ":
        nxt += 1
    return [text[:at] + text[nxt:],  # drop the offending character
            text[:at].rstrip() + " " + text[at + 1:].lstrip()]


def _candidates(text: str, at: int, err: ParseError) -> list[str]:
    out: list[str] = []
    if err.found == P.FOUND_OPEN_BRACE and 0 <= at < len(text):
        out += _close_brace(text, at)
    if err.kind == P.UNCLOSED and err.closer:
        out += [text[:at] + err.closer + " " + text[at:], text.rstrip() + err.closer]
    droppable = err.kind in _DROPPABLE or err.found == P.FOUND_FOREIGN
    if 0 <= at < len(text) and droppable and err.found != P.FOUND_COMMAND:
        out += _drop_at(text, at)
    return out


def suggest(statement: Statement, err: ParseError) -> str | None:
    """A corrected version of the statement's text, or None."""
    text = statement.text
    at = err.offset - statement.start
    for candidate in _candidates(text, at, err):
        candidate = candidate.strip()
        if candidate != text and _parses(candidate):
            return candidate
    return None
