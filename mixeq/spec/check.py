"""The safety check of a formula: a closed vocabulary, checked before anything runs.

formulaic evaluates a term such as ``log(x)`` by compiling it as Python and
calling ``eval`` with the builtins available (``formulaic.utils.stateful_transforms.
stateful_eval``), so a formula typed by someone else could run any code. Rather
than re-implement formulaic's evaluation (its stateful transforms keep
``scale()``/``poly()`` state for predictions, ``C()`` carries contrasts into the
encoder), every formula passes this check first, on its tokens:

- a call's name must be in :mod:`mixeq.spec.vocabulary` or in the caller's
  explicit ``transforms=`` mapping; names with double underscores, Python
  keywords, attribute access (``x.__class__``), braces, square brackets,
  lambdas, comprehensions and strings outside function arguments are refused;
- inside a call only arithmetic (``+ - * / ** ^``, comparisons), numbers, names,
  short strings, ``name = value`` arguments and further allowed calls may appear;
- every bare name is a column (contrast names only as ``C()``'s second argument).

After the check the only names an evaluated expression holds are columns and
vocabulary functions; :mod:`mixeq.design.context` supplies exactly those to the
evaluator (Python consults that mapping before any builtin), so nothing else is
reachable. The check also bounds what the formula expands to (length, bracket
depth, number of terms, interaction order; :mod:`mixeq.spec.limits`) without
expanding it. Positions in messages are offsets into the formula.
"""
from __future__ import annotations

import ast
import keyword
import math
import re
import unicodedata
from dataclasses import dataclass, field

from mixeq.errors import FormulaSyntaxError
from mixeq.spec import vocabulary as V
from mixeq.spec.aliases import R_RESERVED, Aliases
from mixeq.spec.lexer import NAME, NUMBER, OP, QUOTED, STRING, Token, check_length, tokenize
from mixeq.spec.limits import MAX_DEPTH, MAX_ORDER, MAX_TERMS

_ARITH = {"+", "-", "*", "/", "**", "^", "<", ">", "<=", ">=", "==", "!="}
_FORMULA_OPS = {"~", "+", "-", "*", "/", ":", "^", "**", "%in%", "|", "||"}


@dataclass
class Checked:
    """A checked formula: ``text`` as it is to be evaluated (dotted names inside
    calls in backticks, R's ``TRUE``, contrast names spelled for formulaic) and
    the ``columns`` it reads (name, position), in order of appearance."""

    text: str
    columns: list[tuple[str, int]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)   # the functions it calls

    @property
    def column_names(self) -> list[str]:
        return list(dict.fromkeys(name for name, _ in self.columns))

    @property
    def aliases(self) -> Aliases:
        """The formula's one alias map: its columns Python cannot spell → internal
        names (:mod:`mixeq.spec.aliases`)."""
        return Aliases.of(self.column_names, self.calls)


def check_formula(formula: str, transforms=None) -> Checked:
    """Check a whole formula ``response ~ terms``; raise FormulaSyntaxError at the
    first word outside the vocabulary or beyond a limit."""
    check_length(formula)
    tokens = tokenize(formula)
    checker = _Checker(formula, tokens, transforms)
    checker.run()
    return Checked(checker.rewritten(), checker.columns, list(dict.fromkeys(checker.calls)))


def column_tokens(text: str) -> list[Token]:
    """The tokens of ``text`` (a checked formula, a side or a term) that are columns,
    in order: where :class:`~mixeq.spec.aliases.Aliases` puts an alias. The text was
    checked before, so every name before a bracket is a function it may call."""
    tokens = tokenize(text)
    calls = {t.text for t, nxt in zip(tokens, tokens[1:]) if t.kind == NAME and nxt.text == "("}
    checker = _Checker(text, tokens, calls, whole="~" in text)
    checker.run()
    return checker.column_tokens


def formulaic_text(text: str) -> str:
    """``text`` (a checked formula, a side or a term) as formulaic is to evaluate it:
    each contrast named in ``C()`` as a string, ``C(f, sum)`` → ``C(f, 'sum')``, which
    the evaluation context's ``C`` reads (:func:`mixeq.design.contrasts.r_contrasts`):
    a bare name would be looked up among the data's columns first, and ``poly`` is
    also a function. :func:`written_contrasts` turns formulaic's names back."""
    if "C(" not in text:
        return text
    tokens = tokenize(text)
    calls = {t.text for t, nxt in zip(tokens, tokens[1:]) if t.kind == NAME and nxt.text == "("}
    checker = _Checker(text, tokens, calls, whole="~" in text)
    checker.run()
    for tok in reversed(checker.contrast_tokens):
        if tok.kind == NAME:
            text = f"{text[:tok.start]}'{tok.text}'{text[tok.end:]}"
    return text


_SPELLED = re.compile(r"'(" + "|".join(sorted(map(re.escape, V.CONTRAST_NAMES), key=len,
                                               reverse=True)) + r")'(?=\s*\))")


def written_contrasts(name: str) -> str:
    """A name formulaic gives back (a column, a term) with each contrast as the user
    wrote it: ``C(f, 'sum')1`` → ``C(f, sum)1`` (the inverse of :func:`formulaic_text`)."""
    return _SPELLED.sub(r"\1", name) if "'" in name else name


def expression_columns(text: str, transforms=None) -> list[str]:
    """The columns a formula-level expression (a response, a right-hand side,
    a term) reads: every name that is not a function or a contrast name."""
    checker = _Checker(text, tokenize(text), transforms, whole=False)
    checker.run()
    return list(dict.fromkeys(name for name, _ in checker.columns))


class _Checker:
    def __init__(self, formula: str, tokens: list[Token], transforms, whole: bool = True):
        self.formula = formula
        self.t = tokens
        self.known = V.known_functions(transforms)
        self.whole = whole
        self.columns: list[tuple[str, int]] = []
        self.column_tokens: list[Token] = []
        self.contrast_tokens: list[Token] = []  # C(f, sum): the contrast names as written
        self.calls: list[str] = []   # the functions called, in order
        self.edits: list[tuple[int, int, str]] = []
        self.match = self._match_brackets()
        self.tilde = next((i for i, tok in enumerate(tokens)
                           if tok.text == "~" and tok.kind == OP and self._depth0(i)), None)

    # -- brackets ---------------------------------------------------------------
    def _match_brackets(self) -> dict[int, int]:
        match, stack, self.depth_at = {}, [], []
        for i, tok in enumerate(self.t):
            if tok.kind == OP and tok.text == "(":
                stack.append(i)
                if len(stack) > MAX_DEPTH:
                    raise FormulaSyntaxError(
                        f"brackets nested more than {MAX_DEPTH} deep; mixeq refuses such "
                        "formulas: remove redundant parentheses", self.formula, tok.start)
            elif tok.kind == OP and tok.text == ")":
                if not stack:
                    raise FormulaSyntaxError(
                        "unbalanced parentheses: ')' closes nothing; remove it or add the "
                        "opening bracket", self.formula, tok.start)
                match[stack.pop()] = i
            self.depth_at.append(len(stack))
        if stack:
            raise FormulaSyntaxError(
                "unbalanced parentheses: '(' is never closed; add the closing ')'",
                self.formula, self.t[stack[-1]].start)
        return match

    def _depth0(self, i: int) -> bool:
        return self.depth_at[i] == 0 and self.t[i].text not in "()"

    def _err(self, message: str, i: int):
        pos = self.t[i].start if i < len(self.t) else len(self.formula)
        raise FormulaSyntaxError(message, self.formula, pos)

    # -- the walk over the formula level ---------------------------------------
    def run(self) -> None:
        i = 0
        if self.whole and self.tilde is not None and self._is_cbind_response():
            self._call(0, response=True)
            i = self.match[1] + 1
        while i < len(self.t):
            i = self._formula_token(i)
        if self.whole and self.tilde is not None:
            self._bound(self.tilde + 1, len(self.t))

    def _is_cbind_response(self) -> bool:
        t = self.t
        return (len(t) > 2 and t[0].kind == NAME and t[0].text == V.CBIND
                and t[1].text == "(" and self.match.get(1) == self.tilde - 1)

    def _formula_token(self, i: int) -> int:
        tok = self.t[i]
        if tok.kind == NAME and self._is_call(i):
            if tok.text == V.CBIND and self.whole:
                self._err("cbind() is allowed only as the whole response: "
                          "cbind(successes, failures) ~ …", i)
            if tok.text == V.OFFSET and (self.tilde is not None and i < self.tilde):
                self._err("offset() belongs on the right of '~': y ~ x + offset(log(t))", i)
            return self._call(i, response=not self.whole)
        if tok.kind in (NAME, QUOTED):
            self._column(i)
            return i + 1
        if tok.kind == NUMBER:
            self._formula_number(i)
            return i + 1
        if tok.kind == STRING:
            self._err(f"a quoted string {tok.text} is not a model term; write a column name "
                      "(in backticks if it has spaces: `my column`)", i)
        if tok.text in _FORMULA_OPS or tok.text in "()":
            return i + 1
        self._err(f"'{tok.text}' may appear only inside a function's brackets, "
                  "e.g. I(x > 3), poly(x, 2)", i)

    def _formula_number(self, i: int) -> None:
        tok = self.t[i]
        prev = self.t[i - 1].text if i else ""
        if prev in ("^", "**"):
            if not tok.text.isdigit() or _small_int(tok.text) < 1:
                self._err(f"the power of an interaction must be a whole number ≥ 1, "
                          f"not {tok.text}", i)
            return
        if tok.text in ("0", "1"):
            return
        self._err(f"the number {tok.text} is not a model term (only 0 and 1, for no intercept "
                  f"and an intercept, are); inside a function it is a number: "
                  f"I(x + {tok.text}), log(x + {tok.text})", i)

    def _is_call(self, i: int) -> bool:
        nxt = i + 1
        return nxt < len(self.t) and self.t[nxt].kind == OP and self.t[nxt].text == "("

    # -- calls -------------------------------------------------------------------
    def _call(self, i: int, response: bool = False) -> int:
        tok = self.t[i]
        name = tok.text
        if name not in self.known:
            self._err(f"unknown function '{name}()': a formula may use {V.describe()} "
                      f"(pass your own as transforms={{'{name}': function}})", i)
        if name == V.CBIND and not response:
            self._err("cbind() is allowed only as the whole response", i)
        self.calls.append(name)
        close = self.match[i + 1]
        args = self._arguments(i + 2, close)
        if name in ("C",) and len(args) >= 2:
            self._contrast(args[1])
            args = [args[0], *args[2:]]
        if name == V.CBIND and len(args) != 2:
            self._err("cbind() takes two columns: cbind(successes, failures)", i)
        if not args:
            self._err(f"{name}() needs an argument, e.g. {name}(x)", i + 1)
        for lo, hi in args:
            self._argument(lo, hi)
        self._constants(i + 2, close)
        return close + 1

    def _arguments(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Token ranges of the comma-separated arguments in [lo, hi)."""
        out, start, j = [], lo, lo
        while j < hi:
            tok = self.t[j]
            if tok.kind == OP and tok.text == "(":
                j = self.match[j] + 1
                continue
            if tok.kind == OP and tok.text == ",":
                if start == j:
                    self._err("an empty argument", j)
                out.append((start, j))
                start = j + 1
            j += 1
        if start < hi:
            out.append((start, hi))
        elif out:
            self._err("an empty argument", hi)
        return out

    def _argument(self, lo: int, hi: int) -> None:
        t = self.t
        if hi - lo >= 2 and t[lo].kind == NAME and t[lo + 1].text == "=":
            lo += 2  # name = value
            if lo == hi:
                self._err("a value is missing after '='", lo)
        if hi - lo == 1 and t[lo].kind == STRING:
            return
        if hi - lo == 1 and t[lo].kind == NAME and t[lo].text in V.TRUTH:
            self.edits.append((t[lo].start, t[lo].end, V.TRUTH[t[lo].text]))
            return
        self._expression(lo, hi)

    def _contrast(self, arg: tuple[int, int]) -> None:
        lo, hi = arg
        t = self.t
        if hi - lo >= 2 and t[lo].kind == NAME and t[lo + 1].text == "=":
            lo += 2
        tok = t[lo] if lo < hi else None
        text = tok.text.strip("'\"") if tok is not None and tok.kind in (NAME, STRING) else None
        if text not in V.CONTRAST_NAMES:
            self._err("C()'s second argument names contrasts: one of "
                      f"{', '.join(V.CONTRASTS)} (or contr.sum …)", lo)
        if lo + 1 == hi:  # a name: kept as written (R names the columns by it), unquoted
            self.contrast_tokens.append(tok)
            if tok.kind == STRING:
                self.edits.append((tok.start, tok.end, text))
            return
        spelled = text.lower() if text in ("Treatment", "Sum", "Helmert", "Poly", "Diff") else text
        spelled = spelled if spelled.startswith("contr.") else f"contr.{spelled}"
        self.edits.append((tok.start, tok.end, spelled))  # contr.treatment('b'): formulaic's
        if t[lo + 1].text != "(" or self.match[lo + 1] != hi - 1 or tok.kind != NAME:
            self._err("write the contrasts as a name, e.g. C(f, sum) or "
                      "C(f, contr.treatment('b'))", lo + 1)
        for a, b in self._arguments(lo + 2, hi - 1):
            if b - a >= 2 and t[a].kind == NAME and t[a + 1].text == "=":
                a += 2
            if b - a != 1 or t[a].kind not in (STRING, NUMBER):
                self._err("a contrast's argument is a level, e.g. contr.treatment('b')", a)

    def _expression(self, lo: int, hi: int) -> None:
        """Arithmetic over numbers, columns and allowed calls, in [lo, hi)."""
        operand, j = True, lo
        while j < hi:
            tok = self.t[j]
            if operand:
                if tok.kind == OP and tok.text in ("+", "-"):
                    j += 1
                    continue
                if tok.kind == NAME and self._is_call(j):
                    if tok.text in (V.OFFSET, V.CBIND):
                        self._err(f"{tok.text}() cannot be used inside another function", j)
                    j = self._call(j)
                elif tok.kind == OP and tok.text == "(":
                    close = self.match[j]
                    if close == j + 1:
                        self._err("empty brackets", j)
                    self._expression(j + 1, close)
                    j = close + 1
                elif tok.kind in (NAME, QUOTED):
                    self._column_in_call(j)
                    j += 1
                elif tok.kind == NUMBER:
                    j += 1
                else:
                    self._err(self._not_operand(tok), j)
                operand = False
            else:
                if tok.kind == OP and tok.text in _ARITH:
                    operand = True
                    j += 1
                    continue
                if tok.text in ("|", "||", "~"):
                    self._err(self._not_operand(tok), j)
                self._err(f"'{tok.text}' cannot follow a value inside a function's brackets; "
                          "only arithmetic (+ - * / ^) and comparisons may", j)
        if operand:
            self._err("an incomplete expression: a value is missing", hi)

    def _constants(self, lo: int, hi: int) -> None:
        """Powers of constants are computed by Python with exact integers before any
        data is involved: ``9 ** 9 ** 9`` would run for hours. Each power whose two
        sides hold no column is folded in floating point here, and refused when
        that overflows (a float result below 1e300 means a small exact one)."""
        if lo >= hi:
            return
        base = self.t[lo].start
        text = self.formula[base:self.t[hi - 1].end]
        for tok in reversed(self.t[lo:hi]):  # columns Python cannot spell → a plain name
            if tok.kind == QUOTED or (tok.kind == NAME and keyword.iskeyword(tok.text)):
                text = text[:tok.start - base] + "_q" + text[tok.end - base:]
        text = text.replace("^", "**")
        try:
            tree = ast.parse(f"f({text})", mode="eval")  # parsed only, never run
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # not Python: formulaic cannot evaluate it either
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) \
                    and _constant(node.left) and _constant(node.right):
                value = _fold(node)
                if value is None or not abs(value) < 1e300:
                    self._err("a power of constants too large (or undefined) to compute "
                              f"('{ast.unparse(node)[:40]}'); write the number itself", lo)

    def _not_operand(self, tok: Token) -> str:
        if tok.kind == STRING:
            return "a string may only be a whole argument, e.g. C(f, contr.treatment('b'))"
        if tok.text in ("|", "||"):
            return "'|' belongs in a random-effects term '(x | g)', not inside a function"
        if tok.text == "~":
            return "'~' cannot appear inside a function"
        return f"'{tok.text}' cannot start a value inside a function's brackets"

    def _column_in_call(self, j: int) -> None:
        tok = self.t[j]
        if tok.kind == NAME and unicodedata.normalize("NFKC", tok.text) != tok.text:
            self._err(f"inside a function Python reads '{tok.text}' as "
                      f"'{unicodedata.normalize('NFKC', tok.text)}' (a different name); "
                      "rename the column", j)
        self._column(j)
        if tok.kind == NAME and "." in tok.text:  # Python would read my.var as attribute access
            self.edits.append((tok.start, tok.end, f"`{tok.text}`"))

    def _column(self, j: int) -> None:
        """A column. R's reserved words (``if``, ``TRUE`` …) name a column only in
        backticks, as in R; Python's keywords are plain names (aliased for formulaic)."""
        tok = self.t[j]
        if tok.kind == NAME and tok.text in R_RESERVED:
            self._err(f"'{tok.text}' is a reserved word in R, not a name: a column called "
                      f"{tok.text} is written in backticks, `{tok.text}`", j)
        self.columns.append((tok.value, tok.start))
        self.column_tokens.append(tok)

    # -- the size of the expansion -----------------------------------------------
    def _bound(self, lo: int, hi: int) -> None:
        """Refuse right-hand sides that expand to too many terms or too high an
        interaction order (computed from the operators, nothing expanded)."""
        try:
            n, order, _ = _Bound(self).expr(lo, hi, 0)
        except _Stop:
            return  # structural trouble: the parser's messages say what is wrong
        if n > MAX_TERMS:
            self._err(f"the right-hand side expands to {_count(n)} terms; mixeq fits at most "
                      f"{MAX_TERMS:,}: lower the power of (…)^k or split the interactions", lo)
        if order > MAX_ORDER:
            self._err(f"an interaction of {order} variables; mixeq allows at most "
                      f"{MAX_ORDER} in one term: lower the power of (…)^k or the number of "
                      "variables multiplied", lo)

    def rewritten(self) -> str:
        text = self.formula
        for start, end, new in sorted(self.edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text


class _Stop(Exception):
    pass


def _constant(node) -> bool:
    """An expression of numbers only (no column, no call)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.BinOp):
        return _constant(node.left) and _constant(node.right)
    return False


def _fold(node) -> float | None:
    """A constant expression in floating point (None: overflow or undefined)."""
    try:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            inner = _fold(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        left, right = _fold(node.left), _fold(node.right)
        if left is None or right is None:
            return None
        op = type(node.op)
        if op is ast.Pow:
            result = left ** right
            return None if isinstance(result, complex) else result
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right,
                ast.Div: left / right if right else None}.get(op, 0.0)
    except (OverflowError, ZeroDivisionError, ValueError):
        return None


_CAP = 10 ** 9
_POWER_WORK = 4  # log10 of the n^k steps formulaic may take to expand (…)^k: ~0.5 s


def _small_int(digits: str) -> int:
    """A power's digits as an int, capped (Python refuses to convert 4,300+ digits)."""
    return int(digits) if len(digits) <= 9 else _CAP
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "%in%": 3, ":": 4, "^": 5, "**": 5}


def _count(n: int) -> str:
    return f"{n:,}" if n < _CAP else f"more than {_CAP:,}"


def _power_terms(n: int, k: int) -> int:
    """Terms of (a1 + … + an)^k: all interactions of up to k distinct terms."""
    total, c = 0, 1
    for i in range(1, min(n, k) + 1):
        c = c * (n - i + 1) // i
        total += c
        if total >= _CAP:
            return _CAP
    return total


class _Bound:
    """Precedence climbing over the formula-level tokens: (terms, order) bounds."""

    def __init__(self, checker: _Checker):
        self.c = checker
        self.t = checker.t

    def expr(self, lo: int, hi: int, min_prec: int) -> tuple[int, int, int]:
        n, order, j = self.unary(lo, hi)
        while j < hi:
            op = self.t[j].text
            prec = _PREC.get(op)
            if prec is None or prec < min_prec or self.t[j].kind != OP:
                if op in ("|", "||"):
                    raise _Stop
                break
            if op in ("^", "**"):
                if j + 1 >= hi or self.t[j + 1].kind != NUMBER:
                    raise _Stop
                power = self.t[j + 1]
                k = _small_int(power.text) if power.text.isdigit() else 1
                k = self._power(n, k, power, lo)
                n, order, j = _power_terms(n, k), min(order * k, order * max(n, 1)), j + 2
                continue
            m, other, j = self.expr(j + 1, hi, prec + 1)
            n, order = _combine(op, n, order, m, other)
        return n, order, j

    def _power(self, n: int, k: int, power: Token, at: int) -> int:
        """``(a + b)^16`` is ``(a + b)^2``: a power beyond the number of terms adds
        nothing, so the text gets the smaller one. formulaic's expansion of ``^``
        costs about n^k steps ((a+…+f)^6: 3 s), so larger ones are refused."""
        k_eff = min(k, max(n, 1))
        if k_eff < k:
            self.c.edits.append((power.start, power.end, str(k_eff)))
        terms = _power_terms(n, k_eff)
        if terms > MAX_TERMS:
            self.c._err(f"the right-hand side expands to {_count(terms)} terms; mixeq fits at "
                        f"most {MAX_TERMS:,}: lower the power of (…)^k or split the "
                        "interactions", at)
        if k_eff > 1 and k_eff * math.log10(max(n, 1)) > _POWER_WORK:
            self.c._err(f"(…)^{k} of {_count(n)} terms is too costly to expand; write the "
                         "interactions you want with '*' or ':' (a*b*c), or lower the power", at)
        return k_eff

    def unary(self, lo: int, hi: int) -> tuple[int, int, int]:
        if lo >= hi:
            raise _Stop
        tok = self.t[lo]
        if tok.kind == OP and tok.text in ("+", "-"):
            n, order, j = self.unary(lo + 1, hi)
            return (0, 0, j) if tok.text == "-" else (n, order, j)
        if tok.kind == OP and tok.text == "(":
            close = self.c.match[lo]
            inner = [k for k in range(lo + 1, close)
                     if self.t[k].text in ("|", "||") and self.c.depth_at[k] == self.c.depth_at[lo]]
            if inner:  # a random-effects term: one term; its left side bounded on its own
                n, order, _ = self.expr(lo + 1, inner[0], 0)
                self._check(n, order, lo)
                return 1, 0, close + 1
            n, order, _ = self.expr(lo + 1, close, 0)
            return n, order, close + 1
        if tok.kind == NAME and self.c._is_call(lo):
            if tok.text == V.OFFSET:
                return 0, 0, self.c.match[lo + 1] + 1
            return 1, 1, self.c.match[lo + 1] + 1
        if tok.kind in (NAME, QUOTED):
            return 1, 1, lo + 1
        if tok.kind == NUMBER:
            return 0, 0, lo + 1
        raise _Stop

    def _check(self, n: int, order: int, at: int) -> None:
        if n > MAX_TERMS or order > MAX_ORDER:
            self.c._err(f"a random-effects term expands to {_count(n)} terms of up to "
                        f"{order} variables; mixeq allows {MAX_TERMS:,} terms of up to "
                        f"{MAX_ORDER}", at)


def _combine(op: str, n: int, a: int, m: int, b: int) -> tuple[int, int]:
    if op == "+":
        return min(n + m, _CAP), max(a, b)
    if op == "-":
        return n, a
    if op in (":", "%in%"):
        return min(max(n, 1) * max(m, 1), _CAP), a + b
    if op == "*":
        return min(n + m + n * m, _CAP), a + b
    return min(n + m, _CAP), a + b  # a / b = a + b %in% a


def call_arguments(text: str, name: str) -> list[str] | None:
    """The argument texts of ``name(a, b)`` when ``text`` is exactly that call
    (``cbind(a, b - a)`` → ``["a", "b - a"]``), else None."""
    tokens = tokenize(text)
    if len(tokens) < 3 or tokens[0].text != name or tokens[1].text != "(" \
            or tokens[-1].text != ")":
        return None
    checker = _Checker(text, tokens, None, whole=False)
    if checker.match[1] != len(tokens) - 1:
        return None
    return [text[tokens[lo].start:tokens[hi - 1].end]
            for lo, hi in checker._arguments(2, len(tokens) - 1)]
