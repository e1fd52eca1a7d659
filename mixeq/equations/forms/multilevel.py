"""Raudenbush–Bryk level-1 / level-2 (/ level-3) equations."""
from __future__ import annotations

from mixeq.equations.forms.common import (coef_times, distribution_block, equation,
                                          index_sentences, linear_predictor_row, response_row)
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Block, Document, Row


def level1_row(sm: SymbolicModel) -> Row:
    """y_ij = β_0j + β_1j x_ij + ε_ij, or a GLMM's g(p_ij) = η_ij = β_0j + β_1j x_ij."""
    terms = [coef_times(coef, sm.atoms_expr(part.atoms)) for coef, part in sm.level1_terms()]
    return linear_predictor_row(sm, terms, "level1")


def level1_rows(sm: SymbolicModel) -> list[Row]:
    """A GLMM's level 1 is two lines: y's distribution given the varying coefficients,
    then the link of its mean."""
    if not sm.generalized:
        return [level1_row(sm)]
    return [response_row(sm, sm.random_coefficients()), level1_row(sm)]


def node_rows(sm: SymbolicModel, level: int) -> list[Row]:
    """Equations of level ``level`` (≥ 2): one per coefficient of level - 1."""
    rows = []
    for node in sm.level_nodes(level - 1):
        terms = [coef_times(sym, sm.atoms_expr(part.atoms)) for sym, part in node.children]
        terms += [coef_times(r.symbol, sm.atoms_expr(r.upper) if r.upper else None)
                  for r in node.random]
        rows.append(Row(equation(node.symbol, terms), name=f"level{level}"))
    return rows


def build(sm: SymbolicModel) -> Document:
    blocks = [Block("Level 1" if sm.nlevels > 1 else "", level1_rows(sm))]
    for level in range(2, sm.nlevels + 1):
        blocks.append(Block(f"Level {level}", node_rows(sm, level)))
    if not sm.opts.equations_only:
        blocks.append(Block("", distribution_block(sm).rows))
        blocks.append(Block("", [], index_sentences(sm)))
    return Document("multilevel", blocks, sm.notes())
