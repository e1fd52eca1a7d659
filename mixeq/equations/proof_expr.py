"""Values of a transformed predictor written as one symbol (``log(x + 5)``,
``I(x^2 - 1)``): the term's text read as arithmetic on the data's columns.

verify() rebuilds X from what the equations display; a term such as
``log(x + 5)`` is displayed whole, so its value comes from its text: parsed
(Python's :mod:`ast`, never run), and evaluated node by node with numpy on the
data's columns — numbers, columns, + − × ÷ and powers, one comparison
(``>  <  >=  <=  ==  !=``, a logical, as in R), and the functions :data:`FUNCTIONS`.
Anything else is not evaluable (and verify says so).

A factor's dummy (``I(x > 5)`` at level TRUE, ``f`` at level b) is the 0/1
column of one label: :func:`level_indicator`, the one definition verify and its
read-back use. R's model.matrix codes a logical as a factor with labels FALSE,
TRUE (:mod:`mixeq.design.logical`), so a comparison's labels are those.
"""
from __future__ import annotations

import ast

import numpy as np
import pandas as pd

from mixeq.design.context import STATEFUL
from mixeq.errors import MixeqError
from mixeq.spec.aliases import Aliases
from mixeq.spec.check import column_tokens

FUNCTIONS = {"log": np.log, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs,
             "log2": np.log2, "log10": np.log10, "log1p": np.log1p, "I": lambda v: v}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
           ast.Div: np.divide, ast.Pow: np.power}
# one comparison gives a logical; R reads a < b < c as (a < b) < c, Python as
# a < b and b < c: a chain is refused rather than read either way
_COMPARE = {ast.Gt: np.greater, ast.Lt: np.less, ast.GtE: np.greater_equal,
            ast.LtE: np.less_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal}


_STATEFUL = "mixeq stateful"  # the key of the stateful-call callback among the values


class NotArithmetic(Exception):
    """The text is not arithmetic on the data's columns."""


def expression_values(text: str, data: pd.DataFrame, stateful=None) -> np.ndarray:
    """``text`` (a term as R names it) evaluated on every row of ``data``, as numbers
    (a logical as 0/1, as R's arithmetic reads it). ``stateful(call_text)``, when given,
    values a call of a stateful transform inside (``scale(x)`` in ``I(scale(x)^2)``):
    the design's definition, :meth:`mixeq.equations.proof_data.Evaluator.designed`."""
    return expression_result(text, data, stateful).astype(float)


def level_indicator(name: str, label: str, data: pd.DataFrame) -> np.ndarray:
    """The 0/1 column of level ``label`` of the factor ``name``: a column of the data
    (its labels as text; a logical's TRUE/FALSE) or a logical expression
    (``I(x > 5)``). NotArithmetic when ``name`` is no factor or has no such level
    (a contrast column such as ``C(f, sum)1`` is no level's dummy)."""
    coded = contrast_column(name, label, data)
    if coded is not None:
        return coded
    source = factor_source(name, data)
    if source is not None:
        col = data[source]
        labels = col.map({True: "TRUE", False: "FALSE"}) if pd.api.types.is_bool_dtype(
            col.dtype) else col.astype(str)
        labels = labels.to_numpy(dtype=object)
    else:
        values = expression_result(name, data)
        if values.dtype != bool:
            raise NotArithmetic(f"{name} is not a factor or a logical, so it has no level "
                                f"{label}")
        labels = np.where(values, "TRUE", "FALSE")
    if label not in set(labels):
        raise NotArithmetic(f"{label} is not a level of {name} (a contrast column, not a "
                            "dummy)")
    return (labels == label).astype(float)


def factor_source(name: str, data: pd.DataFrame) -> str | None:
    """The data column whose labels are factor ``name``'s levels: the column itself, or
    the first argument of ``factor(f)`` / ``C(f, …)``; None for anything computed."""
    if name in data.columns:
        return name
    from mixeq.spec.aliases import unquoted
    from mixeq.spec.check import call_arguments

    for func in ("C", "factor"):
        args = call_arguments(name, func) if name.startswith(func + "(") else None
        if args and unquoted(args[0].strip()) in data.columns:
            return unquoted(args[0].strip())
    return None


def contrast_column(name: str, label: str, data: pd.DataFrame) -> np.ndarray | None:
    """Column ``label`` of a factor coded by contrasts named in ``C()`` (``C(f, sum)`` at
    ``1``: 1 for a, 0 for b, −1 for c), from the one table of contrasts
    (:func:`mixeq.design.contrasts.r_contrasts`) on the column's levels; None when
    ``name`` is no such call or ``label`` is no contrast column's (a level's indicator,
    ``C(f, sum)a`` of ``0 + C(f, sum)``, is the plain dummy)."""
    from mixeq.design.contrasts import r_contrasts
    from mixeq.spec.aliases import unquoted
    from mixeq.spec.check import call_arguments
    from mixeq.spec.vocabulary import CONTRAST_NAMES

    args = call_arguments(name, "C") if name.startswith("C(") else None
    if not args or len(args) != 2:
        return None
    column, written = unquoted(args[0].strip()), args[1].strip()
    if written.startswith("contrasts"):
        written = written.split("=", 1)[1].strip()
    if column not in data.columns or written.strip("'\"") not in CONTRAST_NAMES:
        return None
    col = data[column]
    levels = [str(v) for v in col.cat.categories] if isinstance(
        col.dtype, pd.CategoricalDtype) else sorted(col.dropna().astype(str).unique())
    contrasts = r_contrasts(written)
    names = [str(n) for n in contrasts.get_coding_column_names(levels, reduced_rank=True)]
    if label not in names:
        return None
    matrix = np.asarray(contrasts.get_coding_matrix(levels, reduced_rank=True), dtype=float)
    codes = pd.Categorical(col.astype(str), categories=levels).codes
    return np.where(codes >= 0, matrix[codes, names.index(label)], np.nan)


def expression_result(text: str, data: pd.DataFrame, stateful=None) -> np.ndarray:
    """``text`` on every row: floats, or booleans for a comparison (a logical)."""
    try:
        columns = [t.value for t in column_tokens(text) if t.value in data.columns]
    except MixeqError as exc:
        raise NotArithmetic(str(exc).splitlines()[0]) from None
    if not columns:
        raise NotArithmetic(f"{text} names no column of the data")
    aliases = Aliases({c: f"mixeq_c{k}_" for k, c in enumerate(dict.fromkeys(columns))})
    source = aliases.text(text).replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        raise NotArithmetic(f"{text} is not arithmetic") from None
    values = {a: data[c] for c, a in aliases.alias.items()}
    if stateful is not None:   # a call's text with the columns' own names
        values[_STATEFUL] = lambda node: stateful(aliases.undo(ast.unparse(node)))
    try:
        with np.errstate(all="ignore"):
            out = np.broadcast_to(_eval(tree, values, text), (len(data),))
            return out if out.dtype == bool else out.astype(float)
    except NotArithmetic as exc:   # the message with the columns' own names
        raise NotArithmetic(aliases.undo(str(exc))) from None


def _eval(node, values: dict, text: str):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in values:
        try:
            return values[node.id].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise NotArithmetic(f"a column of {text} is not numeric") from None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _eval(node.operand, values, text)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, values, text),
                                      _eval(node.right, values, text))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return _COMPARE[type(node.ops[0])](_eval(node.left, values, text),
                                           _eval(node.comparators[0], values, text))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in FUNCTIONS and len(node.args) == 1 and not node.keywords:
        return FUNCTIONS[node.func.id](_eval(node.args[0], values, text))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in STATEFUL and _STATEFUL in values:
        return values[_STATEFUL](node)
    raise NotArithmetic(f"{text}: {ast.unparse(node)[:40]} is not arithmetic on the data's "
                        "columns")
