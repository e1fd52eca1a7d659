"""verify(): the covariance structure written (T, G = I_J ⊗ T, Λ_θ) equals the one the
spec implies, the substituted estimates equal the fit's, and the printed text
reads back as the same model.

The structure the spec implies (lme4's ``mkReTrms``): one block per random-effects
term, full within a term, zero between two terms of one factor (``||`` splits a
term); G repeats each term's block once per level of its factor (I_J ⊗ T_t), and
Λ_θ is lower triangular within a term, θ numbered term by term, column by column
(Bates et al. 2015, *J. Stat. Softw.* 67(1), §2.3).
"""
from __future__ import annotations

import numpy as np

from mixeq.equations.matrices import MatrixSymbols
from mixeq.equations.tree import Call, Kron, Matrix, Mul, Num, Relation, Sym

M = MatrixSymbols()


def written_terms_of_stacked(stacked, n_terms: int) -> list[list]:
    """Per random-effects term, its effects as the stacked form writes them
    (``b_j = (U_0j, U_1j)'`` beside each term's b)."""
    out = []
    for pos in range(n_terms):
        rows = stacked.rows(f"b{pos}")
        if not rows or rows[0].remark is None:
            return out
        rel = next((p for p in rows[0].remark.parts if isinstance(p, Relation)), None)
        if rel is None:
            return out
        rhs = rel.rhs
        out.append([r[0] for r in rhs.rows] if isinstance(rhs, Matrix) else [rhs])
    return out


def written_covariances(doc, group_effects: dict) -> list[tuple[str, list, list]]:
    """(group, effects in the written order, the written matrix) for each written T
    (or single variance) of ``doc``."""
    out = []
    for row in doc.rows():
        rel = row.relation
        if not row.name.startswith("random:") or not isinstance(rel, Relation):
            continue
        group = row.name.split(":", 1)[1]
        lhs, rhs = rel.lhs, rel.rhs
        effects = [r[0] for r in lhs.rows] if isinstance(lhs, Matrix) else [lhs]
        cov = rhs.args[1] if isinstance(rhs, Call) else None
        if isinstance(cov, Sym) and cov.base == "T":
            t_rows = [r for r in doc.rows(f"cov:{group}")]
            if not t_rows:
                out.append((group, effects, None))
                continue
            mat = t_rows[0].relation.rhs
            out.append((group, effects, [list(r) for r in mat.rows]))
        else:
            out.append((group, effects, [[cov]]))
    for row in doc.rows():  # the matrix form: b_j ~ N(0, T) with T in Z_j's order
        if row.name.startswith("cov:") and doc.form == "matrix":
            group = row.name.split(":", 1)[1]
            effects = group_effects.get(group)
            if effects is not None:
                out.append((group, effects, [list(r) for r in row.relation.rhs.rows]))
    return out


def check_covariance(documents: dict, term_effects: list[list], term_groups: list[str],
                     term_sizes: list[int]) -> tuple[bool, str]:
    """Every written T against the spec's blocks; G and Λ_θ of the stacked form."""
    if len(term_effects) != len(term_sizes):
        return False, (f"the stacked form writes {len(term_effects)} random-effects terms, "
                       f"the model has {len(term_sizes)}")
    term_of: dict[str, int] = {}
    for t, (effects, size) in enumerate(zip(term_effects, term_sizes)):
        if len(effects) != size:
            return False, f"term {t + 1} writes {len(effects)} random effects, it has {size} columns"
        for e in effects:
            if e.key in term_of:
                return False, f"{e.key} is written in two terms"
            term_of[e.key] = t
    by_group: dict[str, list] = {}
    for t, g in enumerate(term_groups):
        by_group.setdefault(g, []).extend(term_effects[t])
    written = 0
    T_of: dict[str, tuple[list, list]] = {}
    for form, doc in documents.items():
        if doc is None or form == "stacked":
            continue
        group_effects = {g: list(e) for g, e in by_group.items()}
        for group, effects, mat in written_covariances(doc, group_effects):
            ok, why = _one_t(group, effects, mat, by_group, term_of)
            if not ok:
                return False, f"{form} form, {group}: {why}"
            written += 1
            T_of.setdefault(group, (effects, mat))
    missing = [g for g in by_group if g not in T_of]
    if missing:
        return False, f"no covariance written for {', '.join(missing)}"
    stacked = documents.get("stacked")
    if stacked is not None:
        ok, why = _check_g(stacked, term_effects, term_groups, T_of)
        if not ok:
            return False, why
        ok, why = _check_lambda(stacked, term_sizes, term_groups)
        if not ok:
            return False, why
    return True, (f"{written} written T matrices: one full block per term, zeros between "
                  f"terms; G = I_J ⊗ T and Λ_θ lower triangular for {len(term_sizes)} term(s)")


def _one_t(group, effects, mat, by_group, term_of):
    keys = [getattr(e, "key", None) for e in effects]
    want = [e.key for e in by_group.get(group, [])]
    if sorted(k for k in keys if k) != sorted(want) or len(keys) != len(want):
        return False, f"the vector of random effects is not the one of {group}'s terms"
    if mat is None:
        return False, "T is named but not written out"
    k = len(keys)
    if len(mat) != k or any(len(r) != k for r in mat):
        return False, f"T is {len(mat)} × {len(mat[0]) if mat else 0}, there are {k} effects"
    pairs: dict = {}
    for a in range(k):
        for b in range(k):
            entry = mat[a][b]
            same_term = term_of[keys[a]] == term_of[keys[b]]
            zero = isinstance(entry, Num) and entry.value == 0
            if not same_term and not zero:
                return False, (f"T[{a + 1},{b + 1}] is a covariance of {keys[a]} and {keys[b]}, "
                               "which are in different terms (uncorrelated: it must be 0)")
            if same_term and zero:
                return False, f"T[{a + 1},{b + 1}] is 0 but {keys[a]} and {keys[b]} are one " \
                    "term's effects (correlated)"
            if mat[b][a] != entry:
                return False, f"T is not symmetric at [{a + 1},{b + 1}]"
            if same_term and a <= b:
                pairs.setdefault(entry, []).append((a, b))
    reused = [p for p in pairs.values() if len(p) > 1]
    if reused:
        (a, b), (c, d) = reused[0][:2]
        return False, f"one symbol for two parameters: T[{a + 1},{b + 1}] and T[{c + 1},{d + 1}]"
    return True, ""


def _parts(node, n: int) -> list:
    if n == 1:
        return [node]
    if isinstance(node, Call) and node.name == "diag" and len(node.args) == n:
        return list(node.args)
    return []


def _check_g(stacked, term_effects, term_groups, T_of):
    rows = stacked.rows("G")
    if not rows:
        return False, "the stacked form writes no G"
    parts = _parts(rows[0].relation.rhs, len(term_effects))
    if not parts:
        return False, f"G is not diag() of {len(term_effects)} term blocks"
    for t, (part, effects) in enumerate(zip(parts, term_effects)):
        effects_g, mat = T_of[term_groups[t]]
        keys = [e.key for e in effects_g]
        pos = [keys.index(e.key) for e in effects]
        block = [[mat[a][b] for b in pos] for a in pos]
        J = _count_symbol(effects[0])
        if len(effects) == 1:
            want = Mul((block[0][0], M.identity(J)))
        else:
            want = Kron(M.identity(J), Matrix(tuple(tuple(r) for r in block)))
        if part != want:
            return False, (f"G's block {t + 1} is not I_{J.base} ⊗ T of the term "
                           f"({', '.join(keys[p] for p in pos)})")
    return True, ""


def _count_symbol(effect: Sym) -> Sym:
    letters = [t for t in effect.sub if isinstance(t, str) and t.isalpha()]
    return Sym(letters[0].upper() if letters else "J")


def _check_lambda(stacked, term_sizes, term_groups):
    rows = stacked.rows("Lambda")
    if not rows:
        return True, ""
    parts = _parts(rows[0].relation.rhs, len(term_sizes))
    if not parts:
        return False, f"Λ_θ is not diag() of {len(term_sizes)} term blocks"
    number = 1
    for t, (part, k) in enumerate(zip(parts, term_sizes)):
        if k == 1:
            inner = part.factors[0] if isinstance(part, Mul) else None
            cells = [[inner]]
        elif isinstance(part, Kron) and isinstance(part.right, Matrix):
            cells = [list(r) for r in part.right.rows]
        else:
            return False, f"Λ_θ's block {t + 1} is not I_J ⊗ Λ_t"
        if len(cells) != k or any(len(r) != k for r in cells):
            return False, f"Λ_θ's block {t + 1} is not {k} × {k}"
        for c in range(k):
            for r in range(k):
                cell = cells[r][c]
                if r < c:
                    if not (isinstance(cell, Num) and cell.value == 0):
                        return False, f"Λ_θ's block {t + 1} is not lower triangular"
                    continue
                if cell != M.theta(number):
                    return False, f"Λ_θ's block {t + 1}: entry [{r + 1},{c + 1}] is not θ_{number}"
                number += 1
    return True, ""


# -- estimates ---------------------------------------------------------------------
def close(written: float, exact: float, digits: int) -> bool:
    return abs(written - exact) <= 0.5 * 10 ** (-digits) * (1 + 1e-9) + 1e-12


def check_estimates(ev, est_composite, est_multilevel, fixed_keys_order, fit, mapping,
                    digits: int, scale: bool = True) -> tuple[bool, str]:
    """The numbers written in place of γ, τ, σ² are the fit's, rounded to ``digits``;
    without ``scale`` (binomial, Poisson: σ = 1) no σ² may be written."""
    from mixeq.equations.proof_data import same, split_term, sum_terms

    X = ev.model.X
    rows = np.arange(len(ev.data))
    nfixed = 0
    for term in sum_terms(est_composite):
        factors = list(term.factors) if isinstance(term, Mul) else [term]
        nums = [f for f in factors if isinstance(f, Num)]
        if not nums:
            continue
        rest = [f for f in factors if not isinstance(f, Num)]
        product = Mul(tuple(rest)) if len(rest) > 1 else rest[0] if rest else Num(1)
        values = ev.value(product, rows)
        col = next((c for c in X.columns if same(values, X[c].to_numpy(dtype=float))), None)
        if col is None:
            return False, f"the estimate {nums[0].value:g} multiplies no column of X"
        if not close(float(nums[0].value), float(fit.fixef[col]), digits):
            return False, (f"column {col}: {nums[0].value:.{digits}f} written, the fit's "
                           f"estimate is {float(fit.fixef[col]):.6g}")
        nfixed += 1
    if nfixed != X.shape[1]:
        return False, f"{nfixed} fixed estimates written, X has {X.shape[1]} columns"
    covs = [np.asarray(c, dtype=float) for c in fit.term_covariances()]
    ncov = 0
    for group, effects, mat in written_covariances(est_multilevel, {}):
        for a, ea in enumerate(effects):
            for b, eb in enumerate(effects):
                ta, ca = mapping[ea.key]
                tb, cb = mapping[eb.key]
                exact = covs[ta][ca, cb] if ta == tb else 0.0
                cell = mat[a][b]
                if not isinstance(cell, Num) or not close(float(cell.value), exact, digits):
                    return False, (f"{group}: the (co)variance of {ea.key}, {eb.key} is written "
                                   f"{cell!r}, the fit's is {exact:.6g}")
                ncov += 1
    res = est_multilevel.rows("residual")
    if not scale:
        if res:
            return False, "a residual variance is written, but the family has no σ"
        return True, f"{nfixed} fixed effects and {ncov} (co)variance entries are the fit's " \
            f"(to {digits} decimals); no σ² (the family has none)"
    sigma2 = float(fit.sigma) ** 2
    written = res[0].relation.rhs.args[1] if res else None
    if isinstance(written, Mul) and isinstance(written.factors[0], Num):  # σ² w_ij⁻¹
        written = written.factors[0]
    if not isinstance(written, Num) or not close(float(written.value), sigma2, digits):
        return False, f"σ² written {written!r}, the fit's is {sigma2:.6g}"
    return True, f"{nfixed} fixed effects, {ncov} (co)variance entries and σ² are the fit's " \
        f"(to {digits} decimals)"
