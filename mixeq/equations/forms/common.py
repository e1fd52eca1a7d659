"""Pieces several forms share: distributions, index sentences, sums."""
from __future__ import annotations

from mixeq.equations.symbolic import Covariance, SymbolicModel
from mixeq.equations.words import join_names
from mixeq.equations.tree import (Block, Call, Dots, Matrix, Num, Relation, Row, Sentence,
                                  Seq, Sym, add, mul)


def residual_row(sm: SymbolicModel, name="residual") -> Row:
    return Row(Relation(sm.residual(), "~", Call("N", (Num(0), sm.residual_variance()))),
               name=name)


def response_row(sm: SymbolicModel, given=(), row=None, tokens=None) -> Row:
    """A GLMM's level 1: ``y_ij | … ~ Bernoulli(p_ij)`` (no ε: the distribution is the
    level-1 randomness)."""
    return Row(Relation(*_parts(sm.distribution(row, given, tokens))), name="response")


def _parts(rel: Relation) -> tuple:
    return rel.lhs, rel.rel, rel.rhs


def linear_predictor_row(sm: SymbolicModel, terms, name: str, row=None, eta=True) -> Row:
    """``logit(p_ij) = η_ij = offsets + terms`` (``= η_ij`` left out when not ``eta``);
    for a linear mixed model ``y_ij = offsets + terms + ε_ij``."""
    offsets = sm.offset_terms(row)
    if not sm.generalized:
        return Row(equation(sm.response(row), [*offsets, *terms, sm.residual(row)]), name=name)
    lhs = sm.link(sm.mean(row))
    if eta:
        lhs = Relation(lhs, "=", sm.eta(row))
    return Row(equation(lhs, [*offsets, *terms]), name=name)


def covariance_rows(sm: SymbolicModel, cov: Covariance, z_order: bool = False) -> list[Row]:
    """(U_0j, U_1j)' ~ N(0, T) and T written out, in coefficient order (β_0j's effect
    first) unless ``z_order`` (the matrix form, where b_j follows Z_j's columns)."""
    order = list(range(len(cov.effects)))
    if not z_order:
        order.sort(key=lambda k: (cov.effects[k].sub or cov.effects[k].path, cov.effects[k].term))
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


def distribution_block(sm: SymbolicModel, title="Distributions", given=None) -> Block:
    """ε_ij ~ N(0, σ²) (a GLMM: y's distribution given ``given``, when not None) and
    each grouping factor's random effects ~ N(0, T)."""
    if sm.generalized:
        rows = [response_row(sm, given)] if given is not None else []
    else:
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
    return _index_sentences(sm) + glm_sentences(sm)


def _index_sentences(sm: SymbolicModel) -> list[Sentence]:
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


def glm_sentences(sm: SymbolicModel) -> list[Sentence]:
    """What a GLMM's symbols that are no column stand for: the trials s + f of
    ``cbind(s, f)``, prior weights or an offset given as numbers."""
    out = []
    glm = sm.glm
    if glm.distribution == "Binomial" and sm.trials().base == "n":
        s, f = glm.trials[1], glm.trials[2]
        out.append(Sentence((Relation(sm.trials(), "=", add(
            Sym(s, sm.obs_tokens(), kind="var"), Sym(f, sm.obs_tokens(), kind="var"))),
            f": the number of trials of cbind({s}, {f})",)))
    model = sm.info.model
    if model is not None and getattr(model, "offset_name", None) == "offset" \
            and "offset" not in model.data.columns:
        out.append(Sentence((Sym("offset", sm.obs_tokens(), kind="var"),
                             ": the offset= values given (coefficient 1)",)))
    if glm.weights:
        given = model is not None and getattr(model, "weights_name", None) == "w" \
            and "w" not in model.data.columns
        w = Sym(sm.opts.names.get(glm.weights, glm.weights), sm.obs_tokens(), kind="var")
        what = ": the prior weights= values given" if given else ": the prior weights"
        how = (": the variance of the residual is σ² divided by them" if not sm.generalized
               else ": each row's log-likelihood is multiplied by them (lme4's weights=)")
        out.append(Sentence((w, what + how,)))
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

