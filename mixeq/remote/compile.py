"""The formula's columns as engine expressions (Ibis), without reading a row.

A term of the fixed part or of a random-effects term's left side is a product of
*atoms* (``x:m`` → x, m). An atom is a numeric column, an arithmetic expression of
numeric columns and numbers inside ``log``, ``log2``, ``log10``, ``exp``, ``sqrt``
or ``I()`` (``I(x^2)``, ``log(Days + 1)``), or a factor: a text, boolean or
categorical column, or a column named in ``factors``; ``factor(col)`` (a column's
values as a factor), ``C(col, sum)`` (a factor with contrasts named as R's ``C()``
takes them: treatment, sum, helmert, poly, SAS, ``contr.sum`` …; their values and
names are :mod:`mixeq.design.contrasts`'), or a logical: ``I(x > 5)`` (a comparison
of numeric expressions, R's factor with levels FALSE, TRUE, both always) and
``factor(x > 5)`` (the levels present). ``offset(expr)`` in the
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

from mixeq.design.contrasts import r_contrasts
from mixeq.design.logical import FALSE_TRUE, r_coding
from mixeq.design.names import r_column_name, split_interaction
from mixeq.errors import DataError, MixeqError, UnknownColumnError
from mixeq.spec.aliases import Aliases, r_name, unquoted
from mixeq.spec.check import expression_columns
from mixeq.spec.vocabulary import contrast_coding
from mixeq.remote.errors import UnsupportedTermError

FUNCTIONS = {"log": "ln", "log2": "log2", "log10": "log10", "exp": "exp", "sqrt": "sqrt"}
SUPPORTED = ("numeric columns", "factors (text, boolean or categorical columns, or columns "
             "named in factors=)", "interactions a:b and a*b", "log(), log2(), log10(), exp(), "
             "sqrt() of arithmetic (+ - * / and powers) on numeric columns and numbers",
             "I(x^2)-style powers", "factor(col)", "C(col, sum) and R's other named contrasts",
             "comparisons I(x > 5) and factor(x > 5)", "offset(expr) in the fixed part")
_BINOPS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
           ast.Pow: "__pow__"}
_COMPARE = {ast.Gt: "__gt__", ast.GtE: "__ge__", ast.Lt: "__lt__", ast.LtE: "__le__",
            ast.Eq: "__eq__", ast.NotEq: "__ne__"}
LOGICAL_LEVELS = [(False, FALSE_TRUE[0]), (True, FALSE_TRUE[1])]   # R's factor of a logical


def unsupported(term: str, why: str) -> UnsupportedTermError:
    return UnsupportedTermError(
        f"the term '{term}' cannot be computed inside the database: {why}. Supported: "
        + "; ".join(SUPPORTED) + ". Compute the column in the table first, or load the data "
        "into a pandas DataFrame")


@dataclass(frozen=True)
class Atom:
    """One factor of a term (``text`` as the formula writes it): a numeric expression
    (``node`` its AST), or a factor — of a table column (``column``: ``f``, ``my var``,
    ``factor(Days)``'s Days, ``C(f, sum)``'s f, coded by ``contrast`` when given) or a
    logical (``node`` the comparison; ``present``: only the levels that occur, as
    ``factor(x > 5)``; else FALSE and TRUE, as ``I(x > 5)``)."""

    text: str
    factor: bool
    node: object = None
    column: str | None = None
    contrast: str | None = None
    present: bool = False

    @property
    def logical(self) -> bool:
        return self.factor and self.column is None

    @property
    def key(self) -> str:
        """The factor's entry in ``Compiler.levels``: its column, or a logical's text."""
        return self.text if self.column is None else self.column

    @property
    def name(self) -> str:
        """The atom as lme4 names its column: ```my var```, ``class``, ``log(`2nd` + 5)``."""
        column = (self.factor and self.text == self.column) or isinstance(self.node, ast.Name)
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
            return Atom(text, factor, None if factor else ast.Name(id=text, ctx=ast.Load()),
                        column=text if factor else None)
        node = self.parse(text, term)
        wrapped = _call(node, ("I", "factor", "C"))
        if wrapped is not None:
            return self.wrapped_atom(text, node, wrapped, term, where)
        self.check_numeric(node, term, where)
        return Atom(text, False, node)

    def parse(self, text: str, term: str):
        """The AST of an atom's text (columns Python cannot spell are parsed under
        aliases, then named again)."""
        try:
            aliases = Aliases.of(expression_columns(text))
            node = ast.parse(aliases.text(text).replace("^", "**"), mode="eval").body
        except (SyntaxError, MixeqError):
            raise unsupported(term, f"'{text}' is not an expression of columns") from None
        for name in ast.walk(node):
            if isinstance(name, ast.Name):
                name.id = aliases.column.get(name.id, name.id)
        return node

    def wrapped_atom(self, text: str, node, fn: str, term: str, where: str) -> Atom:
        """``I(x > 5)``, ``factor(x > 5)``, ``factor(col)``, ``C(col, contrast)``;
        ``I(expr)`` of a number is a numeric atom."""
        inner = node.args[0]
        if fn == "C":
            if len(node.args) != 2 or node.keywords or not isinstance(inner, ast.Name):
                raise unsupported(term, f"'{text}' must be C(column, contrasts) with a named "
                                        "contrast such as sum")
            written = _contrast_name(node.args[1])
            try:
                contrast_coding(written or "")
            except ValueError:
                raise unsupported(term, f"'{ast.unparse(node.args[1])}' in '{text}' is not a "
                                        "contrast by name (treatment, sum, helmert, poly, SAS, "
                                        "or contr.sum …)") from None
            self.check_columns([inner.id], term, where, factor_ok=True)
            return Atom(text, True, None, column=inner.id, contrast=written)
        if len(node.args) != 1 or node.keywords:
            raise unsupported(term, f"{fn}() takes one argument here")
        if isinstance(inner, ast.Compare):
            self.check_comparison(inner, term, where)
            return Atom(text, True, inner, present=fn == "factor")
        if fn == "factor":
            if not isinstance(inner, ast.Name):
                raise unsupported(term, f"factor() of '{ast.unparse(inner)}': give a column "
                                        "or a comparison such as factor(x > 5)")
            self.check_columns([inner.id], term, where, factor_ok=True)
            return Atom(text, True, None, column=inner.id)
        self.check_numeric(node, term, where)
        return Atom(text, False, node)

    def check_comparison(self, node, term: str, where: str) -> None:
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            raise unsupported(term, "a comparison compares two numeric expressions once "
                                    "(x > 5, not 1 < x < 5)")
        for side in (node.left, node.comparators[0]):
            self.check_numeric(side, term, where)

    def check_numeric(self, node, term: str, where: str) -> None:
        self.check_columns(self.names_in(node, term), term, where)

    def check_columns(self, names, term: str, where: str, factor_ok: bool = False) -> None:
        for name in names:
            if name not in self.schema:
                raise UnknownColumnError(
                    f"unknown column '{name}' in {where} term '{term}'; the table has columns: "
                    f"{', '.join(list(self.schema)[:12])}")
            if not factor_ok and self.is_factor_column(name):
                raise unsupported(term, f"'{name}' is a factor, and factors can only appear "
                                        "on their own (or in a:b interactions)")

    def columns_of(self, atom: Atom, term: str) -> list[str]:
        """The table columns an atom reads."""
        if atom.column is not None:
            return [atom.column]
        if atom.logical:
            cmp = atom.node
            return self.names_in(cmp.left, term) + self.names_in(cmp.comparators[0], term)
        return [] if atom.node is None else self.names_in(atom.node, term)

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
        if isinstance(node, ast.Compare):
            raise unsupported(term, "a comparison is a term of its own, I(x > 5) (a factor "
                                    "with levels FALSE and TRUE), not part of arithmetic")
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

    def comparison(self, node):
        """The boolean expression of a logical atom's comparison."""
        op = _COMPARE[type(node.ops[0])]
        return getattr(self.numeric(node.left), op)(self.numeric(node.comparators[0]))

    def indicator(self, column, value):
        """1.0 where a factor (a column's name, or a logical ``Atom``) is at a level
        (an engine value or its label), else 0.0."""
        if isinstance(column, Atom):
            if column.logical:
                test = self.comparison(column.node)
                return (test if value in (True, "TRUE") else ~test).cast("float64")
            column = column.column
        col = self.table[column]
        if column in self.factor_levels_given:
            col = label_expr(col)
        return (col == ibis.literal(value)).cast("float64")

    def levels_of(self, atom: Atom):
        """A factor's (engine value, label) levels: found by a query (``levels``,
        filled in by the caller), or FALSE and TRUE for ``I(x > 5)``."""
        if atom.logical and not atom.present:
            return LOGICAL_LEVELS
        return self.levels.get(atom.key)

    def coded(self, atom: Atom, levels: list, contrasts: bool) -> list[tuple[str, object]]:
        """A factor's columns (name, expression): one indicator per level, or its
        contrasts — treatment's (the first level the reference) unless ``C()`` names
        others, whose values and names are R's (mixeq.design.contrasts)."""
        if not contrasts:
            return [(atom.name + label, self.indicator(atom, value)) for value, label in levels]
        if atom.contrast is None:
            return [(atom.name + label, self.indicator(atom, value))
                    for value, label in levels[1:]]
        coding = r_contrasts(atom.contrast)
        labels = [label for _, label in levels]
        matrix = coding.get_coding_matrix(labels, reduced_rank=True).to_numpy(dtype=float)
        names = coding.get_coding_column_names(labels, reduced_rank=True)
        out = []
        for k, name in enumerate(names):
            expr = None
            for (value, _), weight in zip(levels, matrix[:, k]):
                if weight:
                    part = self.indicator(atom, value) * ibis.literal(float(weight))
                    expr = part if expr is None else expr + part
            out.append((atom.name + str(name), expr if expr is not None
                        else ibis.literal(0.0, type="float64")))
        return out

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
                levels = self.levels_of(atom)
                if levels is None:      # predict: a factor here, a number in the fitted data
                    raise DataError(
                        f"column '{atom.key}' is a factor (text, boolean or categorical) in "
                        f"this data but was a numeric column in the data the model was fitted "
                        f"to (term '{':'.join(a.text for a in atoms)}'); give it as numbers, "
                        f"or fit with factors= naming '{atom.key}'")
                pieces.append(self.coded(atom, levels, code[atom.text]))
            out.extend(_products(pieces))
        return out


def _call(node, names: tuple):
    """The function's name when ``node`` is a call of one of ``names``, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names \
            and node.args:
        return node.func.id
    return None


def _contrast_name(node) -> str | None:
    """C()'s second argument as written: ``sum``, ``contr.sum``, ``'sum'``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


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
