"""The matrix form of one cluster and the one-observation form, as people write them:

    [y_1j; ⋮; y_{n_j j}] = [1 X_1j; ⋮; 1 X_{n_j j}] · [γ_00; γ_10] + [1 X_1j; ⋮] · [U_0j; U_1j] + [ε_1j; ⋮]
    y_1j = 1·γ_00 + X_1j·γ_10 + 1·U_0j + X_1j·U_1j + ε_1j

Row 1 of a matrix form, multiplied out, is the one-observation equation; with the row
number replaced by the observation index it is a composite equation, which the reader
checks against the level equations (its ``composite-mismatch``). This module rewrites
both forms into that composite line (same line number) and afterwards names what is
wrong column by column (X_j's column against the model's X, Z_j's against the random
effect it multiplies), or says plainly that Z_j is right and why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from mixeq.reader.diagnostics import MATRIX_FORM_MISMATCH, MATRIX_SHAPE, OBSERVATION_MISMATCH

_ENV = re.compile(r"\\begin\{([bpvBV]?matrix)\}(.*?)\\end\{\1\}", re.S)
_DOTS = re.compile(r"^\\[vcdl]?dots$|^\\ddots$|^$")
_PLACE = re.compile(r"@M(\d+)@")


@dataclass
class Written:
    """One matrix-form line: its blocks (Y, then (matrix, vector) pairs, then ε)."""

    line: int
    y: list
    pairs: list = field(default_factory=list)  # (rows of the matrix, entries of the vector)
    residual: list | None = None
    composite: str = ""


def _rows(body: str) -> list[list[str]]:
    rows = []
    for raw in re.split(r"\\\\", body):
        cells = [c.strip() for c in raw.split("&")]
        if all(_DOTS.match(c) for c in cells):
            continue
        rows.append(cells)
    return rows


def _first_row_index(cell: str) -> tuple[str, str] | None:
    """``y_{1j}`` → ("1", "j"): the row number and the cluster letters."""
    m = re.search(r"_\{?\s*(\d+)\s*,?\s*([A-Za-z]+)\s*\}?", cell)
    return (m.group(1), m.group(2)) if m else None


def _generic(cell: str, row: str, cluster: str, obs: str, names: set | None = None) -> str:
    """Row ``row`` of cluster ``cluster`` → the observation index: X_{1j} → X_{ij}; only
    for ``names`` (written elsewhere with the observation index: y, X, ε), so that
    r_{1i}, a random effect of person i, stays as it is."""
    c = re.escape(cluster)
    pattern = rf"(?P<name>[A-Za-z]+\}}*)(?:_\{{\s*{row}\s*,?\s*{c}\s*\}}|_{row}{c}\b)"

    def swap(m):
        base = m.group("name").rstrip("}")
        if names is not None and base not in names:
            return m.group(0)
        return f"{m.group('name')}_{{{obs}{cluster}}}"

    return re.sub(pattern, swap, cell)


_COEFFICIENT_LIKE = {"beta", "gamma", "pi", "delta", "alpha", "mu", "tau", "sigma", "U", "u",
                     "V", "v", "W", "w", "Q", "q", "r", "s", "b", "g", "zeta", "eta", "theta"}


def _variables_by_letter(line: str, row: str, cluster: str) -> set:
    """Without a level-1 equation to say which names carry the observation index: every
    name written with the row number except coefficients and random effects (γ_00,
    U_0j look like row 0 of j), and the residual."""
    found = re.findall(rf"\\?([A-Za-z]+)\}}*_\{{?\s*{row}\s*,?\s*{re.escape(cluster)}\s*\}}?",
                       line)
    return {n for n in found if n not in _COEFFICIENT_LIKE}


def observed_names(text: str, obs: str, cluster: str) -> set:
    """Names written with the observation index somewhere: ``a_{ti}``, ``e_{ti}``."""
    return set(re.findall(rf"([A-Za-z]+)\}}*_\{{?\s*{obs}\s*,?\s*{re.escape(cluster)}\s*\}}?",
                          text))


def _product(cell: str, coef: str) -> str:
    c = cell.strip()
    if c in ("1", "{1}"):
        return coef
    if c in ("0", "{0}"):
        return ""
    return f"{coef} \\cdot {c}"


def observation_letter(text: str, outcome: str, cluster: str) -> str:
    """The observation index the level-1 equation uses (``y_{ij}`` → i, ``Y_{ti}`` → t)."""
    m = re.search(rf"\b{re.escape(outcome)}\}}*_\{{?\s*([A-Za-z])\s*,?\s*{re.escape(cluster)}\s*\}}?",
                  text)
    return m.group(1) if m and m.group(1) != cluster else ("i" if cluster != "i" else "t")


def rewrite(text: str) -> tuple[str, list[Written], list[int]]:
    """(text with matrix and observation lines as composite lines, the matrix lines
    read, the observation lines' numbers)."""
    lines = text.split("\n")
    written, observations = [], []
    for k, line in enumerate(lines):
        if "matrix}" in line and "=" in line:
            w = _read_matrix_line(line, k + 1, text)
            if w is not None:
                written.append(w)
                lines[k] = w.composite
                continue
        obs = _observation_line(line, text)
        if obs is not None:
            observations.append(k + 1)
            lines[k] = obs
    return "\n".join(lines), written, observations


def _read_matrix_line(line: str, number: int, text: str) -> Written | None:
    body = re.sub(r"\\(?:begin|end)\{(?:equation|align|gather)\*?\}", " ", line)
    mats = []

    def place(m):
        mats.append(_rows(m.group(2)))
        return f" @M{len(mats) - 1}@ "

    skeleton = _ENV.sub(place, body)
    if "=" not in skeleton:
        return None
    lhs, rhs = skeleton.split("=", 1)
    left = _PLACE.findall(lhs)
    if len(left) != 1 or _PLACE.sub("", lhs).strip():
        return None
    y = mats[int(left[0])]
    w = Written(number, y)
    for part in re.split(r"(?<!\\)\+", rhs):
        ids = [int(i) for i in _PLACE.findall(part)]
        rest = re.sub(r"\\cdot|\\times|\*", " ", _PLACE.sub("", part)).strip()
        if rest or not ids or len(ids) > 2:
            return None
        if len(ids) == 2:
            w.pairs.append((mats[ids[0]], [r[0] for r in mats[ids[1]]]))
        else:
            w.residual = [r[0] for r in mats[ids[0]]]
    first = _first_row_index(y[0][0]) if y and y[0] else None
    if first is None:
        return None
    row, cluster = first
    outcome = re.match(r"\s*([A-Za-z]+)", y[0][0])
    obs = observation_letter(text, outcome.group(1) if outcome else "y", cluster)
    terms = []
    for mat, vec in w.pairs:
        cells = mat[0] if mat else []
        if len(cells) != len(vec):
            w.composite = ""
            w.pairs_ok = False
            w.shape = (len(cells), len(vec))
            return w
        terms += [_product(_generic(c, row, cluster, obs), v) for c, v in zip(cells, vec)]
    if w.residual:
        terms.append(_generic(w.residual[0], row, cluster, obs))
    w.composite = _generic(y[0][0], row, cluster, obs) + " = " + " + ".join(t for t in terms if t)
    return w


def _observation_line(line: str, text: str) -> str | None:
    """``y_{1j} = 1 \\cdot γ_00 + X_{1j} \\cdot γ_10 + …`` → the composite line."""
    if "=" not in line:
        return None
    lhs = line.split("=", 1)[0]
    m = re.match(r"\s*(?:\{?\\(?:operatorname|mathrm|mathit|text)\{)?([A-Za-z]+)\}*"
                 r"_\{?\s*(\d+)\s*,?\s*(\(?[A-Za-z]+\)?)\s*\}?\s*&?\s*$", lhs)
    if not m:
        return None
    outcome, row, cluster = m.groups()
    obs = observation_letter(text, outcome, cluster)
    names = observed_names(text, obs, cluster) | _variables_by_letter(line, row, cluster)
    out = _generic(line, row, cluster, obs, names)
    return re.sub(r"(?<![\w}])1\s*\\cdot\s*", "", out)


def variables(cell: str) -> frozenset:
    """The variable names of a cell (``W_{j} X_{1j}`` → {W, X}; ``1`` → {})."""
    names = re.findall(r"(?:\\(?:mathrm|text|operatorname|mathit)\{)?([A-Za-z][A-Za-z0-9]*)"
                       r"(?=\}?_)", cell)
    return frozenset(n for n in names)


# -- after reading: name what is wrong, or say plainly that it is right ---------------
def _cols(cells: list) -> list[frozenset]:
    return [variables(c) for c in cells]


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


def column_remarks(w: Written, spec) -> list[str]:
    """What is wrong, column by column: X_j (the first product) against the model's X,
    Z_j (the next ones) against the random effects their vector lists."""
    out = []
    if not w.pairs:
        return out
    X, beta = w.pairs[0]
    have, want = _cols(X[0]), _model_x(spec)
    extra = [(k, c) for k, c in enumerate(have) if c not in want]
    missing = [c for c in want if c not in have]
    for k, c in extra:
        out.append(f"column {k + 1} of X_j ({X[0][k]}) is no column of the model's X "
                   f"({', '.join(_show(v) for v in want)})")
    for c in missing:
        out.append(f"X_j has no column {_show(c)}, which the level equations give a "
                   "fixed coefficient")
    if not extra and not missing and have != want and sorted(map(sorted, have)) == \
            sorted(map(sorted, want)):
        pass  # another order than lme4's: fine when β follows it (checked by the composite)
    zs = [(cells, vec) for cells, vec in w.pairs[1:]]
    expected = _model_z(spec)
    k0 = 0
    for cells, vec in zs:
        for k, (cell, effect) in enumerate(zip(cells[0], vec)):
            if k0 + k >= len(expected):
                out.append(f"Z_j's column {k + 1} ({cell}) goes with {effect}, but the model has "
                           f"only {len(expected)} random effects")
                continue
            want_z, term = expected[k0 + k]
            got = variables(cell)
            if got != want_z:
                belongs = (f"; {_show(got - want_z)} belongs only in X_j"
                           if got - want_z else "")
                out.append(f"column {k + 1} of Z_j is {cell.strip()}, but the random effect "
                           f"{effect.strip()} multiplies {_show(want_z)} (the term {term}): "
                           f"write {_show(want_z)} there{belongs}")
        k0 += len(vec)
    if k0 != len(expected) and zs:
        out.append(f"b_j lists {k0} random effects, the level equations have {len(expected)}")
    return out


def right_statement(w: Written, spec) -> str:
    """Plain words when the matrix form agrees with the level equations."""
    X, beta = w.pairs[0] if w.pairs else ([[]], [])
    zcells = [c for cells, _ in w.pairs[1:] for c in cells[0]]
    zb = [e for _, vec in w.pairs[1:] for e in vec]
    text = (f"The matrix form (line {w.line}) is the model of the level equations: X_j's "
            f"columns ({', '.join(c.strip() for c in X[0])}) go with β = "
            f"({', '.join(b.strip() for b in beta)}) in order")
    if zcells:
        text += (f", and Z_j = [{', '.join(c.strip() for c in zcells)}] with b_j = "
                 f"({', '.join(e.strip() for e in zb)}) is right: its columns are the columns of "
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
            level1 = frozenset(v.base for v in m.variables)
            for c in m.coefs:
                inner = defs.get(c.key)
                if inner is None:
                    out[(c.base, "".join(c.numbers))] = level1
                    continue
                for d in inner.monomials:
                    for s in (*d.coefs, *d.errors):
                        out[(s.base, "".join(s.numbers))] = level1 | {v.base for v in d.variables}
    return out


_BASES = {"g": "gamma", "b": "beta", "p": "pi", "varepsilon": "epsilon", "e": "epsilon"}


def _entry_key(entry: str) -> tuple | None:
    m = re.match(r"\s*\\?([A-Za-z]+)\s*_\{?\s*([0-9]+)(?:\s*,\s*([0-9]+))?", entry)
    if not m:
        return None
    base = m.group(1)
    base = _BASES.get(base, base.lower() if len(base) == 1 else base)
    return base, m.group(2) + (m.group(3) or "")


def alignment_remarks(w: Written, meaning: dict) -> list[str]:
    """β's k-th entry must be the coefficient of X_j's k-th column (and b_j's of Z_j's):
    by the level equations, the coefficient multiplies those variables."""
    out = []
    for n, (cells, vec) in enumerate(w.pairs):
        what, M = ("β", "X_j") if n == 0 else ("b_j", "Z_j")
        for k, (cell, entry) in enumerate(zip(cells[0] if cells else [], vec)):
            key = _entry_key(entry)
            want = meaning.get(key) if key else None
            if want is not None and want != variables(cell):
                out.append(f"{what}'s entry {k + 1} ({entry.strip()}) multiplies {_show(want)} in "
                           f"the level equations, but column {k + 1} of {M} is {cell.strip()}: "
                           f"{what} is not in the order of {M}'s columns")
    return out


def explain(diagnostics: list, matrices: list[Written], observations: list[int], spec,
            source: str, doc=None) -> tuple[list, list[str]]:
    """The reader's ``composite-mismatch`` on a rewritten line, said in the terms of the
    form written (columns of X_j and Z_j; the one observation); a plain statement for
    each form that agrees."""
    from dataclasses import replace

    from mixeq.reader import diagnostics as D

    original = source.split("\n")
    by_line = {w.line: w for w in matrices}
    meaning = meanings(doc) if doc is not None else {}
    remarks = {w.line: column_remarks(w, spec) + alignment_remarks(w, meaning)
               for w in matrices if w.composite}
    out, flagged, notes = [], set(), []
    for d in diagnostics:
        if d.code == D.COMPOSITE_MISMATCH and d.line in by_line:
            said = remarks.pop(d.line, [])
            reads = d.message.split(": it reads as ", 1)[-1]
            message = ("this matrix form for cluster j is not the model of the level "
                       "equations: " + ("; ".join(said) + ". " if said else "")
                       + "Row 1 multiplied out reads as " + reads)
            d = replace(d, code=MATRIX_FORM_MISMATCH, message=message,
                        equation=original[d.line - 1].strip())
            flagged.add(d.line)
        elif d.code == D.COMPOSITE_MISMATCH and d.line in observations:
            d = replace(d, code=OBSERVATION_MISMATCH, equation=original[d.line - 1].strip(),
                        message="this one-observation equation is not the model of the level "
                        "equations: it reads as " + d.message.split(": it reads as ", 1)[-1])
            flagged.add(d.line)
        out.append(d)
    for line, said in remarks.items():
        if said:  # the same model, but the columns and coefficients are not paired right
            D.emit(out, MATRIX_FORM_MISMATCH, line, original[line - 1].strip(),
                   "this matrix form for cluster j pairs columns and coefficients wrongly: "
                   + "; ".join(said) + ".")
            flagged.add(line)
    for w in matrices:
        if not w.composite:
            a, b = getattr(w, "shape", (0, 0))
            D.emit(
                out, MATRIX_SHAPE, w.line, original[w.line - 1].strip(),
                f"a matrix of this matrix form has {a} columns but the vector it multiplies has "
                f"{b} entries: each column of X_j needs its coefficient in β, each column of "
                "Z_j its random effect in b_j.")
        elif w.line not in flagged:
            notes.append(right_statement(w, spec))
    for n in observations:
        if n not in flagged:
            notes.append(f"The one-observation equation (line {n}) is row 1 of the model of "
                         "the level equations: it agrees with them.")
    out.sort(key=lambda d: (d.line or 0, d.column or 0))
    return out, notes
