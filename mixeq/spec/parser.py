"""Parse an lme4 formula into a data-free :class:`ModelSpec`.

The formula is cut, at top level, into the response, the fixed part and the
random-effects terms ``(expr | group)``. formulaic parses the fixed part and the
left side of every bar; this module handles what formulaic does not know: the
bars, ``||`` (uncorrelated terms) and ``/`` (nesting) in grouping factors.
"""
from __future__ import annotations

import re

from formulaic import Formula

from mixeq.errors import FormulaSyntaxError
from mixeq.spec.check import check_formula
from mixeq.spec.aliases import Aliases
from mixeq.spec.lexer import check_length
from mixeq.spec.limits import MAX_DEPTH
from mixeq.spec.scan import Piece, depths, find_top, is_wrapped, split_top
from mixeq.spec.types import ModelSpec, RandomTerm, quote_name
from mixeq.spec.vocabulary import OFFSET

_NAME = re.compile(r"^(?:(?:[^\W\d]|\.)[\w.]*|`[^`]+`)$")  # R's names, any script
_CALL = re.compile(r"^(?:[^\W\d]|\.)[\w.]*\(.*\)$", re.S)


def parse(formula: str, transforms=None) -> ModelSpec:
    """``parse("Reaction ~ Days + (Days | Subject)")`` → ModelSpec (no data needed).

    The formula is checked against the closed vocabulary first
    (:func:`mixeq.spec.check.check_formula`): a function of your own must be named
    in ``transforms`` (a mapping name → function, or just the names).
    """
    if isinstance(formula, ModelSpec):
        return formula
    if not isinstance(formula, str):
        raise FormulaSyntaxError(
            f"a formula must be a string like 'y ~ x + (1 | g)', not {type(formula).__name__}")
    check_length(formula)
    _check_depth(depths(formula, formula), formula)  # balance and depth, with positions
    checked = check_formula(formula, transforms)
    text, aliases = checked.text, checked.aliases
    response, rhs = _split_tilde(text)
    fixed_pieces, random_terms = _split_rhs(rhs, text, aliases)
    fixed_pieces, offsets = _take_offsets(fixed_pieces, text)
    intercept, fixed = _parse_fixed(fixed_pieces, text, rhs, aliases)
    return ModelSpec(response=response.text, intercept=intercept, fixed=fixed,
                     random=tuple(random_terms), formula=formula.strip(), offsets=offsets)


def _check_depth(d: list[int], formula: str) -> None:
    if d and max(d) > MAX_DEPTH:
        pos = next(i for i, level in enumerate(d) if level > MAX_DEPTH) - 1
        raise FormulaSyntaxError(
            f"brackets nested more than {MAX_DEPTH} deep; mixeq refuses such formulas: "
            "remove redundant parentheses", formula, pos)


# -- the tilde ---------------------------------------------------------------
def _split_tilde(formula: str) -> tuple[Piece, Piece]:
    whole = Piece(formula, 0)
    tildes = find_top(whole, "~", formula)
    if not tildes:
        raise FormulaSyntaxError(
            "no '~' in the formula: write the response first, e.g. 'y ~ x + (1 | g)'",
            formula, 0)
    if len(tildes) > 1:
        raise FormulaSyntaxError("more than one '~' in the formula", formula, tildes[1])
    t = tildes[0]
    response = Piece(formula[:t], 0).strip()
    rhs = Piece(formula[t + 1:], t + 1).strip()
    if not response.text:
        raise FormulaSyntaxError(
            "the response (left of '~') is missing: write 'y ~ ...'", formula, t)
    if not rhs.text:
        raise FormulaSyntaxError(
            "nothing after '~': write at least 'y ~ 1'", formula, t + 1)
    for bad in ("|", "+"):
        if find_top(response, bad, formula):
            raise FormulaSyntaxError(
                f"unexpected '{bad}' in the response; the response is one variable or "
                "expression such as log(y)", formula, response.start + response.text.index(bad))
    return response, rhs


# -- right-hand side: fixed pieces and bar terms ------------------------------
def _split_rhs(rhs: Piece, formula: str,
               aliases: Aliases) -> tuple[list[tuple[str, Piece]], list[RandomTerm]]:
    bars = find_top(rhs, "|", formula)
    if bars:
        raise FormulaSyntaxError(
            "a '|' outside parentheses: random-effects terms must be written in "
            "parentheses, e.g. '(1 + x | g)'", formula, rhs.start + bars[0])
    fixed: list[tuple[str, Piece]] = []
    random_terms: list[RandomTerm] = []
    for sign, piece in split_top(rhs, "+-", formula):
        piece = piece.strip()
        if not piece.text:
            if sign or fixed or random_terms:
                raise FormulaSyntaxError(
                    "an operator with nothing after it", formula, piece.start)
            continue
        if _has_bar(piece, formula):
            piece = _unwrap_redundant(piece, formula)
            if not is_wrapped(piece, formula) or not _bar_at_depth_one(piece, formula):
                raise FormulaSyntaxError(
                    "a random-effects term '( ... | g)' must be added on its own, not "
                    "multiplied, nested or interacted: write 'x + (1 + x | g)'",
                    formula, piece.start)
            if sign == "-":
                raise FormulaSyntaxError(
                    "a random-effects term cannot be subtracted; remove the term instead",
                    formula, piece.start - 1)
            random_terms.extend(_parse_bar(piece, formula, aliases))
        else:
            fixed.append((sign, piece))
    return fixed, random_terms


def _take_offsets(pieces: list[tuple[str, Piece]],
                  formula: str) -> tuple[list[tuple[str, Piece]], tuple[str, ...]]:
    """``offset(log(t))`` pieces of the fixed part → their expressions (lme4 adds
    them to the linear predictor with coefficient 1; they are not columns of X)."""
    rest, offsets = [], []
    for sign, piece in pieces:
        if _is_offset(piece, formula):
            if sign == "-":
                raise FormulaSyntaxError(
                    "an offset cannot be subtracted; write offset(-x)", formula, piece.start)
            offsets.append(piece.text[piece.text.index("(") + 1:-1].strip())
        elif re.search(rf"\b{OFFSET}\s*\(", piece.text):
            raise FormulaSyntaxError(
                "offset() must be added on its own, not multiplied or interacted: "
                "y ~ x + offset(log(t))", formula, piece.start + piece.text.index(OFFSET))
        else:
            rest.append((sign, piece))
    return rest, tuple(offsets)


def _is_offset(piece: Piece, formula: str) -> bool:
    m = re.match(rf"{OFFSET}\s*\(", piece.text)
    return bool(m) and is_wrapped(Piece(piece.text[m.end() - 1:], piece.start + m.end() - 1),
                                  formula)


def _unwrap_redundant(piece: Piece, formula: str) -> Piece:
    """``((1 | g))`` → ``(1 | g)``."""
    while is_wrapped(piece, formula):
        inner = Piece(piece.text[1:-1], piece.start + 1).strip()
        if not is_wrapped(inner, formula):
            break
        piece = inner
    return piece


def _has_bar(piece: Piece, formula: str) -> bool:
    return "|" in piece.text


def _bar_at_depth_one(piece: Piece, formula: str) -> bool:
    inner = Piece(piece.text[1:-1], piece.start + 1)
    return bool(find_top(inner, "|", formula))


def _parse_bar(piece: Piece, formula: str, aliases: Aliases) -> list[RandomTerm]:
    inner = Piece(piece.text[1:-1], piece.start + 1)
    bars = find_top(inner, "|", formula)
    double = len(bars) >= 2 and bars[1] == bars[0] + 1
    if len(bars) > (2 if double else 1):
        raise FormulaSyntaxError(
            "more than one '|' in a random-effects term; write one term per grouping "
            "factor: '(1 | g1) + (1 | g2)'", formula, inner.start + bars[2 if double else 1])
    cut = bars[0]
    lhs = Piece(inner.text[:cut], inner.start).strip()
    rhs = Piece(inner.text[cut + (2 if double else 1):],
                inner.start + cut + (2 if double else 1)).strip()
    op = "||" if double else "|"
    if not lhs.text:
        raise FormulaSyntaxError(
            f"nothing left of '{op}': write '(1 {op} g)' for a random intercept",
            formula, inner.start + cut)
    if not rhs.text:
        raise FormulaSyntaxError(
            f"no grouping factor right of '{op}': write '(1 {op} g)' with g a column",
            formula, inner.start + cut + len(op))
    intercept, terms = _parse_lhs(lhs, formula, aliases)
    if not intercept and not terms:
        raise FormulaSyntaxError(
            "the left side of the bar has no terms ('0 | g' fits nothing): write "
            "'(1 | g)' or '(0 + x | g)'", formula, lhs.start)
    groups = _parse_group(rhs, formula)
    out = []
    for group in groups:
        if double:
            if intercept:
                out.append(RandomTerm(True, (), group))
            out.extend(RandomTerm(False, (t,), group) for t in terms)
        else:
            out.append(RandomTerm(intercept, terms, group))
    return out


def _parse_lhs(lhs: Piece, formula: str, aliases: Aliases) -> tuple[bool, tuple[str, ...]]:
    parsed = _formulaic(lhs.text, formula, lhs.start, "left side of the bar", aliases)
    intercept = any(str(t) == "1" for t in parsed)
    terms = tuple(term_text(t, lhs.text, aliases) for t in parsed if str(t) != "1")
    return intercept, terms


def _parse_group(rhs: Piece, formula: str) -> list[tuple[str, ...]]:
    """``a/b`` → [(a,), (b, a)] as lme4 writes ``a`` and ``b:a``; ``a:b`` → [(a, b)]."""
    text = rhs.text
    if is_wrapped(rhs, formula):
        return _parse_group(Piece(text[1:-1], rhs.start + 1).strip(), formula)
    for bad in "+*-^":
        hits = find_top(rhs, bad, formula)
        if hits:
            raise FormulaSyntaxError(
                f"'{bad}' is not allowed in a grouping factor; use ':' for an interaction, "
                "'/' for nesting, or separate terms '(1 | g1) + (1 | g2)'",
                formula, rhs.start + hits[0])
    levels = []
    for _, part in split_top(rhs, "/", formula):
        part = part.strip()
        names = []
        for _, name in split_top(part, ":", formula):
            name = name.strip()
            if not _NAME.match(name.text):
                raise FormulaSyntaxError(
                    f"'{name.text}' is not a grouping factor: write a column name "
                    "(or `a name with spaces` in backticks)", formula, name.start)
            names.append(name.text.strip("`"))
        levels.append(tuple(names))
    groups, outer = [], ()
    for names in levels:
        outer = names + outer if outer else names
        groups.append(outer)
    return groups


# -- fixed part ---------------------------------------------------------------
def _parse_fixed(pieces: list[tuple[str, Piece]], formula: str,
                 rhs: Piece, aliases: Aliases) -> tuple[bool, tuple[str, ...]]:
    if not pieces:
        return True, ()
    chunked = _chunked_sum(pieces, formula, aliases)
    if chunked is not None:
        return chunked
    text = "".join(
        (f" {sign} " if i or sign == "-" else "") + p.text for i, (sign, p) in enumerate(pieces))
    parsed = _formulaic(text, formula, pieces[0][1].start, "fixed part", aliases)
    intercept = any(str(t) == "1" for t in parsed)
    return intercept, tuple(dict.fromkeys(term_text(t, text, aliases)
                                          for t in parsed if str(t) != "1"))


_CHUNK = 200


def _chunked_sum(pieces: list[tuple[str, Piece]], formula: str,
                 aliases: Aliases = Aliases()) -> tuple[bool, tuple[str, ...]] | None:
    """A long sum of single factors and their interactions (``log(x1) + … + a:b``)
    parsed by formulaic in chunks: its parser dedupes terms at every '+', quadratic
    in the number of terms; chunks keep the whole parse linear. formulaic orders
    terms by degree, then as written: the chunks' terms are merged the same way."""
    if len(pieces) <= _CHUNK or any(sign == "-" for sign, _ in pieces):
        return None
    texts = [p.text for _, p in pieces]
    if "0" in texts and "1" in texts:
        return None
    if not all(t in ("0", "1") or _product_of_factors(p, formula)
               for t, (_, p) in zip(texts, pieces)):
        return None
    factors = [(t, p) for t, (_, p) in zip(texts, pieces) if t not in ("0", "1")]
    unique = list({t: p for t, p in factors}.items())
    whole = " + ".join(texts)
    terms: dict[frozenset, tuple[int, int, str]] = {}
    for k in range(0, len(unique), _CHUNK):
        chunk = unique[k:k + _CHUNK]
        parsed = _formulaic(" + ".join(t for t, _ in chunk), formula, chunk[0][1].start,
                            "fixed part", aliases)
        for term in parsed:
            if str(term) != "1":
                text = term_text(term, whole, aliases)
                key = frozenset(text.split(":"))
                terms.setdefault(key, (len(term.factors), len(terms), text))
    return "0" not in texts, tuple(text for _, _, text in sorted(terms.values()))


def _product_of_factors(piece: Piece, formula: str) -> bool:
    """``a``, ``log(x)``, ``a:log(x):b``: single factors joined by ':' only."""
    return all(_single_factor(part.strip(), formula) for _, part in split_top(piece, ":", formula))


def _single_factor(piece: Piece, formula: str) -> bool:
    """A column name or one call ``f(…)``: no operator at top level."""
    text = piece.text
    if _NAME.match(text):
        return True
    m = re.match(r"[A-Za-z_.][A-Za-z0-9_.]*\(", text)
    return bool(m) and is_wrapped(Piece(text[m.end() - 1:], piece.start + m.end() - 1), formula)


def _formulaic(text: str, formula: str, start: int, where: str, aliases: Aliases):
    """formulaic's terms of ``text``; columns Python cannot spell pass under their
    aliases (:func:`term_text` gives them back)."""
    simple = _simple_sum(text)
    if simple is not None:
        return simple
    try:
        return list(Formula(_r_powers(aliases.text(text), formula, start)))
    except Exception as exc:  # formulaic's parser errors → ours, with a position
        message = str(exc).splitlines()[0].strip() if str(exc) else type(exc).__name__
        raise FormulaSyntaxError(
            f"cannot parse the {where} '{text.strip()}': {message}", formula, start) from None


class _Plain(str):
    """A term of a plain sum, standing in for formulaic's Term (``str()`` and
    ``factors`` are all this module reads)."""

    @property
    def factors(self):
        return tuple(_PlainFactor(p) for p in self.split(":"))


class _PlainFactor(str):
    @property
    def expr(self):
        return str(self)

    eval_method = None


_SIMPLE = re.compile(r"^\s*(?:[A-Za-z_][A-Za-z0-9_]*(?:\s*:\s*[A-Za-z_][A-Za-z0-9_]*)*|[01])"
                     r"(?:\s*\+\s*(?:[A-Za-z_][A-Za-z0-9_]*(?:\s*:\s*[A-Za-z_][A-Za-z0-9_]*)*|[01]))*\s*$")


def _simple_sum(text: str) -> list | None:
    """``1 + x + z + x:m`` (names and their interactions, 0 and 1, joined by '+')
    without formulaic: its terms as formulaic gives them — by degree, then as
    written, without repeats (``m:x`` repeats ``x:m``); None for anything else."""
    if not _SIMPLE.match(text):
        return None
    parts = [p.strip() for p in text.split("+")]
    if "0" in parts and "1" in parts:
        return None
    intercept = "0" not in parts
    terms: dict[frozenset, tuple[int, int, str]] = {}
    for part in parts:
        if part in ("0", "1"):
            continue
        names = [n.strip() for n in part.split(":")]
        if len(set(names)) != len(names):
            return None  # x:x — formulaic's reduction rules decide
        terms.setdefault(frozenset(names), (len(names), len(terms), ":".join(names)))
    return [_Plain("1")] * intercept + [_Plain(t) for _, _, t in sorted(terms.values())]


def _r_powers(text: str, formula: str, start: int) -> str:
    """R's ``I(x^2)`` means a power: inside brackets ``^`` becomes ``**``
    (at top level ``^`` stays formulaic's interaction power, ``(a + b)^2``)."""
    d = depths(text, formula, start)
    return "".join("**" if ch == "^" and d[i] > 0 else ch for i, ch in enumerate(text))


def term_text(term, source: str | None = None, aliases: Aliases | None = None) -> str:
    """A formulaic term as text that parses back to the same term. With ``source``
    (the formula text the term came from) its variables are in R's order: by first
    appearance in the formula, as ``terms()`` orders them (``sector * cses`` after
    ``meanses * cses`` gives ``cses:sector``, and lme4's column ``cses:sectorCatholic``)."""
    names = [_factor_text(f, aliases) for f in term.factors]
    if source is not None and len(names) > 1:
        keys = [_first_appearance(n, source) for n in names]
        if len(source) in keys:  # written with other spacing than formulaic's: log(x+1)
            bare = _SPACE.sub("", source)
            keys = [_first_appearance(_SPACE.sub("", n), bare) for n in names]
        names = [names[k] for k in sorted(range(len(names)), key=keys.__getitem__)]
    return ":".join(names)


_OPERAND_BEFORE = "~+:*/|-"     # what stands before an operand (or "(", or the start)
_OPERAND_AFTER = "+:*/|)^-"     # what stands after one (or the end)


_SPACE = re.compile(r"\s+")


def _first_appearance(name: str, source: str) -> int:
    """Where ``name`` first stands as a whole operand of the formula (``a`` inside
    ``sqrt(a)`` is not the variable ``a``: R's variables are whole expressions): the
    first occurrence with, white space aside, an operator, an opening bracket that is
    not a call's (or the start) before it and an operator, ")" (or the end) after it.
    Its position plus the white space after it (a sort key); ``len(source)`` if none.
    Occurrences are found with ``str.find``: a long formula's thousands of terms each
    look once, in C (a regular expression compiled per name made a 100 KB sum of
    interactions take minutes)."""
    at = source.find(name)
    while at >= 0:
        before = at - 1
        while before >= 0 and source[before].isspace():
            before -= 1
        after = at + len(name)
        while after < len(source) and source[after].isspace():
            after += 1
        opens = before < 0 or source[before] in _OPERAND_BEFORE or (
            source[before] == "(" and not (before > 0 and (source[before - 1].isalnum()
                                                           or source[before - 1] in "_.")))
        if opens and (after == len(source) or source[after] in _OPERAND_AFTER):
            return after - len(name)
        at = source.find(name, at + 1)
    return len(source)


def _factor_text(factor, aliases: Aliases | None = None) -> str:
    expr = str(factor.expr)
    method = getattr(factor, "eval_method", None)
    method = getattr(method, "value", method)
    if aliases:
        expr = aliases.undo(expr, quote_name)
    if method == "lookup":  # a column, whatever its name looks like
        return expr if _NAME.match(expr) or expr.startswith("`") else quote_name(expr)
    if method == "python" and not (_NAME.match(expr) or _CALL.match(expr)):
        return "{" + expr + "}"
    return expr
