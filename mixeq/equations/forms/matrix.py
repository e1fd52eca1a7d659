"""One cluster in matrix form: Y_j = X_j β + Z_j b_j + ε_j, written out."""
from __future__ import annotations

import numpy as np

from mixeq.equations.forms.common import covariance_rows, response_row
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import (Block, Call, Document, Dots, Matrix, Num, Pow, Relation,
                                  Row, Sentence, add, column, mul)
from mixeq.equations.words import join_names
from mixeq.errors import RenderError


def check_applies(sm: SymbolicModel):
    if sm.crossed:
        lev = next(lev for lev in range(2, sm.nlevels + 1) if len(sm.groups_at(lev)) > 1)
        names = join_names(g.name for g in sm.groups_at(lev))
        raise RenderError(f"form='matrix' writes one cluster's matrices, but {names} are "
                          "crossed: a cluster of one factor meets many levels of the other. "
                          "Use form='stacked' (y = Xβ + Zb + ε over all clusters).")


def cluster_tokens(sm: SymbolicModel) -> tuple:
    return sm.upper_tokens(1)


def last_row(sm: SymbolicModel):
    return sm.matrices.rows(cluster_tokens(sm))


def row_labels(sm: SymbolicModel) -> list:
    return ["1", "2", None, last_row(sm)]


def x_entry(sm: SymbolicModel, f, row):
    return sm.atoms_expr(f.atoms, row) or Num(1)


def z_effects(sm: SymbolicModel) -> list[list]:
    """Random effects by grouping factor, finest first (each gets Z and b)."""
    return [[r for r in sm.random if r.group == g.name]
            for g in sorted(sm.groups.values(), key=lambda g: g.level)
            if any(r.group == g.name for r in sm.random)]


def symbolic_rows(sm: SymbolicModel, make) -> tuple:
    rows = []
    for label in row_labels(sm):
        rows.append(None if label is None else make(label))
    width = max(len(r) for r in rows if r is not None)
    return tuple(tuple(Dots("v") for _ in range(width)) if r is None else tuple(r)
                 for r in rows)


def names(sm: SymbolicModel):
    tokens = cluster_tokens(sm)
    groups = z_effects(sm)
    several = len(groups) > 1

    M = sm.matrices

    def zb(effects):
        g = sm.groups[effects[0].group]
        sup = f"({g.level})" if several else None
        return M.Z(tokens, sup), M.b(g.tokens, sup)

    return {"Y": M.y(tokens), "X": M.X(tokens), "beta": M.beta, "eps": M.eps(tokens),
            "o": M.offset(tokens),
            "zb": [(effects, *zb(effects)) for effects in groups]}


def build(sm: SymbolicModel) -> Document:
    check_applies(sm)
    n = names(sm)
    offset = [n["o"]] if sm.glm.offsets else []
    rhs = offset + ([mul(n["X"], n["beta"])] if sm.fixed else []) + \
        [mul(Z, b) for _, Z, b in n["zb"]]
    if sm.generalized:  # g(E[Y_j | b_j]) = X_j β + Z_j b_j: no ε_j
        given = [b for _, _, b in n["zb"]]
        mean = sm.vector_mean(n["Y"], given, cluster_tokens(sm))
        rows = [Row(Relation(sm.link(mean), "=", add(*rhs)), name="matrix")]
    else:
        rows = [Row(Relation(n["Y"], "=", add(*rhs, n["eps"])), name="matrix")]
    data = cluster_numbers(sm) if sm.opts.cluster is not None else None
    rows += definition_rows(sm, n, data)
    if sm.generalized:
        dist = [response_row(sm, [b for _, _, b in n["zb"]])]
    else:
        dist = [Row(Relation(n["eps"], "~", Call("N", (Num(0), _eps_variance(sm)))),
                    name="residual")]
    for effects, _, b in n["zb"]:
        cov = next(c for c in sm.covariances if c.group == effects[0].group)
        if len(effects) == 1:
            dist.append(Row(Relation(b, "~", Call("N", (Num(0), cov.matrix[0][0])))))
        else:
            dist.extend(covariance_rows(sm, cov, z_order=True)[1:])
            dist.insert(1, Row(Relation(b, "~", Call("N", (Num(0), cov.symbol)))))
    blocks = [Block("", rows), Block("", dist)]
    sentences = ([data["sentence"]] if data is not None else []) + elided_sentences(sm, n)
    if sm.generalized:
        sentences.insert(0, _elementwise(sm))
    if sentences:
        blocks.append(Block("", [], sentences))
    return Document("matrix", blocks, sm.notes())


def identity(sm: SymbolicModel):
    return sm.matrices.identity(last_row(sm))


def _eps_variance(sm: SymbolicModel):
    """σ² I_{n_j}, or σ² W_j⁻¹ with prior weights (W_j = diag(w_1j, …))."""
    if not sm.glm.weights:
        return mul(sm.sigma2(), identity(sm))
    return mul(sm.sigma2(), Pow(sm.matrices.W(cluster_tokens(sm)), Num(-1)))


def _elementwise(sm: SymbolicModel) -> Sentence:
    """What g(E[Y_j | b_j]) (a Binomial's g(p_j)) means: the link of each row's mean."""
    tokens = cluster_tokens(sm)
    parts = ["The link applies to each row: ", sm.mean_relation([sm.matrices.b(tokens)])]
    if sm.glm.distribution == "Binomial":  # p_j: the success probabilities
        parts += [", with ", sm.vector_mean(None, (), tokens), " the vector of the ", sm.mean()]
    return Sentence((*parts, "; ", Relation(sm.link(sm.mean()), "=", sm.eta()),
                     ", and the rows are independent given the random effects; there is no "
                     "residual ", sm.residual(), " (the distribution of y is the level-1 "
                     "randomness)."))



def definition_rows(sm: SymbolicModel, n, data) -> list[Row]:
    if data is None:
        y = symbolic_rows(sm, lambda r: [sm.response(r)])
        X = symbolic_rows(sm, lambda r: [x_entry(sm, f, r) for f in sm.fixed])
        eps = symbolic_rows(sm, lambda r: [sm.residual(r)])
    else:
        y, X = data["y"], data["X"]
        eps = data["eps"]
    rows = [Row(Relation(n["Y"], "=", Matrix(y, name="Y")), name="Y")]
    if sm.glm.offsets:
        off = data["offset"] if data is not None else symbolic_rows(
            sm, lambda r: [add(*sm.offset_terms(r))])
        rows.append(Row(Relation(n["o"], "=", Matrix(off, name="offset")), name="offset"))
    if sm.fixed:
        cols = shown_columns(len(sm.fixed), sm.opts.max_cols)
        rows += [Row(Relation(n["X"], "=", Matrix(elide(X, cols), name="X")), name="X"),
                 Row(Relation(n["beta"], "=", column(*elide_vector(
                     [f.symbol for f in sm.fixed], cols), name="beta")), name="beta")]
    for k, (effects, Z, b) in enumerate(n["zb"]):
        if data is None:
            zrows = symbolic_rows(sm, lambda r, e=effects: [
                sm.atoms_expr(x.atoms, r) or Num(1) for x in e])
        else:
            zrows = data["Z"][k]
        cols = shown_columns(len(effects), sm.opts.max_cols)
        rows.append(Row(Relation(Z, "=", Matrix(elide(zrows, cols), name=f"Z{k}")),
                        name=f"Z{k}"))
        rows.append(Row(Relation(b, "=", column(*elide_vector([r.symbol for r in effects], cols),
                                                name=f"b{k}")), name=f"b{k}"))
    if not sm.generalized:
        rows.append(Row(Relation(n["eps"], "=", Matrix(eps, name="eps")), name="eps"))
    return rows


def shown_columns(p: int, max_cols: int) -> list:
    """Positions of the columns shown, ``None`` for a ⋯ column: all of them, or,
    past ``max_cols`` (0: no limit), the first ones and the last two."""
    if not max_cols or p <= max(max_cols, 4):
        return list(range(p))
    head = max(max_cols, 4) - 3
    return [*range(head), None, p - 2, p - 1]


def elide(rows: tuple, cols: list) -> tuple:
    out = []
    for row in rows:
        if all(isinstance(e, Dots) for e in row):  # the ⋮ row
            out.append(tuple(Dots("v") if c is not None else Dots("d") for c in cols))
        else:
            out.append(tuple(row[c] if c is not None else Dots("h") for c in cols))
    return tuple(out)


def elide_vector(entries: list, cols: list) -> list:
    return [entries[c] if c is not None else Dots("v") for c in cols]


def elided_sentences(sm: SymbolicModel, n) -> list[Sentence]:
    out = []
    wide = [(n["X"], n["beta"], [f.column for f in sm.fixed])] if sm.fixed else []
    wide += [(Z, b, [e.column for e in effects]) for effects, Z, b in n["zb"]]
    for M, v, names in wide:
        cols = shown_columns(len(names), sm.opts.max_cols)
        if None in cols:
            first, last = cols[cols.index(None) - 1] + 1, cols[cols.index(None) + 1] - 1
            out.append(Sentence((M, f" has {len(names)} columns: columns {first + 1}–{last + 1} "
                                 f"({hidden_names(names[first:last + 1])}) and the matching "
                                 "entries of ", v, " are not shown; max_cols=0 shows them all.")))
    return out


def hidden_names(names: list, most: int = 4) -> str:
    """The columns a wide matrix leaves out, by name: all of them, or the first ones, …
    and the last."""
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join([*names[:most - 1], "…", names[-1]])


# -- the numbers of one cluster -------------------------------------------------------
def cluster_numbers(sm: SymbolicModel) -> dict:
    model = sm.info.model
    if model is None:
        raise RenderError("cluster= needs data: pass a mixeq.Model (or --data) to show "
                          "a cluster's numbers; without data, drop cluster= and "
                          "the form writes the symbols")
    finest = sorted(sm.groups.values(), key=lambda g: g.level)
    if not finest:
        raise RenderError("cluster= needs a grouping factor, and this model has none (a "
                          "linear model): drop cluster=, form='matrix' writes y = Xβ + ε")
    group = sm.opts.group or finest[0].name
    if group in sm.groups and sm.groups[group].level != 2:
        raise RenderError(f"cluster= shows one cluster of the finest grouping factor "
                          f"({finest[0].name}), not of {group}: pass a level of "
                          f"{finest[0].name} as cluster= (with group={finest[0].name!r}), "
                          "or use form='stacked' for all clusters at once")
    label = str(sm.opts.cluster)
    rows = cluster_rows(model, group, label)  # the rows Model.cluster(label, group) holds
    take = shown_rows(len(rows), sm.opts.max_rows)
    X = model.X.iloc[rows]
    y = response_values(sm).iloc[rows]
    digits = sm.opts.digits
    Xv = numeric_rows(X.to_numpy(dtype=float), take, digits)
    yv = numeric_rows(y.to_numpy(dtype=float)[:, None], take, digits)
    Zs = []
    for effects in z_effects(sm):
        cols = []
        for r in effects:
            term = model.terms[r.term]
            cols.append(term.matrix[rows, term.columns.index(r.column)])
        Zs.append(numeric_rows(np.column_stack(cols), take, digits))
    sentence = Sentence((f"{group} = {label}: ", sm.matrices.rows(cluster_tokens(sm)),
                         f" = {len(rows)} rows" + shown_text(take, len(rows))))
    eps = numeric_rows(np.zeros((len(rows), 1)), take, digits)
    eps = tuple(r if isinstance(r[0], Dots) else (sm.residual(str(take[k] + 1)),)
                for k, r in zip(_row_positions(eps), eps))
    off = None
    if sm.glm.offsets:
        off = numeric_rows(np.asarray(model.offset, dtype=float)[rows][:, None], take, digits)
    return {"y": yv, "X": Xv, "Z": Zs, "eps": eps, "sentence": sentence, "rows": rows,
            "offset": off}


def response_values(sm: SymbolicModel):
    """The response as the equations name it: a cbind(s, f) response's successes s, or
    s of s/n with the trials n as weights (the model's y is the proportion)."""
    model = sm.info.model
    trials = sm.glm.trials
    if trials and trials[0] == "cbind" and model.trials is not None:
        return (model.y * np.asarray(model.trials, dtype=float)).round(9)
    if trials and trials[0] == "weights" and trials[2] and model.weights is not None:
        return (model.y * np.asarray(model.weights, dtype=float)).round(9)
    return model.y


def _row_positions(rows: tuple) -> list[int]:
    """Index into ``take`` of each displayed row (dots rows keep the previous index)."""
    out, k = [], -1
    for r in rows:
        if not isinstance(r[0], Dots):
            k += 1
        out.append(max(k, 0))
    return out


def cluster_rows(model, group: str, label: str) -> np.ndarray:
    term = next((t for t in model.terms if t.group == group), None)
    if term is None:
        raise RenderError(f"group={group!r} is not a grouping factor of the model; "
                          f"choose one of {sorted({t.group for t in model.terms})}")
    levels = [str(v) for v in term.levels]
    if label not in levels:
        near = ", ".join(levels[:5])
        raise RenderError(f"cluster={label!r} is not a level of {group}; its levels "
                          f"include {near}")
    return np.flatnonzero(term.codes == levels.index(label))


def shown_text(take: list[int], n: int) -> str:
    if len(take) == n:
        return ""
    head = len(take) // 2
    return f", rows 1–{head} and {take[head] + 1}–{n} shown"


def shown_rows(n: int, max_rows: int) -> list[int]:
    """The rows shown: all when ``max_rows`` is 0 (or the cluster is short), else the
    first ⌊max_rows/2⌋ and the last ⌈max_rows/2⌉."""
    if not max_rows or n <= max_rows:
        return list(range(n))
    head = max_rows // 2
    tail = max_rows - head
    return list(range(head)) + list(range(n - tail, n))


def numeric_rows(values: np.ndarray, take: list[int], digits: int) -> tuple:
    out = []
    for k, r in enumerate(take):
        if k and r != take[k - 1] + 1:
            out.append(tuple(Dots("v") for _ in range(values.shape[1])))
        out.append(tuple(Num(float(v), digits) for v in values[r]))
    return tuple(out)
