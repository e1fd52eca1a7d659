"""verify() with data: the symbols the rendered equations show, evaluated on the
data, must rebuild ``m.X``, ``m.Z`` and ``m.y`` — every column, every cluster,
every row — and every subscript must agree with the data.

Nothing here reads the symbolic model's column bookkeeping (``FixedCoef.atoms``,
``RandomEffect.column``): the equations are read as written (a display tree), a
variable symbol ``x_ij`` is looked up in the data by its displayed name, and the
coefficient it multiplies is tied to a column of X only by the written β vector
of the matrix form (X's column order, as lme4's ``getME(m, "X")``) or, for
crossed factors, by value. A symbol written with the cluster index only (``m_j``)
means "the value of cluster j": it is evaluated on the cluster's first row, so a
predictor that varies within j and is written ``x_j`` fails here as well as in
the subscript check.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mixeq.design.context import STATEFUL
from mixeq.design.levels import as_numbers, cluster_rows, constant_within
from mixeq.design.names import dummy_name
from mixeq.errors import MixeqError
from mixeq.equations.tree import Add, Call, Dots, Matrix, Mul, Neg, Num, Pow, Sym

_NUMPY = {"log": np.log, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs,
          "log2": np.log2, "log10": np.log10}


def stateful_call(name: str) -> bool:
    """``name`` is exactly one call of a stateful transform (:data:`STATEFUL`)."""
    from mixeq.spec.check import call_arguments

    return any(name.startswith(f + "(") and call_arguments(name, f) is not None
               for f in STATEFUL)


class NotEvaluable(Exception):
    """A displayed expression whose value the data cannot give (``poly(x, 2)1``)."""


@dataclass
class Clusters:
    """A grouping factor as the proof sees it: the index letter(s) of its clusters,
    its codes per row, and each row's cluster's first row."""

    name: str
    tokens: tuple
    codes: np.ndarray
    nlevels: int

    def first_rows(self) -> np.ndarray:
        first = np.full(self.nlevels, -1)
        order = np.arange(len(self.codes))[::-1]
        first[self.codes[order]] = order  # the last write is the smallest row
        return first

    def rows_of(self, code: int) -> np.ndarray:
        return cluster_rows(self.codes, code)


def cluster_key(tokens) -> tuple:
    """Index tokens as the key of a grouping factor: Gelman–Hill's ``j[i]`` is j."""
    return tuple(str(t).split("[", 1)[0] for t in tokens)


class Evaluator:
    """Values on the data of what the equations display."""

    def __init__(self, sm, model):
        self.model, self.data = model, model.data
        self.obs = sm.obs_letter
        self.display = {v: k for k, v in sm.opts.names.items()}
        self.clusters = {g.tokens: Clusters(g.name, g.tokens, model.groups[g.name].codes,
                                            model.groups[g.name].nlevels)
                         for g in sm.groups.values() if g.name in model.groups}
        self.letter = {tok[0]: c for tok, c in self.clusters.items()}
        self._cache: dict = {}
        from mixeq.equations.forms.matrix import response_values

        self.response = sm.response_name  # y_ij is the model's response (a factor's 0/1,
        self.response_values = response_values(sm).to_numpy(dtype=float)  # cbind's successes)

    # -- variables ------------------------------------------------------------
    def column_of(self, sym: Sym) -> str:
        name = self.display.get(sym.base, sym.base)
        if name not in self.data.columns:
            raise NotEvaluable(f"{name} is not a column of the data")
        return name

    def raw(self, sym: Sym) -> np.ndarray:
        key = (sym.base, sym.label)
        if key not in self._cache:
            self._cache[key] = self._raw(sym)
        return self._cache[key]

    def _raw(self, sym: Sym) -> np.ndarray:
        if sym.base == self.response and sym.label is None:
            return self.response_values
        name = self.display.get(sym.base, sym.base)
        if stateful_call(name):
            return self.designed(name, sym.label)
        if sym.label is not None:  # a factor's dummy: a column's level, or a logical's
            from mixeq.equations.proof_expr import NotArithmetic, level_indicator

            try:
                return level_indicator(name, sym.label, self.data)
            except NotArithmetic as exc:
                raise NotEvaluable(f"{dummy_name(sym.base, sym.label)}: {exc}") from None
        if name not in self.data.columns:
            return self.transformed(name)
        col = self.data[self.column_of(sym)]
        try:
            return col.to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise NotEvaluable(f"{sym.base} is not numeric") from None

    def transformed(self, name: str) -> np.ndarray:
        """A term displayed whole (``log(x + 5)``): its text as arithmetic on the data's
        columns (proof_expr.py, parsed, never run); a stateful call inside
        (``I(scale(x)^2)``) valued by :meth:`designed`."""
        from mixeq.equations.proof_expr import NotArithmetic, expression_values

        def stateful(call: str) -> np.ndarray:
            try:
                return self.designed(call, None)
            except NotEvaluable as exc:
                raise NotArithmetic(str(exc)) from None
        try:
            return expression_values(name, self.data, stateful)
        except NotArithmetic as exc:
            raise NotEvaluable(f"{name} is not a column of the data ({exc})") from None

    def designed(self, name: str, label: str | None) -> np.ndarray:
        """A term calling a stateful transform (``poly(x, 2)`` at ``1``, ``scale(x + 1)``):
        the term alone materialised on the data by the design's one definition
        (:func:`mixeq.design.fixed.build_matrix`, the model's evaluation context and
        aliases: R's ``model.matrix(~ 0 + poly(x, 2))``), its column ``name + label``.
        Recomputed, never read from X, so a wrong or swapped column of X differs."""
        if ("designed", name) not in self._cache:
            from mixeq.design.fixed import build_matrix

            design = self.model.design
            try:
                values, names, _ = build_matrix(False, (name,), self.data, f"term {name}",
                                                design.context, getattr(design, "aliases", None))
            except MixeqError as exc:
                raise NotEvaluable(f"{name}: {str(exc).splitlines()[0]}") from None
            self._cache[("designed", name)] = dict(zip(names, values.T))
        columns = self._cache[("designed", name)]
        wanted = name + (label or "")
        if label is None and len(columns) == 1:  # the term's one column, however named
            return next(iter(columns.values()))
        if wanted not in columns:
            raise NotEvaluable(f"{wanted} is not a column of {name} (its columns: "
                               f"{', '.join(columns)})")
        return columns[wanted]

    def find_cluster(self, tokens) -> Clusters | None:
        """The grouping factor an index names: (j, k) exactly, or Gelman–Hill's j[i]
        (one letter, the factor whose index starts with it)."""
        key = cluster_key(tokens)
        return self.clusters.get(key) or (self.letter.get(key[0]) if len(key) == 1 else None)

    def cluster_of(self, tokens: tuple) -> Clusters:
        found = self.find_cluster(tokens)
        if found is None:
            raise NotEvaluable(f"the index {''.join(map(str, tokens))} names no grouping "
                               "factor of the model")
        return found

    def is_observation(self, sym: Sym) -> bool:
        return bool(sym.sub) and (sym.sub[0] == self.obs or str(sym.sub[0]).isdigit()
                                  or (isinstance(sym.sub[0], Sym) and sym.sub[0].base == "n"))

    def at(self, sym: Sym, rows: np.ndarray) -> np.ndarray:
        """The variable at ``rows`` (one value per row): its own value when written with
        the observation index, its cluster's value (first row) when written x_j."""
        values = self.raw(sym)
        if self.is_observation(sym):
            return values[rows]
        if not sym.sub:
            raise NotEvaluable(f"{sym.base} is written without an index")
        cl = self.cluster_of(sym.sub)
        return values[cl.first_rows()[cl.codes[rows]]]

    # -- expressions ------------------------------------------------------------
    def value(self, node, rows: np.ndarray, at=None) -> np.ndarray:
        at = at or self.at
        if isinstance(node, Sym):
            if node.kind != "var":
                raise NotEvaluable(f"{node.key} is not a variable")
            return at(node, rows)
        if isinstance(node, Num):
            return np.full(len(rows), float(node.value))
        if isinstance(node, Mul):
            out = np.ones(len(rows))
            for f in node.factors:
                out = out * self.value(f, rows, at)
            return out
        if isinstance(node, Pow) and isinstance(node.exp, Num):
            return self.value(node.base, rows, at) ** float(node.exp.value)
        if isinstance(node, Neg):
            return -self.value(node.arg, rows, at)
        if isinstance(node, Call) and len(node.args) == 1:
            if node.name in _NUMPY:  # log of a non-positive value: nan, which then differs
                with np.errstate(all="ignore"):
                    return _NUMPY[node.name](self.value(node.args[0], rows, at))
            if node.name in ("scale", "center"):  # R's scale(): over all rows used
                whole = self.value(node.args[0], np.arange(len(self.data)))
                out = self.value(node.args[0], rows, at) - whole.mean()
                return out / whole.std(ddof=1) if node.name == "scale" else out
        raise NotEvaluable(f"{type(node).__name__} {node!r} has no value on the data")


# -- reading a written equation -------------------------------------------------
def split_term(term, coefficients) -> tuple[list, object]:
    """(coefficient symbols, the rest as a product) of one term of a sum."""
    factors = list(term.factors) if isinstance(term, Mul) else [term]
    coefs = [f for f in factors if isinstance(f, Sym) and f.key in coefficients]
    rest = [f for f in factors if not (isinstance(f, Sym) and f.key in coefficients)]
    return coefs, (Mul(tuple(rest)) if len(rest) > 1 else rest[0] if rest else Num(1))


def sum_terms(node) -> list:
    return list(node.terms) if isinstance(node, Add) else [node]


@dataclass
class WrittenTerm:
    coefficient: Sym
    product: object
    values: np.ndarray | None
    problem: str = ""


def written_terms(rhs, coefficients: set, ev: Evaluator) -> tuple[list, list[str]]:
    """Each term of the composite's right side with the column it makes on the data."""
    out, problems = [], []
    rows = np.arange(len(ev.data))
    for term in sum_terms(rhs):
        coefs, product = split_term(term, coefficients)
        if not coefs:
            continue  # the residual, or a term with no coefficient (reported by the caller)
        if len(coefs) > 1:
            problems.append(f"{' '.join(c.key for c in coefs)} multiply each other")
            continue
        try:
            out.append(WrittenTerm(coefs[0], product, ev.value(product, rows)))
        except NotEvaluable as exc:
            out.append(WrittenTerm(coefs[0], product, None, str(exc)))
    return out, problems


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-9))


def first_difference(a: np.ndarray, b: np.ndarray) -> str:
    bad = np.flatnonzero(~np.isclose(a, b, rtol=1e-9, atol=1e-9))
    if not bad.size:
        return ""
    r = int(bad[0])
    return f"row {r + 1}: {a[r]:.6g} written, {b[r]:.6g} in the data"


# -- X --------------------------------------------------------------------------
def check_x(ev: Evaluator, composite_rhs, fixed: set, beta: list | None):
    """Columns of m.X, one to one, by name (the written β, X's order) and by value
    (every row)."""
    X = ev.model.X
    terms, problems = written_terms(composite_rhs, fixed, ev)
    if problems:
        return False, "; ".join(problems)
    seen: dict[str, int] = {}
    for t in terms:
        seen[t.coefficient.key] = seen.get(t.coefficient.key, 0) + 1
    twice = [k for k, n in seen.items() if n > 1]
    if twice:
        return False, f"one symbol for two coefficients: {', '.join(twice)} multiplies " \
            "two different terms"
    unreadable = [f"{t.coefficient.key} ({t.problem})" for t in terms if t.values is None]
    if unreadable:
        return False, "cannot rebuild from the data: " + "; ".join(unreadable)
    if len(terms) != X.shape[1]:
        return False, (f"the equations write {len(terms)} fixed terms, X has "
                       f"{X.shape[1]} columns ({', '.join(map(str, X.columns))})")
    by_key = {t.coefficient.key: t for t in terms}
    if beta is not None:  # by name: β's k-th entry is the coefficient of X's k-th column
        if len(beta) != X.shape[1]:
            return False, f"β has {len(beta)} entries, X has {X.shape[1]} columns"
        for k, (coef, col) in enumerate(zip(beta, X.columns)):
            t = by_key.get(getattr(coef, "key", None))
            if t is None:
                return False, f"β's entry {k + 1} ({_show(coef)}, for column {col}) " \
                    "multiplies no term of the composite equation"
            want = X[col].to_numpy(dtype=float)
            if not same(t.values, want):
                return False, (f"column {col}: its coefficient {_show(coef)} multiplies "
                               f"{_show(t.product)}, which differs ({first_difference(t.values, want)})")
        return True, f"{len(terms)} columns of X equal, by name (β) and value, on all {len(X)} rows"
    free = list(terms)
    for col in X.columns:  # crossed factors: no β_j to name them; match by value
        want = X[col].to_numpy(dtype=float)
        hit = next((t for t in free if same(t.values, want)), None)
        if hit is None:
            return False, f"column {col} of X is the product of no fixed term's predictors"
        free.remove(hit)
    return True, f"{len(terms)} columns of X equal, by value, on all {len(X)} rows"


def _show(node) -> str:
    if isinstance(node, Sym):
        return node.key.replace("_{", "_").replace("}^{}", "").replace("}", "")
    if isinstance(node, Mul):
        return " ".join(_show(f) for f in node.factors)
    if isinstance(node, Pow):
        return f"{_show(node.base)}^{_show(node.exp)}"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(_show(a) for a in node.args)})"
    if isinstance(node, Num):
        return f"{node.value:g}"
    return type(node).__name__


# -- Z ----------------------------------------------------------------------------
def check_z(ev: Evaluator, composite_rhs, effects: dict, b_order: dict | None):
    """Every column of m.Z rebuilt: the indicator of cluster j (the effect's index)
    times the product the effect multiplies, one to one with Z's columns.

    ``effects``: random-effect key → its grouping factor's name as the
    distributions write it; ``b_order``: group → the written b_j vector (Z_j's
    column order), when the matrix form exists."""
    model = ev.model
    terms, problems = written_terms(composite_rhs, set(effects), ev)
    if problems:
        return False, "; ".join(problems), {}
    unreadable = [f"{t.coefficient.key} ({t.problem})" for t in terms if t.values is None]
    if unreadable:
        return False, "cannot rebuild from the data: " + "; ".join(unreadable), {}
    counts: dict[str, int] = {}
    for t in terms:
        counts[t.coefficient.key] = counts.get(t.coefficient.key, 0) + 1
    twice = [k for k, n in counts.items() if n > 1]
    if twice:
        return False, f"one symbol for two random effects: {', '.join(twice)}", {}
    expected = sum(t.ncols for t in model.terms)
    if len(terms) != expected:
        cols = ", ".join(f"{t.group}:{c}" for t in model.terms for c in t.columns)
        return False, f"the equations write {len(terms)} random terms, Z's terms have " \
            f"{expected} columns ({cols})", {}
    by_key = {t.coefficient.key: t for t in terms}
    mapping: dict[str, tuple[int, int]] = {}
    free = list(terms)
    for ti, term in enumerate(model.terms):
        written = [t for t in terms if _group_of(ev, t.coefficient) == term.group]
        order = b_order.get(term.group) if b_order else None
        for ci, col in enumerate(term.columns):
            want = term.matrix[:, ci]
            if order is not None:  # by name: Z_j's column order is b_j's
                pos = sum(u.ncols for u in model.terms[:ti] if u.group == term.group) + ci
                if pos >= len(order) or order[pos] not in by_key:
                    return False, f"b_j has no entry for column {col} of {term.group}", {}
                hit = by_key[order[pos]]
                if not same(hit.values, want):
                    return False, (f"column {col} of {term.group}: its random effect "
                                   f"{_show(hit.coefficient)} multiplies {_show(hit.product)}, "
                                   f"which differs ({first_difference(hit.values, want)})"), {}
            else:
                hit = next((t for t in written if t in free and same(t.values, want)), None)
                if hit is None:
                    return False, f"column {col} of {term.group} is the product of no " \
                        "random effect's predictors", {}
            if _group_of(ev, hit.coefficient) != term.group:
                return False, f"{_show(hit.coefficient)} is indexed by another factor than " \
                    f"{term.group}", {}
            free.remove(hit)
            mapping[hit.coefficient.key] = (ti, ci)
    Z = _rebuild_z(ev, mapping, by_key)
    diff = abs(Z - model.Z)
    if diff.nnz and diff.max() > 1e-9:
        return False, "Z rebuilt from the equations differs from m.Z", mapping
    return True, (f"{Z.shape[1]} columns of Z ({len(terms)} random effects × their clusters) "
                  f"equal on all {Z.shape[0]} rows"), mapping


def _group_of(ev: Evaluator, sym: Sym) -> str | None:
    tokens = tuple(t for t in sym.sub if not str(t).isdigit() and "," not in str(t))
    found = ev.clusters.get(tokens)
    return found.name if found else None


def _rebuild_z(ev: Evaluator, mapping: dict, by_key: dict) -> sp.csc_matrix:
    """Columns level-major within each term (lme4's order): indicator of the cluster
    named by the effect's index × the written product."""
    model = ev.model
    inverse = {v: k for k, v in mapping.items()}
    blocks = []
    n = len(ev.data)
    for ti, term in enumerate(model.terms):
        k = term.ncols
        codes = model.groups[term.group].codes
        vals = np.column_stack([by_key[inverse[(ti, ci)]].values for ci in range(k)])
        rows = np.repeat(np.arange(n), k)
        cols = (codes[:, None] * k + np.arange(k)[None, :]).ravel()
        block = sp.csc_matrix((vals.ravel(), (rows, cols)), shape=(n, term.nlevels * k))
        blocks.append(block)
    return sp.hstack(blocks, format="csc") if blocks else sp.csc_matrix((n, 0))


# -- the matrix form's rows: every cluster ---------------------------------------------
def check_matrix_rows(ev: Evaluator, doc, finest: str, mapping: dict) -> tuple[bool, str]:
    """Rows 1, 2 and n_j of Y_j, X_j and Z_j as written, for every cluster: the row at
    display position p must be row p of the cluster in m.y, m.X, Z's term columns.
    An entry's own row index says which row it reads, so rows copying row 1 fail."""
    model = ev.model
    clusters = model.groups[finest]
    rows_of = [clusters_rows for clusters_rows in
               (cluster_rows(clusters.codes, c) for c in range(clusters.nlevels))]
    targets = {"Y": ev.response_values[:, None], "X": model.X.to_numpy(dtype=float)}
    if doc.rows("offset") and model.offset is not None:
        targets["offset"] = np.asarray(model.offset, dtype=float)[:, None]
    k = 0
    while doc.rows(f"Z{k}"):
        b = [e[0] for e in doc.row(f"b{k}").relation.rhs.rows]
        if any(getattr(sym, "key", None) not in mapping for sym in b):
            return False, f"b_j of Z{k} lists a symbol that is no random effect of the equations"
        targets[f"Z{k}"] = np.column_stack([model.terms[mapping[s.key][0]].matrix[
            :, mapping[s.key][1]] for s in b])
        k += 1
    checked = 0
    for name, want in targets.items():
        if not doc.rows(name):
            continue
        mat = doc.row(name).relation.rhs
        shown = [r for r in mat.rows if not all(isinstance(e, Dots) for e in r)]
        positions = _positions(len(shown), len(mat.rows) != len(shown))
        for pos, row in zip(positions, shown):
            if len(row) != want.shape[1]:
                return False, f"{name}_j has {len(row)} columns, the data {want.shape[1]}"
            use = [r for r in rows_of if len(r) > (pos if pos >= 0 else 0)]
            target = np.array([r[pos] for r in use])
            for c, entry in enumerate(row):
                got = ev.value(entry, target, at=_at_row(ev, use, finest))
                if not same(got, want[target, c]):
                    where = "n_j" if pos < 0 else str(pos + 1)
                    return False, (f"row {where} of {name}_j, column {c + 1} ({_show(entry)}): "
                                   f"{first_difference(got, want[target, c])}")
            checked += 1
    return True, f"{checked} written rows of Y_j, X_j and Z_j equal for all " \
        f"{clusters.nlevels} clusters"


def _positions(count: int, elided: bool) -> list[int]:
    """Row positions (0-based, −1 for the last) of the shown rows: 1, 2, ⋮, n_j."""
    if elided:
        return [0, 1, -1][:count] if count <= 3 else list(range(count - 1)) + [-1]
    return list(range(count))


def _at_row(ev: Evaluator, rows_of: list, finest: str):
    """Variable lookup for an entry of a cluster's matrix: ``x_{2j}`` reads the
    cluster's second row, ``x_{n_j j}`` its last, ``m_j`` its first."""
    def at(sym, target):
        values = ev.raw(sym)
        if not ev.is_observation(sym):
            return ev.at(sym, target)
        tok = sym.sub[0]
        if isinstance(tok, Sym):
            pos = -1
        elif str(tok).isdigit():
            pos = int(tok) - 1
        else:
            raise NotEvaluable(f"{_show(sym)}: a row of a cluster's matrix needs a row number")
        return np.array([values[r[pos]] if len(r) > pos else np.nan for r in rows_of])
    return at


# -- subscripts ---------------------------------------------------------------------------
def variable_symbols(node, out: list) -> list:
    """Every variable symbol in a display tree."""
    if isinstance(node, Sym):
        if node.kind == "var":
            out.append(node)
        for t in node.sub:
            if isinstance(t, Sym):
                variable_symbols(t, out)
        return out
    if isinstance(node, (list, tuple)):
        for n in node:
            variable_symbols(n, out)
        return out
    if hasattr(node, "__dataclass_fields__"):
        for f in node.__dataclass_fields__:
            if f not in ("name", "form", "notes", "aliases", "expand"):
                variable_symbols(getattr(node, f), out)
    return out


def check_subscripts(ev: Evaluator, documents: dict, response: str, given: set,
                     slopes: dict) -> tuple[bool, str]:
    """A symbol written with cluster indices only (m_j) must be constant within that
    factor (:func:`mixeq.design.levels.constant_within`, the design's definition); one
    written with the observation index (x_ij) must vary within the factors its
    subscript names — unless the level was given (``levels=``) or it has a random
    slope on that factor, which is allowed to vary."""
    seen, problems = set(), []
    for form, doc in documents.items():
        for sym in variable_symbols(doc.blocks, []):
            name = ev.display.get(sym.base, sym.base)
            key = (name, sym.label, tuple(str(t) for t in sym.sub if not isinstance(t, Sym)),
                   ev.is_observation(sym))
            if key in seen or name == response:
                continue
            seen.add(key)
            try:
                values = as_numbers(ev.data[name]) if sym.label is None \
                    and name in ev.data.columns else ev.raw(sym)
            except NotEvaluable:
                continue  # reported by the column checks
            if not ev.is_observation(sym):
                cl = ev.find_cluster(sym.sub)
                if cl is None:
                    problems.append(f"{_show(sym)} ({form}): its index names no grouping factor")
                elif not constant_within(values, cl.codes, cl.nlevels):
                    problems.append(f"{_show(sym)} ({form}) is written constant within "
                                    f"{cl.name}, but {name} varies within {cl.name}")
                continue
            if name in given:
                continue
            for tokens, cl in ev.clusters.items():
                if not set(map(str, tokens)) <= set(map(str, sym.sub[1:])):
                    continue
                if cl.name in slopes.get(name, ()):
                    continue
                if constant_within(values, cl.codes, cl.nlevels):
                    problems.append(f"{_show(sym)} ({form}) is written with the observation "
                                    f"index, but {name} is constant within {cl.name}: write it "
                                    f"with {cl.name}'s index only")
                    break
    if problems:
        return False, "; ".join(dict.fromkeys(problems))
    return True, f"{len({k[0] for k in seen})} variables' subscripts agree with the data"
