"""Proof, not assumption: the forms of a model are the same model.

SymPy substitutes the level-2 (and level-3) equations into level 1 and compares
with the composite equation; the composite, with i = 1, must equal row 1 of
X_j β + Z_j b_j + ε_j as the matrix form writes it, and the observation form.
With data, every column of X and of each Z term is rebuilt from the
predictors the equations name and compared with the model's matrices.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from mixeq.equations.forms import composite, gelman_hill, matrix, multilevel, observation
from mixeq.equations.render import symbolic_model
from mixeq.equations.sympy_bridge import to_sympy
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.transforms import parse_transform
from mixeq.equations.tree import Matrix, Relation
from mixeq.equations.words import count as _count, join_names
from mixeq.errors import MixeqError


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

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"{self.formula}: {'all forms agree' if self.ok else 'FORMS DISAGREE'}"
        skipped = len(self.not_applicable)
        if self.ok and skipped:
            head += f" ({skipped} check(s) not applicable to this model)" if skipped > 1 \
                else " (1 check not applicable to this model)"
        return "\n".join([head, *("  " + str(c) for c in self.checks)])


def verify(obj, **options) -> VerifyReport:
    options.pop("use_estimates", None)
    options.pop("cluster", None)
    options["max_cols"] = 0  # the proof reads whole rows of X_j and Z_j
    sm = symbolic_model(obj, **options)
    report = VerifyReport(sm.spec.canonical())
    for name, check, applies in [
            ("level equations substituted give the composite", _multilevel, None),
            ("composite equals row 1 of the matrix form", _matrix, _matrix_applies),
            ("composite equals the observation form", _observation, None),
            ("Gelman–Hill mean equals the composite's", _gelman_hill, None),
            ("covariance matrices are symmetric", _symmetric, _has_random)]:
        report.checks.append(_run(name, check, sm, applies))
    if sm.info.has_data:
        report.checks.append(_run("columns of X rebuilt from the equations' predictors",
                                  _x_columns, sm))
        report.checks.append(_run("columns of Z rebuilt from the equations' predictors",
                                  _z_columns, sm, _has_random))
    return report


def _run(name: str, check, sm: SymbolicModel, applies=None) -> Check:
    """Run ``check`` unless ``applies(sm)`` gives a reason it does not apply. A check
    that applies and raises has failed: an error never passes as "not applicable"."""
    reason = applies(sm) if applies is not None else None
    if reason:
        return Check(name, "n/a", reason)
    try:
        ok, detail = check(sm)
    except MixeqError as exc:
        return Check(name, "FAILED", f"{type(exc).__name__}: {exc}")
    return Check(name, "ok" if ok else "FAILED", detail)


def _has_random(sm: SymbolicModel) -> str | None:
    return None if sm.random else "no random effects (a linear model)"


def _matrix_applies(sm: SymbolicModel) -> str | None:
    if not sm.crossed:
        return None
    lev = next(lev for lev in range(2, sm.nlevels + 1) if len(sm.groups_at(lev)) > 1)
    return (f"{join_names(g.name for g in sm.groups_at(lev))} are crossed, so there is no "
            "one-cluster matrix form; the observation check covers row 1 of Xβ + Zb")


def _rhs(rel: Relation, index_map=None):
    return to_sympy(rel.rhs, index_map)


def _composite(sm: SymbolicModel, index_map=None):
    rel = composite.composite_relation(sm)
    return to_sympy(rel.lhs, index_map), to_sympy(rel.rhs, index_map)


def _zero(expr) -> bool:
    return sympy.expand(expr) == 0


def _multilevel(sm: SymbolicModel):
    doc = multilevel.build(sm)
    expr = _rhs(doc.row("level1").relation)
    subs = {}
    for level in range(2, sm.nlevels + 1):
        for row in doc.rows(f"level{level}"):
            subs[to_sympy(row.relation.lhs)] = _rhs(row.relation)
    for _ in range(sm.nlevels):
        expr = expr.xreplace(subs)
    _, comp = _composite(sm)
    diff = sympy.expand(expr - comp)
    return diff == 0, f"{_count(len(subs), 'coefficient equation')} substituted" if diff == 0 \
        else f"difference {diff}"


def _matrix(sm: SymbolicModel):
    doc = matrix.build(sm)
    one = {sm.obs_letter: "1"}
    x_row, beta = (_first_row(doc, "X"), _vector(doc, "beta")) if sm.fixed else ([], [])
    total = sum(a * b for a, b in zip(x_row, beta))
    k = 0
    while doc.rows(f"Z{k}"):
        total += sum(a * b for a, b in zip(_first_row(doc, f"Z{k}"), _vector(doc, f"b{k}")))
        k += 1
    total += _first_row(doc, "eps")[0]
    y1 = _first_row(doc, "Y")[0]
    lhs, rhs = _composite(sm, one)
    ok = len(x_row) == len(beta) and _zero(rhs - total) and _zero(lhs - y1)
    return ok, f"{_count(len(x_row), 'column')} of X, {_count(k, 'Z block')}" if ok else \
        f"difference {sympy.expand(rhs - total)}"


def _first_row(doc, name: str) -> list:
    return [to_sympy(e) for e in doc.row(name).relation.rhs.rows[0]]


def _vector(doc, name: str) -> list:
    return [to_sympy(row[0]) for row in doc.row(name).relation.rhs.rows]


def _observation(sm: SymbolicModel):
    rel = observation.observation_relation(sm, "1")
    lhs, rhs = _composite(sm, {sm.obs_letter: "1"})
    ok = _zero(to_sympy(rel.rhs) - rhs) and _zero(to_sympy(rel.lhs) - lhs)
    return ok, f"{_count(len(sm.fixed), 'fixed term')} and {_count(len(sm.random), 'random term')}" if ok else \
        f"difference {sympy.expand(to_sympy(rel.rhs) - rhs)}"


def _gelman_hill(sm: SymbolicModel):
    """Varying coefficients replaced by group mean + random effect, GH symbols by the
    composite's: the linear predictor must be the composite's fixed + random part."""
    doc = gelman_hill.build(sm)
    row = doc.rows("gh-mean") or [None]
    mean = to_sympy(row[0].relation.rhs if row[0] else doc.row("gh").relation.rhs.args[0])
    mean = mean.xreplace({sympy.Symbol(k): to_sympy(v) for k, v in doc.expand.items()})
    mean = mean.xreplace({sympy.Symbol(k): sympy.Symbol(v) for k, v in doc.aliases.items()})
    _, comp = _composite(sm)
    diff = sympy.expand(mean + to_sympy(sm.residual()) - comp)
    what = (_count(len(doc.expand), "varying coefficient") if doc.expand else
            f"zero-mean effects of {_count(len(sm.covariances), 'grouping factor')}"
            if sm.random else "the linear model")
    return diff == 0, (what if diff == 0 else f"difference {diff}")


def _symmetric(sm: SymbolicModel):
    for cov in sm.covariances:
        M = to_sympy(Matrix(tuple(tuple(r) for r in cov.matrix)))
        if M != M.T:
            return False, f"T of {cov.group} is not symmetric"
    return True, f"{_count(len(sm.covariances), 'grouping factor')}"


# -- with data: the columns themselves --------------------------------------------
_NUMPY = {"log": np.log, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs,
          "log2": np.log2, "log10": np.log10}


def atom_values(atom, data):
    if atom.var not in data.columns:
        return _transform_values(atom, data)
    col = data[atom.var]
    if atom.label is not None:
        text = col.astype(str)
        if atom.label not in set(text.unique()):  # a contrast column (.L, .Q …), not a dummy
            return None
        return (text == atom.label).to_numpy(dtype=float)
    try:
        return col.to_numpy(dtype=float)
    except (TypeError, ValueError):
        return None


def _transform_values(atom, data):
    tf = parse_transform(atom.var) if atom.label is None else None
    if tf is None or tf.var not in data.columns or tf.function not in (None, *_NUMPY):
        return None
    values = data[tf.var].to_numpy(dtype=float)
    return values ** tf.power if tf.power is not None else _NUMPY[tf.function](values)


def product_values(atoms, data):
    out = np.ones(len(data))
    for a in atoms:
        v = atom_values(a, data)
        if v is None:
            return None
        out = out * v
    return out


def _x_columns(sm: SymbolicModel):
    model = sm.info.model
    checked, skipped = 0, []
    for f in sm.fixed:
        v = product_values(f.atoms, model.data)
        if v is None:
            skipped.append(f.column)
            continue
        if not np.allclose(v, model.X[f.column].to_numpy(dtype=float)):
            return False, f"column {f.column} differs from the product of its predictors"
        checked += 1
    return True, f"{_count(checked, 'column')} equal" + (f"; not checked (transforms or contrasts): "
                                                 f"{', '.join(skipped)}" if skipped else "")


def _z_columns(sm: SymbolicModel):
    model = sm.info.model
    checked, skipped = 0, []
    for r in sm.random:
        term = model.terms[r.term]
        v = product_values(r.atoms, model.data)
        if v is None:
            skipped.append(r.column)
            continue
        if not np.allclose(v, term.matrix[:, term.columns.index(r.column)]):
            return False, f"column {r.column} of {term.group} differs"
        checked += 1
    return True, f"{_count(checked, 'term column')} equal" + (
        f"; not checked: {', '.join(skipped)}" if skipped else "")
