"""Small helpers for the sentences the forms write: plurals and lists of names."""
from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "column")`` → "1 column"; ``count(3, "column")`` → "3 columns"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def join_names(names) -> str:
    """``["a", "b", "c"]`` → "a, b and c"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
