"""Index legends such as ``j = 1, …, J: school`` (mixeq's own output writes them
under the equations) name the grouping factor of each index letter. They are
read, then blanked out (keeping line numbers) before the equations are parsed."""
from __future__ import annotations

import re

_LEGEND = re.compile(
    r"^\s*(?:[-•*]\s*)?\$?(?P<letter>[a-z])\$?\s*(?:=[^:]*)?\s*:\s*"
    r"(?P<name>observation[^$]*?|[^,$()]+?)"
    r"\s*(?:\([^)]*\))?(?:,\s*nested in .*)?\s*$")
_FOR = re.compile(r"for\s+(?:(?P<name>[A-Za-z_.][A-Za-z0-9_.:]*)\s+)?(?P<letter>[a-z])\s*=\s*1\s*,")
_FOR_START = re.compile(r"(,\s*)?((\\quad|\\qquad|\\,|\\;)\s*)*(\\(text|mbox|mathrm)\{\s*)?for\s")
_NOTE = re.compile(r"^\s*(?:Note|Notes)\s*:|number of trials of cbind\(", re.IGNORECASE)
_TEXT_COMMAND = re.compile(r"\\text\{((?:[^{}]|\{[^{}]*\})*)\}")


def _clean(fragment: str) -> str:
    out = fragment.replace("\\ldots", "…").replace("\\dots", "…").replace("$", "")
    return out.replace("\\_", "_")


def _match(fragment: str) -> tuple[str, str] | None:
    m = _LEGEND.match(_clean(fragment))
    if not m:
        return None
    letter, name = m.group("letter"), m.group("name").strip()
    if name.startswith("observation") or name == f"cluster {letter}":
        return letter, ""  # no factor's name: mixeq's own legend of an unnamed factor
    if not re.fullmatch(r"[A-Za-z_.][A-Za-z0-9_.:]*", name):
        return None
    return letter, name


def _plain(fragment: str) -> str:
    return re.sub(r"\\(text|mbox|mathrm)\{|[{}]", " ", _clean(fragment))


def _for_suffix(line: str, mapping: dict[str, str]) -> str:
    """Gelman–Hill's ``…, for school j = 1, …, J`` after a distribution: read, then cut."""
    for start in reversed([m.start() for m in _FOR_START.finditer(line)]):
        found = _FOR.search(_plain(line[start:]))
        if found:
            if found.group("name"):
                mapping.setdefault(found.group("letter"), found.group("name"))
            return line[:start] + " " * (len(line) - start)
    return line


def read_legend(text: str) -> tuple[dict[str, str], str]:
    """(index letter → grouping factor name, text with legend and note lines blanked)."""
    mapping: dict[str, str] = {}
    lines = text.split("\n")
    for k, line in enumerate(lines):
        lines[k] = line = _for_suffix(line, mapping)
        found = [_match(inner) for inner in _TEXT_COMMAND.findall(line)]
        if not found or not any(found):
            found = [_match(line)] if "\\text" not in line else []
        hits = [f for f in found if f]
        for letter, name in hits:
            if name:
                mapping.setdefault(letter, name)
        if (hits and "\\text" not in line) or _NOTE.search(line):
            lines[k] = " " * len(line)
    return mapping, "\n".join(lines)


_NESTED = re.compile(r"(?P<letter>[a-z])\$?\s*=\s*1\s*,[^:\n]*:\s*(?P<name>[A-Za-z_.][A-Za-z0-9_.:]*)"
                     r"(?:\s*\([^)]*\))?\s*,\s*nested in\b")


def nested_names(text: str) -> dict[str, str]:
    """Letters whose legend line names the cluster and says it is nested (mixeq's
    ``j = 1, …, J: BROOD (J = 118), nested in LOCATION``): letter → the name as written,
    which is the formula's grouping factor as it stands (``BROOD``, ``cask:batch``)."""
    out = {}
    for line in text.split("\n"):
        found = _NESTED.search(_plain(line).replace("…", "...").replace("$", ""))
        if found:
            out.setdefault(found.group("letter"), found.group("name"))
    return out
