"""The single (composite, mixed) equation: fixed part, then random part."""
from __future__ import annotations

from mixeq.equations.forms.common import coef_times, distribution_block, \
    index_sentences, linear_predictor_row, response_row
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Block, Document, Row


def composite_relation(sm: SymbolicModel, row=None):
    """y_ij = fixed part + random part + ε_ij; a GLMM on the link scale,
    g(p_ij) = offsets + fixed part + random part."""
    fixed = sorted(sm.fixed, key=lambda f: f.path)
    terms = [sm.fixed_term_expr(f, row) for f in fixed]
    terms += [coef_times(r.symbol, sm.atoms_expr(r.atoms, row)) for r in sm.random]
    return linear_predictor_row(sm, terms, "composite", row, eta=False).relation


def build(sm: SymbolicModel) -> Document:
    blocks = [Block("", [Row(composite_relation(sm), name="composite")])]
    if sm.generalized and sm.opts.equations_only:
        blocks.append(Block("", [response_row(sm, [r.symbol for r in sm.random])]))
    if not sm.opts.equations_only:
        dist = distribution_block(sm, given=[r.symbol for r in sm.random])
        blocks += [Block("", dist.rows), Block("", [], index_sentences(sm))]
    return Document("composite", blocks, sm.notes())
