"""Turn display trees into SymPy expressions (for :mod:`verify`)."""
from __future__ import annotations

import sympy

from mixeq.equations.tree import Add, Call, Matrix, Mul, Neg, Num, Pow, Sym


def rename(sym: Sym, index_map: dict) -> Sym:
    def tok(t):
        if isinstance(t, Sym):
            return rename(t, index_map)
        return index_map.get(t, t)

    return Sym(sym.base, tuple(tok(t) for t in sym.sub), sym.sup, sym.kind, sym.label)


def to_sympy(node, index_map: dict | None = None):
    index_map = index_map or {}
    if isinstance(node, Sym):
        return sympy.Symbol(rename(node, index_map).key)
    if isinstance(node, Num):
        v = node.value
        return sympy.Integer(int(v)) if float(v).is_integer() else sympy.Float(v)
    if isinstance(node, Add):
        return sympy.Add(*(to_sympy(t, index_map) for t in node.terms))
    if isinstance(node, Mul):
        return sympy.Mul(*(to_sympy(f, index_map) for f in node.factors))
    if isinstance(node, Neg):
        return -to_sympy(node.arg, index_map)
    if isinstance(node, Pow):
        return to_sympy(node.base, index_map) ** to_sympy(node.exp, index_map)
    if isinstance(node, Call):
        return sympy.Function(node.name)(*(to_sympy(a, index_map) for a in node.args))
    if isinstance(node, Matrix):
        return sympy.Matrix([[to_sympy(e, index_map) for e in row] for row in node.rows])
    raise TypeError(f"{type(node).__name__} has no SymPy value")
