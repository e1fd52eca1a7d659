"""Pieces several forms share: distributions, index sentences, sums."""
from __future__ import annotations

from mixeq.equations.symbolic import Covariance, SymbolicModel
from mixeq.equations.words import join_names
from mixeq.equations.tree import (Block, Call, Dots, Matrix, Num, Relation, Row, Sentence,
                                  Seq, Sym, add, mul)


def residual_row(sm: SymbolicModel, name="residual") -> Row:
    return Row(Relation(sm.residual(), "~", Call("N", (Num(0), sm.sigma2()))), name=name)


def covariance_rows(sm: SymbolicModel, cov: Covariance, z_order: bool = False) -> list[Row]:
    """(U_0j, U_1j)' ~ N(0, T) and T written out, in coefficient order (β_0j's effect
    first) unless ``z_order`` (the matrix form, where b_j follows Z_j's columns)."""
    order = list(range(len(cov.effects)))
    if not z_order:
        order.sort(key=lambda k: (cov.effects[k].path, cov.effects[k].term))
    effects = [cov.effects[k].symbol for k in order]
    matrix = [[cov.matrix[a][b] for b in order] for a in order]
    if len(effects) == 1:
        return [Row(Relation(effects[0], "~", Call("N", (Num(0), matrix[0][0]))),
                    name=f"random:{cov.group}")]
    vec = Matrix(tuple((e,) for e in effects), paren=True)
    zeros = Matrix(tuple((Num(0),) for _ in effects), paren=True)
    return [Row(Relation(vec, "~", Call("N", (zeros, cov.symbol))), name=f"random:{cov.group}"),
            Row(Relation(cov.symbol, "=", Matrix(tuple(tuple(r) for r in matrix))),
                name=f"cov:{cov.group}")]


def distribution_block(sm: SymbolicModel, title="Distributions") -> Block:
    rows = [residual_row(sm)]
    for cov in sm.covariances:
        rows.extend(covariance_rows(sm, cov))
    return Block(title, rows)


def index_range(letter: str, count) -> Relation:
    """``j = 1, …, J``."""
    return Relation(Sym(letter), "=", Seq((Num(1), Dots("l"), count)))


def factor_words(g) -> tuple:
    """The factor in a sentence: ``school``, or ``cluster j`` when it is unnamed."""
    return (g.name,) if g.named else (f"{g.noun} ", Sym(g.letter))


def index_sentences(sm: SymbolicModel) -> list[Sentence]:
    i = Sym(sm.obs_letter)
    if not sm.groups:
        return [Sentence((index_range(sm.obs_letter, Sym("n")), ": observations"))]
    out = []
    finest = sm.groups_at(2)
    if len(finest) == 1:  # i = 1, …, n_j: observation within school j
        g = finest[0]
        out.append(Sentence((index_range(sm.obs_letter, Sym("n", sm.upper_tokens(1))),
                             f": observation within {g.noun} ", Sym(g.letter))))
    else:
        out.append(Sentence((i, ": observation within ", *_joined(finest))))
    for g in sm.groups.values():
        parts = [index_range(g.letter, g.count), ": ", *factor_words(g)]
        if g.nlevels:
            parts += [" (", Relation(g.count, "=", Num(g.nlevels)), ")"]
        if len(sm.groups) > 1 and g.nested_in:
            parts.append(", nested in " + join_names(g.nested_in))
        out.append(Sentence(tuple(parts)))
    return out


def _joined(groups) -> list:
    """``plate and sample`` (as :func:`join_names`), unnamed factors as ``cluster j``."""
    out = []
    for k, g in enumerate(groups):
        out += [", " if 0 < k < len(groups) - 1 else " and " if k else "", *factor_words(g)]
    return out


def for_clusters(g) -> Sentence:
    """``for school j = 1, …, J``; ``for j = 1, …, J`` when the factor is unnamed
    (the reader would take *cluster* for the factor's name)."""
    return Sentence(((f"for {g.name} " if g.named else "for "), index_range(g.letter, g.count)))


def coef_times(coef, part_expr):
    return coef if part_expr is None else mul(coef, part_expr)


def equation(lhs, terms) -> Relation:
    return Relation(lhs, "=", add(*terms))

