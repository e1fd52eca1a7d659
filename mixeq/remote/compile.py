"""The formula's columns as engine expressions (Ibis), without reading a row.

A term of the fixed part or of a random-effects term's left side is a product of
*atoms* (``x:m`` → x, m). An atom is a numeric column, an arithmetic expression of
numeric columns and numbers inside ``log``, ``log2``, ``log10``, ``exp``, ``sqrt``
or ``I()`` (``I(x^2)``, ``log(Days + 1)``), or a factor: a text, boolean or
categorical column, or a column named in ``factors``. ``offset(expr)`` in the
fixed part is subtracted from the response (for a Gaussian model lme4's offset is
exactly that). Anything else is an :class:`UnsupportedTermError` naming the term.

The expressions are parsed with :mod:`ast` (never evaluated: formula text is
data) and built with Ibis, which writes them in each engine's SQL dialect
(DuckDB, Spark SQL, …). Factors are expanded as R's ``model.matrix`` does:
treatment contrasts (the first level is the reference) where R's rule gives
contrasts, one indicator per level otherwise (:func:`mixeq.design.logical.r_coding`,
the in-memory design's rule too); interaction columns vary the first factor fastest
and are named ``recipeB:temperature185``.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

import ibis

from mixeq.design.logical import r_coding
from mixeq.design.names import r_column_name, split_interaction
from mixeq.errors import DataError, MixeqError, UnknownColumnError
from mixeq.spec.aliases import Aliases, r_name, unquoted
from mixeq.spec.check import expression_columns
from mixeq.remote.errors import UnsupportedTermError

FUNCTIONS = {"log": "ln", "log2": "log2", "log10": "log10", "exp": "exp", "sqrt": "sqrt"}
SUPPORTED = ("numeric columns", "factors (text, boolean or categorical columns, or columns "
             "named in factors=)", "interactions a:b and a*b", "log(), log2(), log10(), exp(), "
             "sqrt() of arithmetic (+ - * / and powers) on numeric columns and numbers",
             "I(x^2)-style powers", "offset(expr) in the fixed part")
_BINOPS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
           ast.Pow: "__pow__"}


def unsupported(term: str, why: str) -> UnsupportedTermError:
    return UnsupportedTermError(
        f"the term '{term}' cannot be computed inside the database: {why}. Supported: "
        + "; ".join(SUPPORTED) + ". Compute the column in the table first, or load the data "
        "into a pandas DataFrame")


@dataclass(frozen=True)
class Atom:
    """One factor of a term: a numeric expression (``text``, its AST) or a factor column
    (``text`` its name in the table: ``my var``, ``class``)."""

    text: str
    factor: bool
    node: object = None   # ast expression for numeric atoms

    @property
    def name(self) -> str:
        """The atom as lme4 names its column: ```my var```, ``class``, ``log(`2nd` + 5)``."""
        column = self.factor or isinstance(self.node, ast.Name)
        return r_name(self.text) if column else r_column_name(self.text)


@dataclass
class Column:
    """One model-matrix column: its lme4 name and its engine expression."""

    name: str
    expr: object          # ibis float64 expression (None for the intercept)


class Compiler:
    """Compiles atoms against one Ibis table; ``levels`` maps factor column → list of
    (engine value, label) pairs in the model's order, filled in by the caller."""

    def __init__(self, table, factors: dict | None = None):
        self.table = table
        self.schema = table.schema()
        self.factor_levels_given = dict(factors or {})
        self.levels: dict[str, list[tuple[object, str]]] = {}

    # -- atoms -------------------------------------------------------------------
    def is_factor_column(self, name: str) -> bool:
        if name in self.factor_levels_given:
            return True
        dtype = self.schema[name]
        return not (dtype.is_numeric() and not dtype.is_boolean())

    def atom(self, text: str, term: str, where: str) -> Atom:
        text = text.strip()
        if unquoted(text) in self.schema:  # a column: `my var`, class
            text = unquoted(text)
            factor = self.is_factor_column(text)
            return Atom(text, factor, None if factor else ast.Name(id=text, ctx=ast.Load()))
        try:  # columns Python cannot spell are parsed under aliases, then named again
            aliases = Aliases.of(expression_columns(text))
            node = ast.parse(aliases.text(text).replace("^", "**"), mode="eval").body
        except (SyntaxError, MixeqError):
            raise unsupported(term, f"'{text}' is not an expression of columns") from None
        for name in ast.walk(node):
            if isinstance(name, ast.Name):
                name.id = aliases.column.get(name.id, name.id)
        for name in self.names_in(node, term):
            if name not in self.schema:
                raise UnknownColumnError(
                    f"unknown column '{name}' in {where} term '{term}'; the table has columns: "
                    f"{', '.join(list(self.schema)[:12])}")
            if self.is_factor_column(name):
                raise unsupported(term, f"'{name}' is a factor, and factors can only appear "
                                        "on their own (or in a:b interactions)")
        return Atom(text, False, node)

    def names_in(self, node, term: str) -> list[str]:
        """The column names an atom's AST reads; unsupported nodes are errors."""
        if isinstance(node, ast.Name):
            return [node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return []
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return self.names_in(node.left, term) + self.names_in(node.right, term)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self.names_in(node.operand, term)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in (*FUNCTIONS, "I") and len(node.args) == 1 and not node.keywords:
            return self.names_in(node.args[0], term)
        what = node.func.id + "()" if isinstance(node, ast.Call) and isinstance(
            node.func, ast.Name) else ast.dump(node).split("(")[0]
        raise unsupported(term, f"{what} is not supported")

    def numeric(self, node):
        """The Ibis expression of a numeric atom's AST."""
        if isinstance(node, ast.Name):
            return self.table[node.id].cast("float64")
        if isinstance(node, ast.Constant):
            return ibis.literal(float(node.value), type="float64")
        if isinstance(node, ast.BinOp):
            return getattr(self.numeric(node.left), _BINOPS[type(node.op)])(self.numeric(node.right))
        if isinstance(node, ast.UnaryOp):
            inner = self.numeric(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        arg = self.numeric(node.args[0])
        if node.func.id == "I":
            return arg
        return getattr(arg, FUNCTIONS[node.func.id])()

    def indicator(self, column: str, value):
        col = self.table[column]
        if column in self.factor_levels_given:
            col = label_expr(col)
        return (col == ibis.literal(value)).cast("float64")

    # -- terms -------------------------------------------------------------------
    def parse_term(self, term: str, where: str) -> tuple[Atom, ...]:
        return tuple(self.atom(a, term, where) for a in split_interaction(term))

    def columns(self, intercept: bool, terms: list[tuple[Atom, ...]]) -> list[Column]:
        """The model-matrix columns of ``[1 +] terms`` (R's contrast rule, see the module)."""
        out = [Column("(Intercept)", None)] if intercept else []
        codes = r_coding([[(a.text, a.factor) for a in atoms] for atoms in terms], intercept)
        for atoms, code in zip(terms, codes):
            pieces = []
            for atom in atoms:
                if not atom.factor:
                    pieces.append([(atom.name, self.numeric(atom.node))])
                    continue
                levels = self.levels.get(atom.text)
                if levels is None:      # predict: a factor here, a number in the fitted data
                    raise DataError(
                        f"column '{atom.text}' is a factor (text, boolean or categorical) in "
                        f"this data but was a numeric column in the data the model was fitted "
                        f"to (term '{':'.join(a.text for a in atoms)}'); give it as numbers, "
                        f"or fit with factors= naming '{atom.text}'")
                if code[atom.text]:       # contrasts: the first level is the reference
                    levels = levels[1:]
                pieces.append([(atom.name + label, self.indicator(atom.text, value))
                               for value, label in levels])
            out.extend(_products(pieces))
        return out


def label_expr(col):
    """A column's values as level labels: text, with whole floats written without
    '.0' (308.0 → '308', as mixeq.datasets.labels does for columns read next to
    missing values)."""
    if col.type().is_floating():
        return ibis.ifelse(col == col.round(), col.cast("int64").cast("string"), col.cast("string"))
    return col.cast("string")


def _products(pieces: list[list[tuple[str, object]]]) -> list[Column]:
    """Every product of one entry per piece, the first piece varying fastest."""
    combos: list[tuple[list[str], object]] = [([], None)]
    for piece in pieces:
        combos = [(names + [n], e if expr is None else expr * e)
                  for n, e in piece for names, expr in combos]
    return [Column(":".join(names), expr) for names, expr in combos]
