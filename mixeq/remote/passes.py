"""GLMMs from a database whose rows do not compress into cells (continuous
covariates): one query over the rows per PIRLS step, the solve in memory.

A PIRLS step (pirls.py) needs, at the current η, the cross-products of [Z F]
under the working weights W — F = [X z] when β is solved for, [z] when β is held
— and Σ dᵢ at the new point to accept or halve the step. Every one of those is a
sum over rows of w × (a product of two columns), and every column of X and Z is
a column of the model's *basis* (glmm.py: the distinct compiled columns, and 1).
So the engine, given β and each term's b = Λu (a small table per grouping factor,
joined on the factor's columns), evaluates per row η = offset + Xβ + Σ m·b[level],
μ, w = wt μ'²/V(μ), z = η − fixed + (y − μ)/μ' and the μ-dependent part of dᵢ
(links.py), and returns per *grouping cell* (one combination of the levels of all
grouping factors; MixedModels.jl's blocks are sums over them) the weighted Gram
matrix of [1, basis…, z] and Σ dᵢ: O(cells × d²) numbers. :class:`CellProducts`
places those sums where ``BlockedFactor.install`` wants them (weighted.py's
``Products``, the same blocks that ``reweight`` forms from rows), and the
in-memory factor solves. One pass per PIRLS iteration (the query at the new
point gives both its deviance and the next step's sums), one more per halving.

The criterion is the in-memory one to rounding: the same start (R's ``mustart``
evaluated per row), the same steps, sums in another order.
"""
from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from mixeq.errors import FitError
from mixeq.fitting.glmm.fit import GlmmProblem, Memo
from mixeq.fitting.glmm.mode import Mode, iterate
from mixeq.fitting.glmm.predictor import Solution, WeightedPredictor
from mixeq.fitting.weighted import Products
from mixeq.remote import links


@dataclass
class Point:
    """Where η is evaluated: β and each term's b = Λu (levels × k); ``b`` None: R's
    starting means (``mustart``), as the in-memory fit's first PIRLS step."""

    beta: np.ndarray | None = None
    b: list | None = None


START = Point()


@dataclass
class Sums:
    """One pass's result: each grouping cell's factor codes, its weighted Gram of
    [1, basis…, z] (cells × D × D), and Σ dᵢ over all rows."""

    codes: np.ndarray
    G: np.ndarray
    dev: float


class Engine:
    """The per-step query of one remote design (see the module)."""

    def __init__(self, design, family):
        self.design, self.family = design, family
        plan = design.plan
        self.src, self.complete = plan.src, plan.complete
        self.basis = list(plan.basis.values())                 # engine expressions
        self.index = {name: i + 1 for i, name in enumerate(plan.basis)}
        self.D = len(self.basis) + 2                           # [1, basis…, z]
        self.factors = list(dict.fromkeys(t.group for t in design.terms))
        self.term_factor = [self.factors.index(t.group) for t in design.terms]
        self.const_dev = plan.const["c_dev"]
        self.passes = 0
        self.runners: dict = {}             # start point or not → its compiled query
        self.staged = None                  # the staged rows (runner.stage), False: none
        self.codes = [f"_c{fi}" for fi in range(len(self.factors))]
        self.xs = [f"_x{i}" for i in range(len(self.basis))]

    def _key_frames(self) -> list:
        """Per grouping factor: its levels' engine values and their codes."""
        frames = []
        for fi, name in enumerate(self.factors):
            frame = self.design.groups[name].level_keys.reset_index(drop=True).copy()
            frame.columns = [f"_k{fi}_{c}" for c in range(frame.shape[1])]
            frame[f"_c{fi}"] = np.arange(len(frame), dtype=np.int64)
            frames.append(frame)
        return frames

    def _frames(self, point: Point, beta_fixed) -> list:
        """The small tables of one pass: per grouping factor the terms' b by level
        code, then one row of β (η's) and of β held fixed (0: solved for)."""
        frames = []
        for fi, name in enumerate(self.factors):
            frame = pd.DataFrame({f"_c{fi}": np.arange(self.design.groups[name].nlevels,
                                                       dtype=np.int64)})
            for ti, term in enumerate(self.design.terms):
                if self.term_factor[ti] == fi:
                    for j in range(term.ncols):
                        frame[f"_b{ti}_{j}"] = (np.zeros(term.nlevels) if point.b is None else
                                                np.asarray(point.b[ti][:, j], dtype=float))
            frames.append(frame)
        p = len(self.design.x_basis)
        beta = np.zeros(p) if point.beta is None else np.asarray(point.beta, dtype=float)
        fixed = np.zeros(p) if beta_fixed is None else np.asarray(beta_fixed, dtype=float)
        params = {f"_beta{j}": [beta[j]] for j in range(p)}
        params.update({f"_fix{j}": [fixed[j]] for j in range(p)})
        frames.append(pd.DataFrame(params, dtype=float))
        return frames

    def _stage_expr(self, key_tables):
        """The complete rows with their level codes and the columns the passes read."""
        from mixeq.remote.glmm import _product

        d = self.design
        t = self.src.table.filter(self.complete)
        wt = _product(d.trials_expr, d.weight_expr)
        cols = {f"_x{i}": e for i, e in enumerate(self.basis)}
        cols["_y"] = d.y_expr
        cols["_wt"] = ibis.literal(1.0, type="float64") if wt is None else wt
        cols["_off"] = d.offset_expr if d.offset_expr is not None else ibis.literal(0.0, "float64")
        names = list(dict.fromkeys(c for term in d.terms for c in term.group.split(":")))
        base = t.select(*[t[c] for c in names], **cols)
        for fi, (name, m) in enumerate(zip(self.factors, key_tables)):
            preds = [base[c] == m[f"_k{fi}_{k}"] for k, c in enumerate(name.split(":"))]
            base = base.inner_join(m, preds).select(*[base[c] for c in base.columns],
                                                    m[f"_c{fi}"])
        return base.select(*self.codes, *self.xs, "_y", "_wt", "_off")

    def _build(self, staged, tables, start: bool):
        """One pass's query over the staged rows and the pass's tables (``_frames``)."""
        d = self.design
        one = ibis.literal(1.0, type="float64")
        base = staged
        if not start:
            for fi, m in enumerate(tables[:-1]):
                keep = [c for c in m.columns if c != f"_c{fi}"]
                base = base.inner_join(m, base[f"_c{fi}"] == m[f"_c{fi}"]).select(
                    *[base[c] for c in base.columns], *[m[c] for c in keep])
        base = base.cross_join(tables[-1])

        def col(i):                                     # basis column i (0: the constant)
            return one if i == 0 else base[f"_x{i - 1}"]

        fixed = base["_off"] + self._xbeta(col, base, "_fix")
        if start:
            staged = links.mustart_eta(self.family, base.select(
                *self.codes, *self.xs, "_y", "_wt", _fixed=fixed))
        else:
            eta = base["_off"] + self._xbeta(col, base, "_beta")
            for ti, term in enumerate(d.terms):
                for j in range(term.ncols):
                    eta = eta + col(d.term_basis[ti][j]) * base[f"_b{ti}_{j}"]
            staged = base.select(*self.codes, *self.xs, _y=base["_y"], _wt=base["_wt"],
                                 _eta=eta, _fixed=fixed)
        s = links.working(self.family, staged)
        vec = [None] + [s[x] for x in self.xs] + [s["_z"]]
        metrics = {"d_": s["_dev"].sum()}
        for i in range(self.D):
            for j in range(i, self.D):
                e = s["_w"]
                for k in (i, j):
                    if vec[k] is not None:
                        e = e * vec[k]
                metrics[f"s_{i}_{j}"] = e.sum()
        return s.group_by(self.codes).aggregate(**metrics)

    def _xbeta(self, col, base, prefix: str):
        out = ibis.literal(0.0, type="float64")
        for j, i in enumerate(self.design.x_basis):
            out = out + col(i) * base[f"{prefix}{j}"]
        return out

    def step(self, point: Point, beta_fixed=None) -> Sums:
        """One pass: the weighted Grams per grouping cell and Σ dᵢ at ``point``."""
        from mixeq.remote.runner import Runner, stage

        frames = self._frames(point, beta_fixed)
        start = point.b is None
        if self.staged is None:           # the rows with their codes, once (one pass)
            keys = self._key_frames()
            staged = stage(self.src, self._stage_expr, keys, self.design.nobs, owner=self)
            self.staged = False if staged is None else staged
            self.passes += staged is not None
            self.keys = [] if staged is not None else keys
        if start not in self.runners:
            nk = len(self.keys)

            def build(tables):
                staged = self.staged if self.staged is not False else \
                    self._stage_expr(tables[:nk])
                return self._build(staged, tables[nk:], start)
            self.runners[start] = Runner(self.src, build, self.keys + frames)
        out = self.runners[start].run(self.keys + frames)
        self.passes += 1
        D = self.D
        G = np.empty((len(out), D, D))
        for i in range(D):
            for j in range(i, D):
                v = out[f"s_{i}_{j}"].to_numpy(dtype=float)
                G[:, i, j] = v
                G[:, j, i] = v
        codes = np.column_stack([out[f"_c{fi}"].to_numpy(dtype=np.int64)
                                 for fi in range(len(self.factors))])
        dev = float(out["d_"].to_numpy(dtype=float).sum()) + self.const_dev
        return Sums(codes, G, dev)


class CellProducts:
    """weighted.py's ``Products`` from per-cell Gram sums: each block entry is a
    sum over cells of one Gram entry, placed where ``RowIndex`` places a row's."""

    def __init__(self, factor, terms, term_basis: list, term_factor: list):
        self.factor, self.terms = factor, terms
        self.term_basis, self.term_factor = term_basis, term_factor
        self.q1 = terms[0].q
        self.qR = sum(t.q for t in terms[1:])

    def products(self, sums: Sums, F: list[int]) -> Products:
        G, codes = sums.G, sums.codes
        t1 = self.terms[0]
        k1, n1, f = t1.ncols, t1.nlevels, len(F)
        c1, b1 = codes[:, self.term_factor[0]], self.term_basis[0]

        def by(idx, i, j, size):
            return np.bincount(idx, weights=G[:, i, j], minlength=size)

        A11 = np.empty((n1, k1, k1))
        for a in range(k1):
            for b in range(k1):
                A11[:, a, b] = by(c1, b1[a], b1[b], n1)
        AF1 = np.empty((n1, k1, f))
        for a in range(k1):
            for j, fj in enumerate(F):
                AF1[:, a, j] = by(c1, b1[a], fj, n1)
        AFF = G.sum(axis=0)[np.ix_(F, F)]
        if not self.qR:
            return Products(A11, AF1, AFF, None, None, None)
        qR, q1 = self.qR, self.q1
        colR, basR, start = [], [], 0
        for ti, t in enumerate(self.terms[1:], start=1):
            c = codes[:, self.term_factor[ti]]
            for j in range(t.ncols):
                colR.append(start + c * t.ncols + j)
                basR.append(self.term_basis[ti][j])
            start += t.q
        ARR = np.zeros(qR * qR)
        for a, (ca, ba) in enumerate(zip(colR, basR)):
            for cb, bb in zip(colR, basR):
                ARR += by(ca * qR + cb, ba, bb, qR * qR)
        AFR = np.empty((f, qR))
        for j, fj in enumerate(F):
            AFR[j] = sum(by(ca, fj, ba, qR) for ca, ba in zip(colR, basR))
        cb = self.factor.cross
        from mixeq.fitting.xyblocks import DenseCross

        if isinstance(cb, DenseCross):
            size, pos = qR * q1, [ca * q1 + c1 * k1 for ca in colR]
        else:                      # CrossBlocks: blocks sorted by level·qR + row (RowIndex.bind)
            ukey = cb.levels.astype(np.int64) * qR + cb.rows
            size = ukey.size * k1
            pos = [np.searchsorted(ukey, c1 * qR + ca) * k1 for ca in colR]
        cross = np.zeros(size)
        for p, ba in zip(pos, basR):
            for a in range(k1):
                cross += by(p + a, ba, b1[a], size)
        return Products(A11, AF1, AFF, cross, ARR.reshape(qR, qR), AFR)


class PassPredictor(WeightedPredictor):
    """The re-weighted blocked factor with its products given (``install``) instead
    of formed from rows (the factor is laid out on the grouping cells)."""

    def __init__(self, X, terms, layout, term_basis, term_factor):
        super().__init__(X, terms, layout)
        self.cells = CellProducts(self.factor, self.terms, term_basis, term_factor)

    def solve_sums(self, theta, pr: Products) -> Solution | None:
        fac = self.factor
        fac.install(pr)
        parts = fac.blocks(theta, self.lambdas(theta))
        fz = fac.solution(parts)
        if fz is None:
            return None
        return Solution(fz.u, fz.beta, fz.ld_l, fz.rx, parts.L1)

    def condvar_u(self, theta, pr: Products) -> list[np.ndarray]:
        """(LLᵀ)⁻¹'s diagonal blocks under the products of the modes' last step."""
        self.factor.install(pr)
        return self.factor.condvar_u(theta)


class PassProblem(GlmmProblem):
    """A GLMM whose PIRLS steps are queries (see the module): glmm/fit.py's stages
    run on it unchanged (``fit_glmm(problem=PassProblem)``)."""

    def __init__(self, model, nagq: int):
        from mixeq.fitting.theta import ThetaLayout

        if nagq > 1:
            raise FitError(f"nagq = {nagq} (adaptive Gauss–Hermite) is not available when a GLMM "
                           "is fitted by passes over a database's rows; use nagq=1 (Laplace), or "
                           "remote_glmm='cells' when the rows compress into cells")
        design = model.design
        links.check_link(model.family)
        self.model, self.nagq, self.rule = model, nagq, None
        self.resp = None
        self.layout = ThetaLayout.from_terms(model.terms)
        self.ntheta = self.layout.size
        self.evaluations = 0
        self.memo = Memo()
        self.engine = Engine(design, model.family)
        self.pred = PassPredictor(model.X.to_numpy(dtype=float), model.terms, self.layout,
                                  design.term_basis, self.engine.term_factor)
        self.offset_c = design.plan.const["offset_c"]
        self.x_basis = list(design.x_basis)
        self.z_index = self.engine.D - 1

    def initial_eta(self, theta):
        return self.pirls(theta, START).eta

    def _point(self, lams, u, beta) -> Point:
        return Point(np.asarray(beta, dtype=float), [ut @ lam.T for ut, lam in zip(u, lams)])

    def pirls(self, theta, eta0: Point, beta=None) -> Mode:
        """pirls.py's loop (``iterate``), each evaluation of η a query (one pass)."""
        steps = PassSteps(self, theta, eta0, beta)
        return steps.mode(iterate(steps, beta))

    def laplace(self, mode: Mode) -> float:
        """log|L|² + ‖u‖² + aic, aic = Σ dᵢ + offset_c (glmm.py's constants)."""
        return mode.sol.ld_l + mode.pdev + self.offset_c

    def criterion(self, theta, mode) -> float:
        return self.laplace(mode)


class PassSteps:
    """PIRLS steps (pirls.py's ``iterate``) whose evaluations are passes: the query at
    a point gives its Σ dᵢ and the next step's cross-products at once."""

    def __init__(self, problem: PassProblem, theta, eta0: Point, beta):
        self.problem, self.theta, self.beta = problem, theta, beta
        self.F = (problem.x_basis if beta is None else []) + [problem.z_index]
        self.lams = problem.pred.lambdas(theta)
        self.first = problem.engine.step(eta0, beta)
        self.products = None

    def solve(self, state):
        sums = self.first if state is None else state[1]
        pred = self.problem.pred
        self.products = pred.cells.products(sums, self.F)
        return pred.solve_sums(self.theta, self.products)

    def evaluate(self, new):
        u, beta = new
        point = self.problem._point(self.lams, u, beta)
        sums = self.problem.engine.step(point, self.beta)
        return (point, sums), sums.dev + float(sum(np.sum(v * v) for v in u))

    def mode(self, r) -> Mode:
        return Mode(r.state[0], None, r.point[0], np.asarray(r.point[1]), r.sol, self.products,
                    r.pdev, r.iterations)
