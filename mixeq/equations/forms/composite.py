"""The single (composite, mixed) equation: fixed part, then random part."""
from __future__ import annotations

from mixeq.equations.forms.common import coef_times, distribution_block, equation, \
    index_sentences
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Block, Document, Row


def composite_relation(sm: SymbolicModel, row=None):
    fixed = sorted(sm.fixed, key=lambda f: f.path)
    terms = [sm.fixed_term_expr(f, row) for f in fixed]
    terms += [coef_times(r.symbol, sm.atoms_expr(r.atoms, row)) for r in sm.random]
    terms.append(sm.residual(row))
    return equation(sm.response(row), terms)


def build(sm: SymbolicModel) -> Document:
    blocks = [Block("", [Row(composite_relation(sm), name="composite")])]
    if not sm.opts.equations_only:
        blocks += [Block("", distribution_block(sm).rows), Block("", [], index_sentences(sm))]
    return Document("composite", blocks, sm.notes())
