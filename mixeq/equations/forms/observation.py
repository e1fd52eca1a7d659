"""One observation written out term by term: y_1j = 1·γ_00 + x_1j·γ_10 + … + ε_1j."""
from __future__ import annotations

import numpy as np

from mixeq.equations.forms.matrix import cluster_numbers
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Block, Document, Mul, Num, Relation, Row, Sentence, add


def observation_relation(sm: SymbolicModel, row):
    """Row ``row`` of X_j β + Z_j b_j + ε_j, in X's and Z's column order."""
    row = str(row)
    terms = [Mul((sm.atoms_expr(f.atoms, row) or Num(1), f.symbol), dot=True) for f in sm.fixed]
    terms += [Mul((sm.atoms_expr(r.atoms, row) or Num(1), r.symbol), dot=True)
              for r in sm.random]
    return _relation(sm, row, sm.offset_terms(row), terms)


def _relation(sm: SymbolicModel, row: str, offsets: list, terms: list) -> Relation:
    """y_1j = offsets + terms + ε_1j; a GLMM's g(p_1j) = offsets + terms."""
    if sm.generalized:
        return Relation(sm.link(sm.mean(row)), "=", add(*offsets, *terms))
    return Relation(sm.response(row), "=", add(*offsets, *terms, sm.residual(row)))


def numeric_relation(sm: SymbolicModel, data: dict, row: int):
    """The same row with the cluster's numbers in place of the predictors."""
    r = data["rows"][row - 1]
    model = sm.info.model
    digits = sm.opts.digits
    xs = model.X.iloc[r]
    terms = [Mul((Num(float(xs[f.column]), digits), f.symbol), dot=True) for f in sm.fixed]
    for eff in sm.random:
        term = model.terms[eff.term]
        value = float(term.matrix[r, term.columns.index(eff.column)])
        terms.append(Mul((Num(value, digits), eff.symbol), dot=True))
    offsets = [Num(float(model.offset[r]), digits)] if sm.glm.offsets else []
    if sm.generalized:
        return _relation(sm, str(row), offsets, terms)
    terms.append(sm.residual(str(row)))
    return Relation(Num(float(model.y.iloc[r]), digits), "=", add(*offsets, *terms))


def build(sm: SymbolicModel) -> Document:
    row = sm.opts.row
    rows = [Row(observation_relation(sm, row), name="observation")]
    sentences = [Sentence(row_sentence(sm, row))]
    if sm.opts.cluster is not None and sm.crossed:
        from mixeq.errors import RenderError

        raise RenderError("cluster= shows one cluster's numbers, but the grouping factors "
                          "are crossed; drop cluster= (row= picks the row) or use "
                          "form='stacked'")
    _check_row(sm, row)
    if sm.opts.cluster is not None and isinstance(row, int):
        data = cluster_numbers(sm)
        if not 1 <= row <= len(data["rows"]):
            from mixeq.errors import RenderError

            raise RenderError(f"row={row}: cluster {sm.opts.cluster} has "
                              f"{len(data['rows'])} rows")
        rows.append(Row(numeric_relation(sm, data, row), name="numbers"))
        group = sm.opts.group or min(sm.groups.values(), key=lambda g: g.level).name
        sentences.append(Sentence((f"{group} = {sm.opts.cluster}: row {row} of its "
                                   f"{len(data['rows'])} rows, with its numbers.",)))
    return Document("observation", [Block("", rows), Block("", [], sentences)], sm.notes())


def _check_row(sm: SymbolicModel, row) -> None:
    """With data, a row beyond the largest cluster is no row of any cluster."""
    model = getattr(sm.info, "model", None)
    if not isinstance(row, int) or model is None or sm.opts.cluster is not None:
        return
    finest = [g for g in model.groups.values() if g.level == 2]
    largest = model.nobs if sm.crossed or not finest else max(
        int(np.bincount(g.codes).max()) for g in finest)
    if row > largest:
        from mixeq.errors import RenderError

        raise RenderError(f"row={row}: no cluster has that many rows (the largest has "
                          f"{largest}); give a row from 1 to {largest}")


def row_sentence(sm: SymbolicModel, row) -> tuple:
    """In the matrix form's names (the stacked form's for crossed factors)."""
    from mixeq.equations.forms.matrix import names

    tokens = () if sm.crossed else sm.upper_tokens(1)
    M = sm.matrices
    X, beta = M.X(tokens), M.beta
    out = (f"Row {row} of ", X, " times ", beta)
    if sm.glm.offsets:
        out = ("The offset, plus r" + out[0][1:],) + out[1:]
    end = (", plus the residual.",) if not sm.generalized else (
        ": the link of the mean of ", sm.response(str(row)), " given the random effects "
        "(a GLMM has no residual).",)
    if not sm.random:
        return out + end
    pairs = [(M.Z(), M.b())] if sm.crossed else [(Z, b) for _, Z, b in names(sm)["zb"]]
    for Z, b in pairs:
        out += (f", plus row {row} of ", Z, " times ", b)
    return out + end
