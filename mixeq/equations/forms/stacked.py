"""All clusters stacked: y = Xβ + Zb + ε, G, the marginal model and lme4's Λ_θ."""
from __future__ import annotations

from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.words import count as count_words
from mixeq.equations.forms.common import response_row
from mixeq.equations.tree import (Block, Call, Document, Dots, Kron, Matrix, Num, Pow,
                                  Relation, Row, Sentence, Sym, Transpose, add,
                                  column, mul)


def term_groups(sm: SymbolicModel) -> list[tuple[int, list]]:
    """(term index, its random effects) in Z's order."""
    out: dict[int, list] = {}
    for r in sm.random:
        out.setdefault(r.term, []).append(r)
    return list(out.items())


def block_diag(blocks_for, count) -> Matrix:
    """diag(B_1, …, B_J) drawn with dots."""
    zero = Num(0)
    first, second, last = blocks_for("1"), blocks_for("2"), blocks_for(count)
    return Matrix(((first, zero, Dots("h"), zero),
                   (zero, second, Dots("h"), zero),
                   (Dots("v"), Dots("v"), Dots("d"), Dots("v")),
                   (zero, zero, Dots("h"), last)))


def build(sm: SymbolicModel) -> Document:
    M = sm.matrices
    y, X, b, Z, beta, eps = M.y(), M.X(), M.b(), M.Z(), M.beta, M.eps()
    I_n = M.identity(M.n)
    sigma2 = sm.sigma2()
    if not sm.random and sm.generalized:  # a GLM: g(E[y]) = o + Xβ, y_i ~ Bernoulli(p_i)
        o = M.offset() if sm.glm.offsets else None
        rows = [Row(Relation(sm.link(sm.vector_mean(y)), "=", add(o, mul(X, beta))),
                    name="stacked"),
                response_row(sm, tokens=(sm.obs_letter,))]
        return Document("stacked", [Block("", rows), Block("", [], dims(sm))], sm.notes())
    if not sm.random:
        rows = [Row(Relation(y, "=", add(mul(X, beta), eps)), name="stacked"),
                Row(Relation(eps, "~", Call("N", (Num(0), mul(sigma2, I_n))))),
                Row(Relation(y, "~", Call("N", (mul(X, beta), mul(sigma2, I_n)))),
                    name="marginal")]
        return Document("stacked", [Block("", rows), Block("", [], dims(sm))], sm.notes())
    terms = term_groups(sm)
    several = len(terms) > 1
    Xb = mul(X, beta) if sm.fixed else None
    o = M.offset() if sm.glm.offsets else None
    if sm.generalized:  # g(E[y | b]) = Xβ + Zb: no ε
        lhs = sm.link(sm.vector_mean(y, [b]))
        rows = [Row(Relation(lhs, "=", add(o, Xb, mul(Z, b))), name="stacked")]
    else:
        rows = [Row(Relation(y, "=", add(o, Xb, mul(Z, b), eps)), name="stacked")]
    zparts, bparts, gparts, lparts = [], [], [], []
    for pos, (t, effects) in enumerate(terms):
        g = sm.groups[effects[0].group]
        tag = f"({pos + 1})" if several else None
        zparts.append(M.Z((), tag))
        bparts.append(Transpose(M.b((), tag)) if several else None)
        gparts.append(_per_level(M, term_cov(sm, effects), g.count))
        lparts.append(_per_level(M, lambda_block(sm, t), g.count))
        rows += _term_rows(M, g, effects, tag, pos, sm.crossed)
    if several:
        rows.insert(1, Row(Relation(Z, "=", Matrix((tuple(zparts),))), name="Z"))
        rows.insert(2, Row(Relation(b, "=", Transpose(Matrix((tuple(bparts),), paren=True))),
                           name="b"))
    G = M.G
    dist = [Row(Relation(b, "~", Call("N", (Num(0), G))), name="b~"),
            Row(Relation(G, "=", gparts[0] if not several else diag(gparts)), name="G")]
    W = mul(sigma2, I_n) if not sm.glm.weights else mul(sigma2, Pow(M.W(), Num(-1)))
    if sm.generalized:
        dist.append(response_row(sm, [b], tokens=(sm.obs_letter,)))
    else:
        dist += [Row(Relation(eps, "~", Call("N", (Num(0), W))), name="residual"),
                 Row(Relation(y, "~", Call("N", (add(o, Xb) if o or Xb else Num(0),
                                                 add(mul(Z, G, Transpose(Z)), W)))),
                     name="marginal")]
    Lam, u = M.Lambda, M.u
    scale = sigma2 if sm.glm.has_scale else None  # binomial, Poisson: σ = 1
    lme4 = [Row(Relation(b, "=", mul(Lam, u)), name="lme4"),
            Row(Relation(u, "~", Call("N", (Num(0), mul(scale, M.identity(M.q)))))),
            Row(Relation(Lam, "=", lparts[0] if not several else diag(lparts)), name="Lambda"),
            Row(Relation(G, "=", mul(scale, Lam, Transpose(Lam))))]
    blocks = [Block("", rows), Block("", dist), Block("lme4", lme4),
              Block("", [], (marginal_sentences(sm) if sm.generalized else []) + dims(sm))]
    return Document("stacked", blocks, sm.notes())


def marginal_sentences(sm: SymbolicModel) -> list[Sentence]:
    """A GLMM's marginal distribution is an integral over b with no closed form
    (Bates et al. 2015 §5; lme4's glmer approximates it)."""
    M = sm.matrices
    y, b, G = M.y(), M.b(), M.G
    out = []
    if sm.glm.distribution == "Binomial":
        i = (sm.obs_letter,)
        out.append(Sentence((sm.vector_mean(None), ": the vector of the success probabilities ",
                             sm.mean(tokens=i), ", with ", Relation(
                                 sm.expectation(sm.response(tokens=i), [b]), "=",
                                 mul(sm.trials(tokens=i), sm.mean(tokens=i))), ".")))
    return out + [Sentence(("The rows are independent given ", b, ". The marginal distribution of ",
                      y, " (the integral over ", b, " of ", Call("f", (Relation(y, "|", b),)),
                      " times the ", Call("N", (Num(0), G)), " density of ", b,
                      ") has no closed form: lme4's glmer (and mixeq) approximate the "
                      "integral by the Laplace approximation (nAGQ = 1) or adaptive "
                      "Gauss–Hermite quadrature (nAGQ > 1)."))]


def _per_level(M, block, count: Sym):
    """A term's block repeated for each of the J levels: ``I_J ⊗ T``, or ``τ² I_J``."""
    I_J = M.identity(count)
    return Kron(I_J, block) if isinstance(block, Matrix) else mul(block, I_J)


def _term_rows(M, g, effects: list, tag, pos: int, crossed: bool = False) -> list[Row]:
    """A term's Z and its b, one block of columns per level of its factor. One factor
    (or nested ones): block-diagonal when the rows are sorted by cluster. Crossed
    factors: a cluster's rows are spread over the data, so the block is an indicator
    pattern [Z_1 Z_2 … Z_J], not block-diagonal."""
    count = g.count
    what = ", ".join(r.column for r in effects)
    if crossed:
        blocks = Matrix(((M.Z(("1",), tag), M.Z(("2",), tag), Dots("h"), M.Z((count,), tag)),))
        remark = Sentence((f"one block of columns per level of {g.name} (columns {what}): ",
                           M.Z((Sym(g.letter),), tag), f" holds them on the rows of "
                           f"{g.name} ", Sym(g.letter), " and 0 on all other rows — an indicator "
                           f"pattern, not block-diagonal, since {g.name} is crossed with "
                           "another factor"))
    else:
        blocks = block_diag(lambda lev: M.Z((lev,), tag), count)
        remark = Sentence((f"one block per level of {g.name}: columns {what}; drawn with the "
                           f"rows sorted by {g.name} (m.Z keeps the data's row order: it is "
                           f"block-diagonal only when the data are sorted by {g.name})",))
    bvec = column(M.b(("1",), tag), M.b(("2",), tag), Dots("v"), M.b((count,), tag))
    b_j = column(*(r.symbol for r in effects)) if len(effects) > 1 else effects[0].symbol
    return [Row(Relation(M.Z((), tag), "=", blocks), name=f"Z{pos}", remark=remark),
            Row(Relation(M.b((), tag), "=", bvec), name=f"b{pos}",
                remark=Sentence(("with ", Relation(M.b((Sym(g.letter),), tag), "=", b_j))))]


def diag(parts) -> Call:
    return Call("diag", tuple(parts))


def term_cov(sm: SymbolicModel, effects):
    cov = next(c for c in sm.covariances if c.group == effects[0].group)
    pos = [cov.effects.index(r) for r in effects]
    sub = [[cov.matrix[a][b] for b in pos] for a in pos]
    return sub[0][0] if len(sub) == 1 else Matrix(tuple(tuple(r) for r in sub))


def lambda_block(sm: SymbolicModel, term: int):
    """lme4's lower-triangular relative covariance factor of one term (the symbolic
    model's θ, column by column)."""
    cells = sm.theta_blocks[term]
    return cells[0][0] if len(cells) == 1 else Matrix(tuple(tuple(r) for r in cells))


def dims(sm: SymbolicModel) -> list[Sentence]:
    return _offset_sentences(sm) + _dims(sm)


def _offset_sentences(sm: SymbolicModel) -> list[Sentence]:
    """What o stands for: the offsets of each row, added with coefficient 1."""
    if not sm.glm.offsets:
        return []
    o = sm.matrices.offset()
    return [Sentence((o, ": the offset of each row, ", *sm.offset_terms(),
                      " (coefficient 1)"))] if len(sm.glm.offsets) == 1 else \
        [Sentence((o, ": the sum of the offsets of each row (coefficient 1)",))]


def _dims(sm: SymbolicModel) -> list[Sentence]:
    M = sm.matrices
    p = len(sm.fixed)
    columns = ", ".join(f.column for f in sm.fixed)
    out = [Sentence((M.X(), ": ", M.n, f" × {p}, one column per fixed coefficient "
                     f"({columns})",))] if p else \
        [Sentence(("No fixed effects: the model has no ", mul(M.X(), M.beta),
                   " term."))]
    model = sm.info.model
    if model is not None:
        out.append(Sentence((M.n, f" = {model.nobs} observations",)))
    for t, effects in term_groups(sm):
        g = sm.groups[effects[0].group]
        k = len(effects)
        size = (f"{g.nlevels} × {k} = {g.nlevels * k}",) if g.nlevels else (g.count, f" × {k}")
        count = f" = {g.nlevels}" if g.nlevels else ""
        out.append(Sentence((f"term {sm.info.terms[t].spec.canonical()}: ", g.count,
                             f"{count} levels of {g.name}, {count_words(k, 'column')} each: ",
                             *size, " columns of ", M.Z())))
    if model is not None and sm.random:
        out.append(Sentence((M.q, f" = {sum(t.q for t in model.terms)} columns of ",
                             M.Z(), " in all")))
    return out
