"""Suggest a corrected equation for a parse error: try a few local repairs
(close a brace or parenthesis, drop a doubled operator or a stray character)
and keep the first one the parser accepts."""
from __future__ import annotations

from mixeq.reader.lines import Statement, split_statements
from mixeq.reader.parser import ParseError, parse_statement
from mixeq.reader.syntax import Relation
from mixeq.reader.tokens import tokenize

_CLOSERS = {"(": ")", "[": "]", "{": "}"}


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


def _candidates(text: str, at: int, message: str) -> list[str]:
    out: list[str] = []
    if "'{' without its closing '}'" in message and 0 <= at < len(text):
        out += _close_brace(text, at)
    for closer in _CLOSERS.values():
        if f"'{closer}' to close" in message:
            out += [text[:at] + closer + " " + text[at:], text.rstrip() + closer]
    droppable = ("expected a term after", "not part of the equation language", "unexpected")
    if 0 <= at < len(text) and any(words in message for words in droppable) \
            and "the command" not in message:
        nxt = at + 1
        while nxt < len(text) and text[nxt] == " ":
            nxt += 1
        out.append(text[:at] + text[nxt:])  # drop the offending character
        out.append(text[:at].rstrip() + " " + text[at + 1:].lstrip())
    return out


def suggest(statement: Statement, err: ParseError) -> str | None:
    """A corrected version of the statement's text, or None."""
    text = statement.text
    at = err.offset - statement.start
    for candidate in _candidates(text, at, err.message):
        candidate = candidate.strip()
        if candidate != text and _parses(candidate):
            return candidate
    return None
