"""After reading: what is wrong with a matrix form, column by column (X_j's column
against the model's X, Z_j's against the random effect it multiplies, β's entries
against the coefficients of X_j's columns), or a plain statement that Z_j is right and
why; the one-observation form's disagreement said in its own terms."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.matrix_form import Cell, Written
from mixeq.reader.syntax import symbols_of
from mixeq.reader.parser import ParseError
from mixeq.reader.symbols import ERROR, VAR, classify
from mixeq.reader.terms import expand


def _names(variables, factor_of: dict | None = None) -> frozenset:
    """Predictors as the formula's terms name them: x, I(x ** 2), log(w); a dummy as the
    factor the walk read it as (``factor_of``)."""
    factor_of = factor_of or {}
    return frozenset(factor_of.get(v.base, v.base) if v.power == 1
                     else f"I({v.base} ** {v.power})" for v in variables)


def variables(cell: Cell) -> frozenset:
    """The variable names of a cell (``W_{j} X_{1j}`` → {W, X}; ``1`` → {};
    ``log(w_{1j})`` → {log(w)})."""
    if cell.node is None:
        return frozenset()
    try:
        monomials = expand(cell.node)
    except (ParseError, RecursionError):
        monomials = []
    if len(monomials) != 1:
        return frozenset(classify(s).base for s in symbols_of(cell.node)
                         if classify(s).role == VAR)
    return _names(monomials[0].variables)


def _cols(cells: list[Cell], factor_of: dict) -> list[frozenset]:
    """Each column's variables, a factor's dummies (recipe_B, recipe_C) as the factor the
    walk read them as (``factor_of``: the level equations' reading, one for all forms)."""
    return [frozenset(factor_of.get(n, n) for n in variables(c)) for c in cells]


def _show(vars_: frozenset) -> str:
    return " × ".join(sorted(vars_)) if vars_ else "1"


def _model_x(spec) -> list[frozenset]:
    return ([frozenset()] if spec.intercept else []) + [frozenset(t.split(":")) for t in spec.fixed]


def _model_z(spec) -> list[tuple[frozenset, str]]:
    out = []
    for r in spec.random:
        cols = ([frozenset()] if r.intercept else []) + [frozenset(t.split(":")) for t in r.terms]
        out += [(c, r.canonical()) for c in cols]
    return out


def _fixed_and_random(w: Written) -> tuple:
    """(X_j with β, or None when the model has no fixed part; the Z_j, b_j pairs): X_j is
    the first product when its vector holds coefficients (γ, β), not random effects."""
    if not w.pairs:
        return None, []
    first = [_entry_role(e) for e in w.pairs[0][1]]
    if first and all(r == ERROR for r in first):
        return None, w.pairs
    return w.pairs[0], w.pairs[1:]


def _entry_role(entry: Cell) -> str | None:
    syms = symbols_of(entry.node)
    return classify(syms[0]).role if len(syms) == 1 else None


def column_remarks(w: Written, spec, factor_of: dict) -> list[str]:
    """What is wrong, column by column: X_j (the first product) against the model's X,
    Z_j (the next ones) against the random effects their vector lists."""
    out = []
    fixed, randoms = _fixed_and_random(w)
    if not w.pairs:
        return out
    X = fixed[0] if fixed else [[]]
    have, want = _cols(X[0], factor_of), _model_x(spec)
    for k, c in enumerate(have):
        if c not in want:
            out.append(f"column {k + 1} of X_j ({X[0][k]}) is no column of the model's X "
                       f"({', '.join(_show(v) for v in want)})")
    for c in want:
        if c not in have:
            out.append(f"X_j has no column {_show(c)}, which the level equations give a "
                       "fixed coefficient")
    expected = _model_z(spec)
    k0 = 0
    for cells, vec in randoms:
        for k, (col, cell, effect) in enumerate(zip(_cols(cells[0], factor_of), cells[0], vec)):
            if k0 + k >= len(expected):
                out.append(f"Z_j's column {k + 1} ({cell}) goes with {effect}, but the model has "
                           f"only {len(expected)} random effects")
                continue
            want_z, term = expected[k0 + k]
            if col != want_z:
                belongs = f"; {_show(col - want_z)} belongs only in X_j" if col - want_z else ""
                out.append(f"column {k + 1} of Z_j is {cell}, but the random effect {effect} "
                           f"multiplies {_show(want_z)} (the term {term}): write "
                           f"{_show(want_z)} there{belongs}")
        k0 += len(vec)
    if k0 != len(expected) and randoms:
        out.append(f"b_j lists {k0} random effects, the level equations have {len(expected)}")
    return out


def right_statement(w: Written) -> str:
    """Plain words when the matrix form agrees with the level equations."""
    fixed, randoms = _fixed_and_random(w)
    X, beta = fixed if fixed else ([[]], [])
    zcells = [c for cells, _ in randoms for c in cells[0]]
    zb = [e for _, vec in randoms for e in vec]
    text = (f"The matrix form (line {w.line}) is the model of the level equations: X_j's "
            f"columns ({', '.join(map(str, X[0]))}) go with β = ({', '.join(map(str, beta))}) "
            "in order")
    if zcells:
        text += (f", and Z_j = [{', '.join(map(str, zcells))}] with b_j = "
                 f"({', '.join(map(str, zb))}) is right: its columns are the columns of "
                 "X_j whose coefficients vary by cluster (each has a random effect in its "
                 "level-2 equation), which is why X's columns reappear in Z_j. Stacked over "
                 "all clusters, Z is block-diagonal when the rows are sorted by cluster")
    return text + "."


def meanings(doc) -> dict:
    """What each coefficient and random effect multiplies once the level equations are
    substituted into level 1: (name, numbers) → the variables' names."""
    defs = {eq.lhs.key: eq for eq in doc.definitions}
    out: dict = {}
    for eq in doc.level1_candidates:
        if not any(c.key in defs for m in eq.monomials for c in m.coefs):
            continue
        for m in eq.monomials:
            level1 = _names(m.variables, doc.factor_of)
            for c in m.coefs:
                inner = defs.get(c.key)
                if inner is None:
                    out[(c.base, "".join(c.numbers))] = level1
                    continue
                for d in inner.monomials:
                    for s in (*d.coefs, *d.errors):
                        out[(s.base, "".join(s.numbers))] = level1 | _names(d.variables,
                                                                               doc.factor_of)
    return out


def _entry_key(entry: Cell) -> tuple | None:
    syms = symbols_of(entry.node)
    if len(syms) != 1:
        return None
    info = classify(syms[0])
    return (info.base, "".join(info.numbers)) if info.numbers else None


def alignment_remarks(w: Written, meaning: dict, factor_of: dict) -> list[str]:
    """β's k-th entry must be the coefficient of X_j's k-th column (and b_j's of Z_j's):
    by the level equations, the coefficient multiplies those variables."""
    out = []
    fixed, _ = _fixed_and_random(w)
    for n, (cells, vec) in enumerate(w.pairs):
        what, M = ("β", "X_j") if n == 0 and fixed is not None else ("b_j", "Z_j")
        row = cells[0] if cells else []
        for k, (col, cell, entry) in enumerate(zip(_cols(row, factor_of), row, vec)):
            key = _entry_key(entry)
            want = meaning.get(key) if key else None
            if want is not None and want != col:
                out.append(f"{what}'s entry {k + 1} ({entry}) multiplies {_show(want)} in "
                           f"the level equations, but column {k + 1} of {M} is {cell}: "
                           f"{what} is not in the order of {M}'s columns")
    return out


def elided_remarks(w: Written, spec, meaning: dict, factor_of: dict) -> list[str]:
    """The columns an elided X_j shows — before its ⋯ and after it — against the model's X,
    and β's entries written beside them (the same ones left out, as mixeq prints it)
    against what each coefficient multiplies in the level equations."""
    matrix, before, _ = w.elided_at or ("", 0, 0)
    fixed, _ = _fixed_and_random(w)
    if matrix != "X_j" or fixed is None:
        return []
    rows, vec = fixed
    cells = [c for c in rows[0] if not c.is_dots]
    if len(vec) != len(cells):
        return [f"X_j shows {len(cells)} columns but β {len(vec)} entries, so they do not "
                "pair up"]
    want, out = _model_x(spec), []
    for k, (col, cell, entry) in enumerate(zip(_cols(cells, factor_of), cells, vec)):
        where = f"column {k + 1}" if k < before else f"column {k + 1 - len(cells)} from the end"
        if col not in want:
            out.append(f"{where} of X_j ({cell}) is no column of the model's X "
                       f"({', '.join(_show(v) for v in want)})")
            continue
        key = _entry_key(entry)
        meant = meaning.get(key) if key else None
        if meant is not None and meant != col:
            out.append(f"β's entry beside {where} of X_j ({cell}) is {entry}, which multiplies "
                       f"{_show(meant)} in the level equations")
    return out


def elided_alone(diagnostics: list, matrices: list[Written]) -> list:
    """A matrix form with columns left out (⋯, as mixeq prints a wide X_j) and no level
    equations beside it: no model can be read from it, which is what to say (rather than
    that there is no level-1 equation)."""
    elided = [w for w in matrices if w.elided]
    if not elided or not any(d.code == D.NO_LEVEL1 for d in diagnostics):
        return diagnostics
    out = [d for d in diagnostics if d.code != D.NO_LEVEL1]
    for w in elided:
        matrix, before, shown = w.elided_at or ("X_j", 0, 0)
        vector = "β" if matrix == "X_j" else "b_j"
        D.emit(out, D.MATRIX_ELIDED, w.line, w.text,
               f"this matrix form writes {shown} columns of {matrix} and leaves the others out "
               f"(⋯ after column {before}, ⋮ in {vector}), so the model cannot be read from it "
               "alone: the columns left out and their coefficients are not written. Write "
               "every column (mixeq: max_cols=0, `mixeq explain --form matrix --max-cols 0`), "
               "or give the level-1 and level-2 equations with it, and the columns it shows "
               "are checked against them.")
    return out


def explain(diagnostics: list, matrices: list[Written], observations: dict[int, str], spec,
            doc) -> tuple[list, list[str]]:
    """The reader's ``composite-mismatch`` on a rewritten line, said in the terms of the
    form written (columns of X_j and Z_j; the one observation); a plain statement for
    each form that agrees. ``observations``: line → the observation equation as written."""
    by_line = {w.line: w for w in matrices}
    meaning = meanings(doc)
    remarks = {w.line: column_remarks(w, spec, doc.factor_of)
               + alignment_remarks(w, meaning, doc.factor_of)
               for w in matrices if w.composite}
    out, flagged, notes = [], set(), []
    for d in diagnostics:
        reads = doc.disagreements.get(d.line, "")
        if d.code == D.COMPOSITE_MISMATCH and d.line in by_line:
            said = remarks.pop(d.line, [])
            message = ("this matrix form for cluster j is not the model of the level "
                       "equations: " + ("; ".join(said) + ". " if said else "")
                       + "Row 1 multiplied out reads as " + reads)
            d = D.make(D.MATRIX_FORM_MISMATCH, d.line, by_line[d.line].text, message,
                       d.corrected, d.column)
            flagged.add(d.line)
        elif d.code == D.COMPOSITE_MISMATCH and d.line in observations:
            d = D.make(D.OBSERVATION_MISMATCH, d.line, observations[d.line],
                       "this one-observation equation is not the model of the level "
                       "equations: it reads as " + reads, d.corrected, d.column)
            flagged.add(d.line)
        out.append(d)
    for line, said in remarks.items():
        if said:  # the same model, but the columns and coefficients are not paired right
            D.emit(out, D.MATRIX_FORM_MISMATCH, line, by_line[line].text,
                   "this matrix form for cluster j pairs columns and coefficients wrongly: "
                   + "; ".join(said) + ".")
            flagged.add(line)
    for w in matrices:
        said = elided_remarks(w, spec, meaning, doc.factor_of) if w.elided else []
        if said:
            D.emit(out, D.MATRIX_FORM_MISMATCH, w.line, w.text,
                   "this matrix form for cluster j leaves columns out (⋯), and the columns it "
                   "shows are not the level equations' model: " + "; ".join(said) + ".")
        elif w.elided:
            notes.append(f"The matrix form (line {w.line}) leaves columns out (⋯): the columns "
                         "it shows are columns of the model's X, each beside its coefficient in "
                         "β; write every column (mixeq: max_cols=0) to have it checked whole.")
        elif not w.composite:
            a, b = w.shape or (0, 0)
            D.emit(out, D.MATRIX_SHAPE, w.line, w.text,
                   f"a matrix of this matrix form has {a} columns but the vector it multiplies "
                   f"has {b} entries: each column of X_j needs its coefficient in β, each "
                   "column of Z_j its random effect in b_j.")
        elif w.line not in flagged:
            notes.append(right_statement(w))
    for n in observations:
        if n not in flagged:
            notes.append(f"The one-observation equation (line {n}) is row 1 of the model of "
                         "the level equations: it agrees with them.")
    out.sort(key=lambda d: (d.line or 0, d.column or 0))
    return out, notes
