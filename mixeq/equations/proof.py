"""Proof, not assumption: the forms of a model are the model the data define.

verify() checks what is printed. It first renders every form into its display
tree (a :class:`Rendering`, the very trees the LaTeX/text formats print), then
proves things about those trees, never about the symbolic model that made them:

1. SymPy substitutes the level-2 (and level-3) equations into level 1 and gets
   the composite equation; the composite with i = 1 equals row 1 of
   X_j β + Z_j b_j + ε_j as the matrix form writes it, and the observation form;
   the Gelman–Hill mean equals the composite's fixed + random part.
2. With data (:mod:`proof_data`): the symbols the composite shows, evaluated on the
   data, rebuild every column of ``m.X`` (tied to its name by the written β) and of
   ``m.Z`` (indicator of the effect's cluster × its product), on every row; the
   matrix form's rows 1, 2, n_j equal those rows of every cluster; every subscript
   agrees with the data (one written x_j is constant within j).
3. (:mod:`proof_structure`) every written T has the spec's blocks (zeros between
   terms, ``||``), G = I_J ⊗ T per term, Λ_θ lower triangular; with a fit, the
   substituted estimates are the fit's.
4. The printed multilevel equations (LaTeX and text) read back by
   :func:`mixeq.read_equations` give the model's spec.

A test breaks a tree of the Rendering (``rendering.documents[form]``) and passes it
back with ``verify(obj, rendering=...)``: each planted break must fail a check.
"""
from __future__ import annotations

import dataclasses
import html as _html
import re
import warnings
from dataclasses import dataclass, field

import sympy

from mixeq.design.names import dummy_name
from mixeq.equations.forms.registry import TABLE as FORM_TABLE
from mixeq.equations.forms.registry import form as form_record
from mixeq.equations.render import symbolic_model
from mixeq.equations.sympy_bridge import to_sympy
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Document, Matrix, Relation
from mixeq.equations.words import count as _count, join_names
from mixeq.errors import MixeqError, MixeqWarning


STATUSES = ("ok", "FAILED", "n/a")


@dataclass
class Check:
    """One named check. ``status`` is ``"ok"`` (proved), ``"FAILED"`` or ``"n/a"``
    (the form it compares does not exist for this model, e.g. one cluster's
    matrices for crossed factors; ``detail`` says why). ``ok`` is True unless it
    failed; ``passed`` only when it was proved."""

    name: str
    status: str
    detail: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} not one of {STATUSES}")

    @property
    def ok(self) -> bool:
        return self.status != "FAILED"

    @property
    def passed(self) -> bool:
        return self.status == "ok"

    @property
    def applicable(self) -> bool:
        return self.status != "n/a"

    def __str__(self) -> str:
        return f"[{self.status}] {self.name}" + (f": {self.detail}" if self.detail else "")


@dataclass
class VerifyReport:
    formula: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No check failed and at least one was proved."""
        return all(c.ok for c in self.checks) and any(c.passed for c in self.checks)

    @property
    def not_applicable(self) -> list[Check]:
        return [c for c in self.checks if not c.applicable]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def check(self, name_start: str) -> Check:
        """The check whose name starts with ``name_start``."""
        return next(c for c in self.checks if c.name.startswith(name_start))

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"{self.formula}: {'all forms agree' if self.ok else 'FORMS DISAGREE'}"
        skipped = len(self.not_applicable)
        if self.ok and skipped:
            head += f" ({skipped} check(s) not applicable to this model)" if skipped > 1 \
                else " (1 check not applicable to this model)"
        return "\n".join([head, *("  " + str(c) for c in self.checks)])

    def __repr__(self) -> str:
        counts = {s: sum(c.status == s for c in self.checks) for s in STATUSES}
        return (f"<VerifyReport {self.formula!r}: {'ok' if self.ok else 'FAILED'}, "
                f"{counts['ok']} proved, {counts['FAILED']} failed, {counts['n/a']} n/a>")

    def _repr_pretty_(self, p, cycle):  # IPython's text display: the full report
        p.text(str(self))

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td class=\"status-{_html.escape(c.status.lower().replace('/', ''))}\">"
            f"{_html.escape(c.status)}</td><td>{_html.escape(c.name)}</td>"
            f"<td>{_html.escape(c.detail)}</td></tr>" for c in self.checks)
        verdict = "all forms agree" if self.ok else "FORMS DISAGREE"
        return (f"<div class=\"mixeq-verify\"><p><code>{_html.escape(self.formula)}</code>: "
                f"<b>{verdict}</b></p><table><thead><tr><th>status</th><th>check</th>"
                f"<th>detail</th></tr></thead><tbody>{rows}</tbody></table></div>")


@dataclass
class Rendering:
    """What verify() proves things about: each form's display tree (exactly what the
    formats print), and with a fit the trees with the estimates substituted.
    ``documents[form]`` is None when the form does not apply (one cluster's matrices
    of crossed factors)."""

    documents: dict[str, Document | None]
    estimates: dict[str, Document] = field(default_factory=dict)


FORMS_PROVED = tuple(f.name for f in FORM_TABLE if f.proved)


def proof_options(options: dict) -> dict:
    options = dict(options)
    options.pop("use_estimates", None)
    options.pop("cluster", None)
    options["max_cols"] = 0  # the proof reads whole rows of X_j and Z_j
    options["wrap"] = None  # one equation, one line: the reader reads it back whole
    return options


def render_for_proof(obj, **options) -> Rendering:
    """Every form of ``obj`` as display trees (the artefact verify() checks)."""
    return _render_all(symbolic_model(obj, **proof_options(options)))


def _render_all(sm: SymbolicModel) -> Rendering:
    docs: dict[str, Document | None] = {}
    for form in FORMS_PROVED:
        if form == "matrix" and _matrix_applies(sm):
            docs[form] = None
            continue
        if form == "stacked" and not sm.random:
            docs[form] = None
            continue
        docs[form] = form_record(form).build(sm)
    est = {}
    if sm.info.fit is not None and sm.info.model is not None:
        from mixeq.equations.estimates import apply_estimates

        est = {f: apply_estimates(form_record(f).build(sm), sm) for f in ("composite", "multilevel")}
    return Rendering(docs, est)


def verify(obj, rendering: Rendering | None = None, **options) -> VerifyReport:
    """Prove the rendered forms of ``obj`` equal, and (with data) equal to the model
    the data define. ``rendering`` (from :func:`render_for_proof`) is what is checked;
    by default every form is rendered afresh."""
    sm = symbolic_model(obj, **proof_options(options))
    docs = _safe_render(sm) if rendering is None else rendering
    report = VerifyReport(sm.spec.canonical())
    if isinstance(docs, Check):
        report.checks.append(docs)
        return report
    D = docs.documents
    for name, check, applies in [
            ("level equations substituted give the composite", _multilevel, None),
            ("composite equals row 1 of the matrix form", _matrix, _matrix_applies),
            ("composite equals the observation form", _observation, None),
            ("Gelman–Hill mean equals the composite's", _gelman_hill, None),
            ("coefficient names follow the notation (γ_pq in β_pj's equation)", _names,
             None),
            ("covariance structure (T, G, Λθ) is the spec's", _covariance, _has_random),
            ("distribution, link and offset are the model's family", _family, None)]:
        report.checks.append(_run(name, lambda sm, c=check: c(sm, D), sm, applies))
    if sm.info.has_data and not sm.info.rows_loaded:
        report.checks.append(Check(
            "checks against the data (X, Z, rows, subscripts, estimates)", "n/a",
            "the rows are in a database or file source, queried but never loaded; load them "
            "into a pandas DataFrame to check the equations against every row"))
    elif sm.info.has_data:
        from mixeq.equations.proof_data import Evaluator

        ev = Evaluator(sm, sm.info.model)
        state: dict = {}
        for name, check, applies in [
                ("columns of X rebuilt from the equations' symbols", _x_columns, None),
                ("columns of Z rebuilt from the equations' symbols", _z_columns, _has_random),
                ("rows 1, 2, n_j of the matrix form equal every cluster's", _matrix_rows,
                 _matrix_rows_apply),
                ("subscripts agree with the data", _subscripts, _has_random),
                ("substituted estimates equal the fit's", _estimates, _has_fit)]:
            report.checks.append(_run(name, lambda sm, c=check: c(sm, docs, ev, state),
                                      sm, applies))
    report.checks.append(_run("printed equations read back as the same model", _read_back_check(D),
                              sm))
    return report


def _safe_render(sm: SymbolicModel):
    try:
        return _render_all(sm)
    except MixeqError as exc:
        return Check("every form renders", "FAILED", f"{type(exc).__name__}: {exc}")


def _run(name: str, check, sm: SymbolicModel, applies=None) -> Check:
    """Run ``check`` unless ``applies(sm)`` gives a reason it does not apply. A check
    that applies and raises has failed: an error never passes as "not applicable"."""
    reason = applies(sm) if applies is not None else None
    if reason:
        return Check(name, "n/a", reason)
    from mixeq.equations.proof_data import NotEvaluable

    try:
        ok, detail = check(sm)
    except NotEvaluable as exc:
        return Check(name, "FAILED", f"cannot evaluate on the data: {exc}")
    except MixeqError as exc:
        return Check(name, "FAILED", f"{type(exc).__name__}: {exc}")
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        return Check(name, "FAILED", f"the written form cannot be read: "
                     f"{type(exc).__name__}: {exc}")
    return Check(name, "ok" if ok else "FAILED", detail)


def _has_random(sm: SymbolicModel) -> str | None:
    return None if sm.random else "no random effects (a linear model)"


def _has_fit(sm: SymbolicModel) -> str | None:
    return None if sm.info.fit is not None else "no fit (pass a fitted model to check estimates)"


def _matrix_applies(sm: SymbolicModel) -> str | None:
    if not sm.crossed:
        return None
    lev = next(lev for lev in range(2, sm.nlevels + 1) if len(sm.groups_at(lev)) > 1)
    return (f"{join_names(g.name for g in sm.groups_at(lev))} are crossed, so there is no "
            "one-cluster matrix form; the observation check covers row 1 of Xβ + Zb")


def _matrix_rows_apply(sm: SymbolicModel) -> str | None:
    return _has_random(sm) or _matrix_applies(sm)


def _rhs(rel: Relation, index_map=None):
    return to_sympy(rel.rhs, index_map)


def _composite(D, index_map=None):
    rel = D["composite"].row("composite").relation
    return to_sympy(rel.lhs, index_map), to_sympy(rel.rhs, index_map)


def _zero(expr) -> bool:
    return sympy.expand(expr) == 0


def _multilevel(sm: SymbolicModel, D):
    doc = D["multilevel"]
    expr = _rhs(doc.row("level1").relation)
    subs = {}
    for level in range(2, sm.nlevels + 1):
        for row in doc.rows(f"level{level}"):
            subs[to_sympy(row.relation.lhs)] = _rhs(row.relation)
    for _ in range(sm.nlevels):
        expr = expr.xreplace(subs)
    _, comp = _composite(D)
    diff = sympy.expand(expr - comp)
    return diff == 0, f"{_count(len(subs), 'coefficient equation')} substituted" if diff == 0 \
        else f"difference {diff}"


def _digits(sym) -> tuple | None:
    """The number part of a coefficient's subscript: γ_{01} → (0, 1), γ_{10,1} → (10, 1)."""
    toks = [str(t) for t in getattr(sym, "sub", ()) if not hasattr(t, "key")]
    nums = [t for t in toks if t[:1].isdigit()]
    if len(nums) == 1 and "," in nums[0]:
        nums = nums[0].split(",")
    try:
        return tuple(int(t) for t in nums)
    except ValueError:
        return None


def _names(sm: SymbolicModel, D):
    """The multilevel convention the reader relies on: in β_pj's equation every
    coefficient is γ_pq and every random effect U_pj (or U_pqj beside the m_j of γ_pq:
    a level-2 predictor's random slope on its own factor); q is 0 for the constant and one
    number per level-2 predictor (the same in every equation: γ_01 and γ_11 multiply
    the same m_j); at level 1, β_0j is the intercept."""
    from mixeq.equations.proof_data import split_term, sum_terms

    doc = D["multilevel"]
    _, random = _coefficient_keys(D)
    rows = [("level1", doc.row("level1"))] + [
        (f"level{lev}", r) for lev in range(2, sm.nlevels + 1) for r in doc.rows(f"level{lev}")]
    q_of: dict = {}
    checked = 0
    for where, row in rows:
        lhs = row.relation.lhs
        top = _digits(lhs) if where != "level1" else ()
        for term in sum_terms(row.relation.rhs):
            factors = list(term.factors) if hasattr(term, "factors") else [term]
            coefs = [f for f in factors if getattr(f, "kind", "var") != "var"
                     and hasattr(f, "key")]
            if not coefs or coefs[0].key == sm.residual().key:
                continue
            coef = coefs[0]
            digits = _digits(coef)
            rest = tuple(f for f in factors if f is not coef)
            if digits is None or digits[:len(top)] != top:
                return False, (f"{coef.key} in the equation of {lhs.key}: its subscript must "
                               f"start with {''.join(map(str, top))}")
            if coef.key in random:  # U_pj, or U_pqj m_j: the random slope of γ_pq's m_j
                own = bool(rest) and len(digits) == len(top) + 1 and digits[-1] != 0 \
                    and q_of.get((where, rest), digits[-1]) == digits[-1]
                if digits != top and not own:
                    return False, f"random effect {coef.key} in the equation of {lhs.key}"
                continue
            q = digits[len(top)] if len(digits) > len(top) else None
            if q is None or (q == 0) != (not rest):
                return False, (f"{coef.key} in the equation of {lhs.key}: the number 0 is "
                               "for the constant term only")
            key = (where, rest)
            if q_of.setdefault(key, q) != q or \
                    sum(1 for k, v in q_of.items() if k[0] == where and v == q) > 1:
                return False, (f"{coef.key}: the number {q} stands for two different "
                               f"predictors, or one predictor has two numbers ({where})")
            checked += 1
    return True, f"{_count(checked, 'coefficient')} named by slot and predictor"


def _matrix(sm: SymbolicModel, D):
    doc = D["matrix"]
    one = {sm.obs_letter: "1"}
    x_row, beta = (_first_row(doc, "X"), _vector(doc, "beta")) if doc.rows("X") else ([], [])
    total = sum(a * b for a, b in zip(x_row, beta))
    k = 0
    while doc.rows(f"Z{k}"):
        total += sum(a * b for a, b in zip(_first_row(doc, f"Z{k}"), _vector(doc, f"b{k}")))
        k += 1
    if doc.rows("eps"):
        total += _first_row(doc, "eps")[0]
    if doc.rows("offset"):
        total += _first_row(doc, "offset")[0]
    lhs, rhs = _composite(D, one)
    if sm.generalized:  # g(E[Y_j | b_j]): its row 1 is g(p_1j), the composite's left side
        y1 = _link_of_row1(doc.row("matrix").relation.lhs, lhs)
    else:
        y1 = _first_row(doc, "Y")[0]
    ok = len(x_row) == len(beta) and _zero(rhs - total) and _zero(lhs - y1)
    return ok, f"{_count(len(x_row), 'column')} of X, {_count(k, 'Z block')}" if ok else \
        f"difference {sympy.expand(rhs - total)}"


def _link_of_row1(written, composite_lhs):
    """Row 1 of ``g(E[Y_j | b_j])`` is ``g(mean_1j)``: the written link applied to the
    composite's mean (its argument), so a different link fails."""
    from mixeq.equations.tree import Call as _Call

    if not isinstance(written, _Call) or written.name == "E":  # the identity: E[Y_j | b_j]
        return composite_lhs if not composite_lhs.args else sympy.Symbol("E[Y_j]")
    if not composite_lhs.args:
        return sympy.Symbol(f"{written.name}(E[Y_j])")
    return sympy.Function(written.name)(*composite_lhs.args)


def _first_row(doc, name: str) -> list:
    return [to_sympy(e) for e in doc.row(name).relation.rhs.rows[0]]


def _vector(doc, name: str) -> list:
    return [to_sympy(row[0]) for row in doc.row(name).relation.rhs.rows]


def _observation(sm: SymbolicModel, D):
    rel = D["observation"].row("observation").relation
    lhs, rhs = _composite(D, {sm.obs_letter: "1"})
    ok = _zero(to_sympy(rel.rhs) - rhs) and _zero(to_sympy(rel.lhs) - lhs)
    terms = rel.rhs.terms if hasattr(rel.rhs, "terms") else (rel.rhs,)
    return ok, f"{_count(len(terms), 'term')} of row 1" if ok else \
        f"difference {sympy.expand(to_sympy(rel.rhs) - rhs)}"


def _gelman_hill(sm: SymbolicModel, D):
    """Varying coefficients replaced by group mean + random effect, GH symbols by the
    composite's: the linear predictor must be the composite's fixed + random part;
    and no symbol stands for two coefficients (β_1 next to β_1j[i])."""
    doc = D["gelman-hill"]
    mean_node = _gh_predictor(sm, doc)
    reused = _gh_reused(mean_node, doc)
    if reused:
        return False, reused
    mean = to_sympy(mean_node)
    mean = mean.xreplace({to_sympy(k): to_sympy(v) for k, v in doc.expand.items()})
    mean = mean.xreplace({to_sympy(k): to_sympy(v) for k, v in doc.aliases.items()})
    _, comp = _composite(D)
    residual = 0 if sm.generalized else to_sympy(sm.residual())
    diff = sympy.expand(mean + residual - comp)
    what = (_count(len(doc.expand), "varying coefficient") if doc.expand else
            f"zero-mean effects of {_count(len(sm.covariances), 'grouping factor')}"
            if sm.random else "the linear model")
    return diff == 0, (what if diff == 0 else f"difference {diff}")


def _gh_predictor(sm: SymbolicModel, doc):
    """The linear predictor as Gelman–Hill writes it: the mean of N(…), the argument of
    logit⁻¹(…) in Pr(y_i = 1) = logit⁻¹(…) or p_i = logit⁻¹(…), log(λ_i) = …'s right side,
    or the η_i = … line of a long one."""
    from mixeq.equations.tree import Call as _Call

    row = doc.rows("gh-mean") or [None]
    node = row[0].relation.rhs if row[0] else doc.row("gh").relation.rhs
    if isinstance(node, _Call) and (node.name == "N" or node.name == sm.glm.inverse_name):
        node = node.args[0]
    return node


def _gh_reused(mean_node, doc) -> str:
    """Two coefficients drawn with one letter and one number (β_1j[i] and β_1)."""
    from mixeq.equations.proof_data import split_term, sum_terms

    seen: dict = {}
    for term in sum_terms(mean_node):
        factors = list(term.factors) if hasattr(term, "factors") else [term]
        for f in factors:
            if getattr(f, "kind", None) in ("greek", "plain") and f.sub:
                number = next((str(t) for t in f.sub if str(t)[:1].isdigit()), "")
                key = (f.base, f.sup, number)
                if key in seen and seen[key] != f.key:
                    return f"one symbol for two coefficients: {seen[key]} and {f.key}"
                seen[key] = f.key
    return ""


def _covariance(sm: SymbolicModel, D):
    from mixeq.equations.proof_structure import check_covariance, written_terms_of_stacked

    terms = sm.info.terms
    effects = written_terms_of_stacked(D["stacked"], len(terms))
    return check_covariance(D, effects, [t.group for t in terms],
                            [len(t.columns) for t in terms])


# -- with data --------------------------------------------------------------------------
def _coefficient_keys(D) -> tuple[set, set]:
    """(fixed coefficients, random effects) as the written equations name them: the
    random effects are the left sides of the distribution lines, the fixed ones
    every other Greek or plain symbol multiplying a term of the composite."""
    from mixeq.equations.proof_data import sum_terms

    comp = D["composite"]
    random = set()
    for row in comp.rows():
        if row.name.startswith("random:"):
            lhs = row.relation.lhs
            random |= {r[0].key for r in lhs.rows} if isinstance(lhs, Matrix) else {lhs.key}
    residual = comp.row("residual").relation.lhs.key if comp.rows("residual") else None
    fixed = set()
    for term in sum_terms(comp.row("composite").relation.rhs):
        factors = list(term.factors) if hasattr(term, "factors") else [term]
        for f in factors:
            if getattr(f, "kind", "var") != "var" and hasattr(f, "key") \
                    and f.key not in random and f.key != residual:
                fixed.add(f.key)
    return fixed, random


def _x_columns(sm, docs, ev, state):
    from mixeq.equations.proof_data import check_x

    D = docs.documents
    fixed, _ = _coefficient_keys(D)
    beta = None
    if D.get("matrix") is not None and D["matrix"].rows("beta"):
        beta = [r[0] for r in D["matrix"].row("beta").relation.rhs.rows]
    elif D.get("matrix") is not None and ev.model.X.shape[1]:
        return False, "the matrix form writes no β, X has columns"
    return check_x(ev, D["composite"].row("composite").relation.rhs, fixed, beta)


def _z_columns(sm, docs, ev, state):
    from mixeq.equations.proof_data import check_z

    D = docs.documents
    _, random = _coefficient_keys(D)
    comp = D["composite"]
    effects = {}
    for row in comp.rows():
        if row.name.startswith("random:"):
            lhs = row.relation.lhs
            for e in ([r[0] for r in lhs.rows] if isinstance(lhs, Matrix) else [lhs]):
                effects[e.key] = row.name.split(":", 1)[1]
    b_order = None
    if D.get("matrix") is not None:
        b_order = {}
        k = 0
        while D["matrix"].rows(f"b{k}"):
            b = [r[0].key for r in D["matrix"].row(f"b{k}").relation.rhs.rows]
            group = effects.get(b[0]) if b else None
            if group is not None:
                b_order[group] = b
            k += 1
    ok, detail, mapping = check_z(ev, comp.row("composite").relation.rhs, effects, b_order)
    state["mapping"] = mapping
    return ok, detail


def _matrix_rows(sm, docs, ev, state):
    from mixeq.equations.proof_data import check_matrix_rows

    if "mapping" not in state or not state["mapping"]:
        return False, "Z's columns could not be matched to the random effects"
    finest = min(sm.groups.values(), key=lambda g: g.level).name
    return check_matrix_rows(ev, docs.documents["matrix"], finest, state["mapping"])


def _subscripts(sm, docs, ev, state):
    from mixeq.equations.proof_data import check_subscripts

    given = {v for v, lv in sm.atom_levels.items() if lv.how == "given"}
    slopes: dict = {}
    for t in sm.info.terms:
        for atoms in t.atoms:
            for a in atoms:
                slopes.setdefault(a.var, set()).add(t.group)
    docs_ = {f: d for f, d in docs.documents.items() if d is not None and f != "stacked"}
    return check_subscripts(ev, docs_, sm.response_name, given, slopes)


def _estimates(sm, docs, ev, state):
    from mixeq.equations.proof_structure import check_estimates

    if not docs.estimates:
        return False, "a fit was given but no estimates were substituted"
    if sm.random and not state.get("mapping"):
        return False, "Z's columns could not be matched to the random effects"
    return check_estimates(ev, docs.estimates["composite"].row("composite").relation.rhs,
                           docs.estimates["multilevel"], None, sm.info.fit,
                           state.get("mapping", {}), sm.opts.digits,
                           scale=sm.glm.has_scale and not sm.generalized)


def _family(sm: SymbolicModel, D):
    from mixeq.equations.proof_family import check_family

    return check_family(sm, D)


def _read_back_check(D):
    def check(sm):
        return _read_back(sm, D)
    return check


def _read_back(sm: SymbolicModel, D):
    """The multilevel equations as printed (LaTeX and text), read by the reader."""
    from mixeq.equations.equation import Equation
    from mixeq.reader import read_equations

    spec = sm.spec
    if tuple(sm.glm.offsets) != spec.offsets:  # offset= given: printed as a term like offset()
        spec = dataclasses.replace(spec, offsets=tuple(sm.glm.offsets))
    group_map = {g.letter: g.name for g in sm.groups.values() if g.named}
    wrong, by_columns = [], False
    for fmt in ("latex", "text"):
        text = getattr(Equation(D["multilevel"], fmt, sm.opts), fmt)
        result = read_equations(text, group_map=group_map, render=False)
        got = result.spec
        if got is not None and sm.opts.names:
            got = _rename(got, {v: k for k, v in sm.opts.names.items()})
        if not _same_spec(got, spec):
            if _same_columns(sm, got):
                by_columns = True
            else:
                wrong.append(f"{fmt} reads back as {result.formula or 'nothing'}")
    if wrong:
        return False, "; ".join(wrong) + f" (the model is {spec.canonical()})"
    if by_columns:
        return True, (f"LaTeX and text read back as {result.formula}, whose factor dummies, "
                      "evaluated on the data, give the model's X and Z")
    return True, "LaTeX and text read back as " + spec.canonical()


def _same_spec(got, spec) -> bool:
    """``got == spec``, each term's calls compared as R's deparse spells them (the
    equations print the columns' names, ``exp(Days/10)``, where the formula's term is
    ``exp(Days / 10)``: :func:`mixeq.design.names.r_spaced`), and an offset's expression
    without its white space (the reader spaces ``offset(Days*0.5)``'s operators:
    ``Days * 0.5``, the same R code)."""
    if got is None:
        return False
    got, spec = _r_spelled(got), _r_spelled(spec)
    if got == spec:
        return True
    bare = [tuple(re.sub(r"\s+", "", o) for o in s.offsets) for s in (got, spec)]
    return bare[0] == bare[1] and dataclasses.replace(got, offsets=spec.offsets) == spec


def _r_spelled(spec):
    """``spec`` with each part of each term as R's deparse writes it."""
    from mixeq.design.names import r_spelled

    return dataclasses.replace(
        spec, fixed=tuple(r_spelled(t) for t in spec.fixed),
        random=tuple(dataclasses.replace(r, terms=tuple(r_spelled(t) for t in r.terms))
                     for r in spec.random))


def _same_columns(sm: SymbolicModel, got) -> bool:
    """Factor predictors print as one symbol per dummy (``b_TRUE``), which the reader,
    having no data, reads as numeric variables. With data, the read-back model is
    the same when, with each dummy symbol evaluated as its 0/1 column, it gives X
    and Z equal in value to the model's (and the same random-term structure)."""
    model = sm.info.model
    if got is None or model is None or not sm.info.has_data:
        return False
    dummies = {}
    for atoms in [*sm.info.x_atoms, *(a for t in sm.info.terms for a in t.atoms)]:
        for a in atoms:
            if a.label is not None:
                dummies[dummy_name(sm.opts.names.get(a.var, a.var), a.label)] = a
    if not dummies:
        return False
    import numpy as np
    import pandas as pd

    from mixeq.model import Model

    from mixeq.equations.proof_expr import NotArithmetic, level_indicator

    data = model.data.copy()
    for shown, atom in dummies.items():
        try:
            data[shown] = level_indicator(atom.var, atom.label, model.data)
        except NotArithmetic:
            return False
    try:
        with warnings.catch_warnings():  # the model's own warnings (aliased columns) were given
            warnings.simplefilter("ignore", MixeqWarning)
            back = Model(got, data=data, family=getattr(model, "family", None))
    except MixeqError:
        return False
    structure = [(t.group, t.q, len(t.theta_names())) for t in model.terms]
    if [(t.group, t.q, len(t.theta_names())) for t in back.terms] != structure:
        return False
    x0, x1 = model.X.to_numpy(dtype=float), back.X.to_numpy(dtype=float)
    if x0.shape != x1.shape or model.Z.shape != back.Z.shape:
        return False
    unmatched = list(range(x1.shape[1]))
    for j in range(x0.shape[1]):
        hit = next((k for k in unmatched if np.allclose(x0[:, j], x1[:, k])), None)
        if hit is None:
            return False
        unmatched.remove(hit)
    return abs(model.Z - back.Z).max() <= 1e-12 if model.Z.nnz else back.Z.nnz == 0


def _rename(spec, names: dict):
    import re

    from mixeq.spec.parser import parse

    text = spec.canonical()
    for shown, var in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w.]){re.escape(shown)}(?![\w.])", var, text)
    try:
        return parse(text)
    except MixeqError:
        return spec
