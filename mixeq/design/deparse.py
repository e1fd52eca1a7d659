"""An expression written as R's ``deparse()`` writes it — how ``model.matrix`` (and so
lme4) names the column of ``exp(Days/10)``, ``log(Days + 1)``, ``I(Days * 0.001)``.

R's spacing (R Language Definition §10.3.x; ``deparse.c``): spaces around binary ``+``
``-`` ``*``, comparisons and ``=`` of named arguments; none around ``/``, ``^``, ``:``,
``%%``, ``%/%``, after a unary minus, or inside brackets; ``, `` between arguments.
Parentheses where R's precedence needs them (``-(Days + 1)``, ``(Days - 4)^2``; a
unary minus as a power's exponent needs none: ``Days^-1``). Numbers as R prints a
double with 15 significant digits (``formatReal``): fixed unless scientific is
narrower — ``1e-3`` → ``0.001``, ``2.50`` → ``2.5``, ``1e5`` → ``1e+05``, ``1e-5`` →
``1e-05``, ``123456789`` → ``123456789``.
"""
from __future__ import annotations

import ast
import re

# binary operator → (R spelling, precedence, right-associative); R's table (?Syntax)
_BINARY = {ast.Pow: ("^", 7, True), ast.Mult: (" * ", 4, False), ast.Div: ("/", 4, False),
           ast.Mod: ("%%", 5, False), ast.FloorDiv: ("%/%", 5, False),
           ast.Add: (" + ", 3, False), ast.Sub: (" - ", 3, False)}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}
_UNARY_PREC = 6
_COMPARE = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==",
            ast.NotEq: "!="}
_COMPARE_PREC = 2
_ATOM_PREC = 9
_QUOTED = re.compile(r"`[^`]*`")


class _NotR(Exception):
    """The expression holds something this writer does not know how R deparses."""


def r_deparse(text: str) -> str | None:
    """``text`` (Python or R arithmetic, ``**`` or ``^`` for powers, backquoted names
    kept) as R's deparse writes it; None when it is not an expression of names,
    numbers, calls, arithmetic and comparisons (strings, subscripts …)."""
    quoted: dict[str, str] = {}

    def hold(match):
        quoted[f"_mixeq_q{len(quoted)}_"] = match.group(0)
        return f"_mixeq_q{len(quoted) - 1}_"
    try:
        node = ast.parse(_QUOTED.sub(hold, text).replace("^", "**"), mode="eval").body
        out, _ = _write(node)
    except (SyntaxError, ValueError, _NotR, RecursionError):
        return None
    for key, name in quoted.items():
        out = out.replace(key, name)
    return out


def _write(node) -> tuple[str, int]:
    """(R's text, its precedence) of one node."""
    if isinstance(node, ast.Name):
        return node.id, _ATOM_PREC
    if isinstance(node, ast.Attribute):   # my.var parses as an attribute
        return f"{_write(node.value)[0]}.{node.attr}", _ATOM_PREC
    if isinstance(node, ast.Constant):
        return r_number(node.value), _ATOM_PREC
    if isinstance(node, ast.Call):
        return _call(node), _ATOM_PREC
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _binary(node), _BINARY[type(node.op)][1]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        text, prec = _write(node.operand)
        return _UNARY[type(node.op)] + (f"({text})" if prec < _UNARY_PREC else text), _UNARY_PREC
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        left, right = (_operand(n, _COMPARE_PREC, side) for n, side in
                       ((node.left, "left"), (node.comparators[0], "right")))
        return f"{left} {_COMPARE[type(node.ops[0])]} {right}", _COMPARE_PREC
    raise _NotR


def _call(node: ast.Call) -> str:
    if not isinstance(node.func, (ast.Name, ast.Attribute)):
        raise _NotR
    args = [_write(a)[0] for a in node.args]
    args += [f"{k.arg} = {_write(k.value)[0]}" for k in node.keywords if k.arg]
    if len(args) != len(node.args) + len(node.keywords):
        raise _NotR   # **kwargs
    return f"{_write(node.func)[0]}({', '.join(args)})"


def _binary(node: ast.BinOp) -> str:
    op, prec, right_assoc = _BINARY[type(node.op)]
    left = _operand(node.left, prec, "left" if not right_assoc else "tight")
    if right_assoc and isinstance(node.right, ast.UnaryOp):
        right = _write(node.right)[0]     # Days^-1: R parses and writes it bare
    else:
        right = _operand(node.right, prec, "tight" if not right_assoc else "left")
    return f"{left}{op}{right}"


def _operand(node, prec: int, side: str) -> str:
    """An operand, bracketed when its precedence is lower than the operator's (or
    equal, on the side the operator does not associate: ``a - (b - c)``, ``(a^b)^c``)."""
    text, own = _write(node)
    if own < prec or (own == prec and side == "tight"):
        return f"({text})"
    return text


def r_number(value) -> str:
    """A number as R prints a double (15 significant digits, fixed unless scientific
    is narrower, R's ``formatReal`` with ``scipen = 0``); TRUE/FALSE for a logical."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        raise _NotR
    if value == 0:
        return "0"
    mantissa, exponent = f"{abs(float(value)):.14e}".split("e")
    digits = mantissa.replace(".", "").rstrip("0")
    nsig, e = len(digits), int(exponent)
    sign = "-" if value < 0 else ""
    rgt = max(0, nsig - e - 1)
    fixed_width = max(1, e + 1) + (rgt + 1 if rgt else 0)
    sci_width = nsig + (1 if nsig > 1 else 0) + (5 if abs(e) >= 100 else 4)
    if fixed_width <= sci_width:
        return sign + f"{abs(float(value)):.{rgt}f}"
    return sign + f"{abs(float(value)):.{nsig - 1}e}"
