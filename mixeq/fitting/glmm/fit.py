"""``fit_glmm``: glmer's fit (lme4 ≥ 1.0, ``glmerControl()`` defaults).

1. Start: μ from the family's ``initialize`` (R's ``mustart``), η = g(μ); one
   PIRLS over u and β at lme4's starting θ gives η₀.
2. Stage 1 (lme4's nAGQ = 0 step): minimise over θ the Laplace deviance with β
   solved inside PIRLS (each evaluation starts from η₀, so the criterion is a
   function of θ alone).
3. Stage 2 (nAGQ ≥ 1): minimise over (θ, β) jointly the Laplace deviance
   (nAGQ = 1) or the adaptive Gauss–Hermite one (nAGQ > 1, one scalar term),
   with u found by PIRLS at each point, from stage 1's optimum and η.
Both stages use nlopt's BOBYQA (lme4: bobyqa, then Nelder–Mead); β's first
steps are its stage-1 standard errors, so the search is scaled.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg.lapack import dtrtrs

from mixeq.errors import FitError
from mixeq.fitting.glmm import batch
from mixeq.fitting.glmm.agq import AgqPlan, agq, gh_rule
from mixeq.fitting.glmm.batch import Prefetched
from mixeq.fitting.glmm.mode import PirlsFailed
from mixeq.fitting.glmm.pirls import laplace, pirls
from mixeq.fitting.glmm.predictor import make_predictor
from mixeq.fitting.glmm.response import GlmResponse
from mixeq.fitting.optimize import minimize
from mixeq.fitting.options import FitOptions
from mixeq.fitting.theta import ThetaLayout
from mixeq.fitting.threads import limit

# Measured on the reference fits (docs/fit.md): stage 1 only gives stage 2 its start,
# so loose tolerances cost nothing in accuracy; stage 2's must stay tight (looser
# ones let BOBYQA stop early along VerbAgg's flat intercept/item direction).
STAGE1 = {"ftol_rel": 1e-8, "ftol_abs": 1e-5, "xtol_abs": 1e-4}
POLISH_GRAD = 1e-3         # restart stage 2 from its optimum above this |gradient| (_polish)
POLISH = {"ftol_rel": 1e-15, "ftol_abs": 1e-10}   # the restart's stopping rule
NEWTON_STEPS, NEWTON_GRAD = 4, 1e-6   # _newton: steps on one H, until |gradient| ≤ this
NEWTON_ALONE = 10         # _newton also where the points are evaluated one by one (no
                          # levels' algebra or no η form: a vector-valued term, a link
                          # other than the canonical one, a remote design's cells or passes)
                          # for k ≤ this: k(k − 1)/2 + 2k + 1 evaluations a step, about a
                          # BOBYQA restart's (by passes: grouseticks 159 → 177 evaluations)
NEWTON_ROUND = 1e-14      # a later Newton step within this (relative) of the last point's
                          # criterion is kept when its gradient is smaller: near the optimum
                          # the criterion's change is its rounding (~1e-12 on VerbAgg's 8151)
STEP2 = (0.1, 0.02, 1.0)   # stage 2's first steps: θ 10 % (≥ 0.02), β its stage-1 SE
STAGE2 = {"ftol_rel": 1e-12, "ftol_abs": 1e-8, "xtol_abs": 1e-6}   # VerbAgg's β: 5e-5 of lme4's
                                                                   # (1e-10/1e-7: 1.4e-3); _polish
                                                                   # restarts where it stops short
STAGE2_NEAR = {"ftol_rel": 1e-9, "ftol_abs": 1e-6, "xtol_abs": 1e-5}   # where Newton steps
                                    # always follow (Laplace, batched): BOBYQA need only come
                                    # near (VerbAgg: 335 → 211 evaluations, the same optimum)


@dataclass
class Memo:
    """What a stage has evaluated from one η₀ for one response: stage 2's criterion by
    point (``stage2_many``), and the mode at the lowest criterion its objective has met
    (``best``: criterion, point, mode), which the fit asks for again at the optimum.
    Kept for another start or another y, they answer nothing."""

    eta0: object = None
    resp: object = None
    values: dict = field(default_factory=dict)
    best: tuple = (np.inf, None, None)

    def at(self, eta0, resp) -> dict:
        if self.eta0 is not eta0 or self.resp is not resp:
            self.eta0, self.resp, self.values = eta0, resp, {}
            self.best = (np.inf, None, None)
        return self.values

    def offer(self, eta0, resp, value: float, point: np.ndarray, mode) -> None:
        """Keep ``mode`` if its criterion is the lowest so far from η₀."""
        self.at(eta0, resp)
        if value < self.best[0]:
            self.best = (value, point.copy(), mode)

    def mode_at(self, eta0, resp, point: np.ndarray):
        """The kept mode if it is at ``point`` from η₀, else None."""
        kept = self.best[1]
        if (self.eta0 is eta0 and self.resp is resp and kept is not None
                and np.array_equal(kept, point)):
            return self.best[2]
        return None


class GlmmProblem:
    """Predictor + response of one GLMM, with the deviance functions of both stages."""

    def __init__(self, model, nagq: int):
        self.model = model
        self.resp = GlmResponse.of(model)
        self.layout = ThetaLayout.from_terms(model.terms)
        self.pred = make_predictor(model.X.to_numpy(dtype=float), model.terms, self.layout)
        self.nagq = nagq
        self.rule = gh_rule(nagq) if nagq > 1 else None
        self.ntheta = self.layout.size
        self.agq_plan = None if self.rule is None else AgqPlan(self.pred, self.resp, self.rule)
        self.evaluations = 0
        self.memo = Memo()

    def initial_eta(self, theta: np.ndarray) -> np.ndarray:
        fam, resp = self.resp.family, self.resp
        mu = fam.initialize(resp.y, resp.wt)
        eta = fam.link.linkfun(mu)
        return self.pirls(theta, eta).eta

    def pirls(self, theta: np.ndarray, eta0, beta: np.ndarray | None = None):
        """The conditional mode at θ from η₀ (β solved for when None): pirls.py's
        ``pirls`` on this problem's rows (a remote problem aggregates in an engine)."""
        return pirls(self.pred, self.resp, theta, eta0, beta)

    def laplace(self, mode) -> float:
        return laplace(mode, self.resp)

    def criterion(self, theta: np.ndarray, mode) -> float:
        """The Laplace deviance at a mode, or the AGQ one (nAGQ > 1)."""
        if self.rule is None:
            return self.laplace(mode)
        return agq(self.pred, self.resp, theta, mode, self.rule, self.agq_plan)

    def stage1(self, eta0: np.ndarray):
        def objective(theta):
            self.evaluations += 1
            try:
                mode = self.pirls(theta, eta0)
            except PirlsFailed:
                return np.inf
            value = self.laplace(mode)
            self.memo.offer(eta0, self.resp, value, theta, mode)
            return value
        return objective

    def deviance(self, params: np.ndarray, eta0: np.ndarray) -> float:
        """Stage 2's criterion at (θ, β): Laplace (nAGQ = 1) or AGQ."""
        theta, beta = params[:self.ntheta], params[self.ntheta:]
        mode = self.pirls(theta, eta0, beta)
        value = self.criterion(theta, mode)
        self.memo.offer(eta0, self.resp, value, params, mode)
        return value

    def mode_at(self, point: np.ndarray, eta0: np.ndarray):
        """The mode at a stage's point — θ (stage 1, β solved) or (θ, β) — from η₀: the
        objective's kept one when it is there (``Memo.best``), else by PIRLS."""
        mode = self.memo.mode_at(eta0, self.resp, point)
        if mode is not None:
            return mode
        if point.size == self.ntheta:
            return self.pirls(point, eta0)
        return self.pirls(point[:self.ntheta], eta0, point[self.ntheta:])

    def stage2_many(self, eta0: np.ndarray):
        """Stage 2's criterion at many points (rows) at once (batch.py), each kept by
        point for this η₀: the polish's central differences are points of deriv12's,
        which the standard errors' Hessian (result.py) then takes from here instead
        of evaluating them again."""
        def many(points: np.ndarray) -> np.ndarray:
            known = self.memo.at(eta0, self.resp)
            keys = [p.tobytes() for p in points]
            values = np.array([known.get(k, np.nan) for k in keys])
            todo = [i for i, k in enumerate(keys) if k not in known]
            if todo:
                values[todo] = batch.deviances(self, points[todo], eta0)
                known.update((keys[i], values[i]) for i in todo)
            return values
        return many

    def stage2(self, eta0: np.ndarray, prefetched=None):
        """Stage 2's criterion as the optimiser's objective (inf where PIRLS fails);
        ``prefetched`` (batch.py's ``Prefetched``) answers the points it holds."""
        def objective(params):
            if prefetched is not None:
                value = prefetched.take(params)
                if value is not None:
                    return value
            self.evaluations += 1
            try:
                return self.deviance(params, eta0)
            except PirlsFailed:
                return np.inf
        return objective


def fit_glmm(model, reml=None, nagq: int = 1, optimizer: str = "bobyqa", start=None,
             problem=None, **options):
    """Fit a GLMM as lme4's glmer (Laplace by default; ``nagq`` > 1: adaptive
    Gauss–Hermite with that many nodes, for one scalar random-effects term;
    ``nagq=0``: lme4's nAGQ = 0, β estimated inside PIRLS)."""
    threads = options.get("blas_threads", 1)  # see mixeq/fitting/threads.py (kept in the record)
    with limit(threads):
        return _fit(model, reml, nagq, optimizer, start, options, problem or GlmmProblem)


def _fit(model, reml, nagq, optimizer, start, options, problem=GlmmProblem):
    from mixeq.fitting.glmm.result import GlmmFit

    opts = FitOptions.of(reml=reml, nagq=nagq, optimizer=optimizer, start=start,
                         glmm=True, **options)
    nagq = opts.nagq
    _check_nagq(model, nagq)
    if model.nobs <= model.X.shape[1]:
        raise FitError(f"{model.nobs} observations for {model.X.shape[1]} fixed effects: "
                       "the model cannot be fitted")
    prob = problem(model, nagq)
    layout = prob.layout
    theta0 = layout.start() if opts.start is None else _given_start(opts.start, layout)
    lower = layout.lower_bounds()
    try:
        eta0 = prob.initial_eta(theta0)
    except PirlsFailed as exc:
        raise FitError(f"PIRLS failed at the starting values ({exc}); check the response and "
                       "predictors (separation, extreme values)") from None
    settings = {**STAGE1, **opts.optimizer_options}
    s1 = minimize(prob.stage1(eta0), theta0, lower, prob.pred.name, opts.optimizer,
                  steps=layout.initial_steps(), **settings)
    if not np.isfinite(s1.objective):
        raise FitError("the Laplace deviance is not finite at any θ tried: PIRLS failed")
    mode1 = prob.mode_at(s1.theta, eta0)
    if nagq == 0:
        return GlmmFit(model, prob, opts, s1, s1.theta, mode1.beta, mode1, eta0)
    se = _stage1_se(mode1)
    params0 = np.concatenate([s1.theta, mode1.beta])
    lower2 = np.concatenate([lower, np.full(mode1.beta.size, -np.inf)])
    steps = np.concatenate([np.maximum(STEP2[0] * np.abs(s1.theta), STEP2[1]), STEP2[2] * se])
    eta1 = mode1.eta
    settings = {**STAGE2, **opts.optimizer_options}
    near = batch.can_batch(prob) and prob.rule is None       # Newton steps always follow
    many = prob.stage2_many(eta1)
    first = Prefetched.of(prob, many, params0, steps, lower2, opts.optimizer,
                          given_steps=settings.get("initial_step") is not None)
    s2 = minimize(prob.stage2(eta1, first), params0, lower2, prob.pred.name, opts.optimizer,
                  steps=steps, **({**STAGE2_NEAR, **opts.optimizer_options} if near else settings))
    newton = batch.can_batch(prob) or params0.size <= NEWTON_ALONE
    _polish(prob.stage2(eta1), many, s2, lower2, se, opts.optimizer, settings,
            newton=newton, always=newton and prob.rule is None)
    s2.evaluations += s1.evaluations
    s2.seconds += s1.seconds
    s2.options["stage1"] = {"theta": s1.theta.tolist(), "objective": s1.objective,
                            "evaluations": s1.evaluations}
    theta, beta = s2.theta[:prob.ntheta], s2.theta[prob.ntheta:]
    mode = prob.mode_at(s2.theta, eta1)
    return GlmmFit(model, prob, opts, s2, theta, beta, mode, eta1)


def _polish(objective, many, s2, lower: np.ndarray, se: np.ndarray, optimizer: str,
            settings, newton: bool = False, always: bool = False) -> None:
    """lme4's advice when its gradient check fails — restart from the optimum — taken
    before the check can fail: the gradient by central differences (2 evaluations per
    parameter, lme4's δ = 1e-4, one-sided at a bound); when a component exceeds
    POLISH_GRAD (half lme4's 0.002, which tests min(|g|, |scaled g|) ≤ |g|), first
    (``newton``: where the points are evaluated together, or few) Newton steps
    (``_newton``), and where they do not end it BOBYQA restarts from the optimum with
    small first steps (``settings``: stage 2's tight ones) and its point is kept if
    lower. ``always`` (Laplace): the Newton steps whatever the gradient — stage 2 may
    have stopped early (STAGE2_NEAR), and a fit whose points batch and the same fit
    evaluated one by one (a remote design) then end on the same optimum.
    (BOBYQA can stop a few 1e-5 short along a flat direction — VerbAgg's intercept and
    item variance — where the check then passes or fails on the rows' order, and where
    the end point moves with the last digits of every evaluation.)"""
    x, fx = s2.theta, s2.objective
    if not np.isfinite(fx):
        return
    grad, count = _gradient(many, x, fx, lower)
    s2.evaluations += count
    s2.options["polish"] = {"max_grad": float(np.max(np.abs(grad))), "restarted": False}
    if not always and not np.max(np.abs(grad)) > POLISH_GRAD:
        return
    if newton and _newton(objective, many, s2, lower):
        return
    x, fx = s2.theta, s2.objective
    k = x.size - se.size
    steps = np.concatenate([np.maximum(1e-2 * np.abs(x[:k]), 1e-3), 1e-2 * se])
    s3 = minimize(objective, x.copy(), lower, s2.factor, optimizer, steps=steps,
                  **{**settings, **POLISH})
    s2.evaluations += s3.evaluations
    s2.seconds += s3.seconds
    s2.options["polish"].update(restarted=True, gain=float(fx - s3.objective),
                                evaluations=s3.evaluations)
    if s3.objective < fx:
        s2.theta, s2.objective, s2.return_code = s3.theta, s3.objective, s3.return_code
        s2.converged = s3.converged


def _newton(objective, many, s2, lower: np.ndarray, delta: float = 1e-4) -> bool:
    """Newton steps x − H⁻¹g from stage 2's optimum: g by central differences (the
    polish gradient's points, kept in the memo), H's diagonal from the same points and
    its off-diagonal by forward differences, H_ij = (f(x + δe_i + δe_j) − f(x + δe_i)
    − f(x + δe_j) + f(x))/δ² — k(k − 1)/2 new points, evaluated together by ``many``.
    H's O(δ) error only slows the steps (each cuts the distance to the optimum by
    ~‖ΔH‖/‖H‖), so they repeat on the same H, each with its point's gradient, up to
    NEWTON_STEPS or until |g| ≤ NEWTON_GRAD. A step is taken where x is δ inside its
    bounds, H is positive definite, the point within the bounds and its criterion
    lower (or within NEWTON_ROUND of it, its gradient smaller); the steps end the
    polish where the gradient is then at most POLISH_GRAD (else BOBYQA restarts from
    the last point). Along a flat direction BOBYQA stops
    where rounding leads it (VerbAgg: ±4e-5 in Σ dᵢ between two orders of the same
    sums); the Newton point is the optimum to ~1e-8 in x whatever the path."""
    x, fx = s2.theta, s2.objective
    info = s2.options["polish"]
    info["newton"] = "not taken"
    k = x.size
    if np.any(x - delta < lower):
        return False
    E = delta * np.eye(k)
    i, j = np.triu_indices(k, 1)
    f = many(np.vstack([x + E, x - E, x + E[i] + E[j]]))
    s2.evaluations += i.size
    fp, fm, fpp = f[:k], f[k:2 * k], f[2 * k:]
    g = (fp - fm) / (2.0 * delta)
    H = np.diag((fp - 2.0 * fx + fm) / delta ** 2)
    H[i, j] = H[j, i] = (fpp - fp[i] - fp[j] + fx) / delta ** 2
    with np.errstate(all="ignore"):
        if not (np.all(np.isfinite(H)) and np.linalg.eigvalsh(H).min() > 0.0):
            return False
    gain = 0.0
    for _ in range(NEWTON_STEPS):
        x1 = x - np.linalg.solve(H, g)
        if not np.all(np.isfinite(x1)) or np.any(x1 < lower):
            break
        f1 = objective(x1)
        s2.evaluations += 1
        if not f1 <= fx + NEWTON_ROUND * abs(fx):
            if info["newton"] != "taken":
                info["newton"] = "not lower"
            break
        g1, count = _gradient(many, x1, f1, lower)
        s2.evaluations += count
        if not (f1 < fx or np.max(np.abs(g1)) < np.max(np.abs(g))):
            break
        g, gain = g1, gain + (fx - f1)
        x, fx = s2.theta, s2.objective = x1, f1
        info.update(newton="taken", newton_gain=float(gain),
                    max_grad_after=float(np.max(np.abs(g))))
        if np.max(np.abs(g)) <= NEWTON_GRAD:
            break
    return info["newton"] == "taken" and not info["max_grad_after"] > POLISH_GRAD


def _gradient(many, x: np.ndarray, fx: float, lower: np.ndarray, delta: float = 1e-4):
    """Central differences (forward where x − δ is below the bound), the points
    evaluated together by ``many``."""
    points, central = [], []
    for i in range(x.size):
        up = x.copy()
        up[i] += delta
        points.append(up)
        central.append(x[i] - delta >= lower[i])
        if central[-1]:
            down = x.copy()
            down[i] -= delta
            points.append(down)
    values = iter(many(np.array(points)))
    g = np.empty(x.size)
    for i in range(x.size):
        fu = next(values)
        g[i] = (fu - next(values)) / (2.0 * delta) if central[i] else (fu - fx) / delta
    return g, len(points)


def _stage1_se(mode) -> np.ndarray:
    rx = mode.sol.rx
    p = rx.shape[0]
    if not p:
        return np.zeros(0)
    rinv, info = dtrtrs(rx, np.eye(p), lower=1)   # solve_triangular's LAPACK call, without its checks
    if info != 0:
        return np.full(p, 0.1)
    se = np.sqrt(np.einsum("ij,ij->j", rinv, rinv))
    return np.where(np.isfinite(se) & (se > 0), se, 0.1)


def _check_nagq(model, nagq: int) -> None:
    if nagq > 1:
        terms = model.terms
        if len(terms) != 1 or terms[0].ncols != 1:
            what = (f"{len(terms)} random-effects terms" if len(terms) != 1
                    else f"the vector-valued term {terms[0].spec.canonical()}")
            raise FitError(f"nagq = {nagq} (adaptive Gauss–Hermite) needs a single scalar "
                           f"random-effects term such as (1 | g), and this model has {what}; "
                           "use nagq=1 (Laplace), as lme4 does")


def _given_start(start, layout) -> np.ndarray:
    theta = np.asarray(start, dtype=float).ravel()
    if theta.size != layout.size:
        raise FitError(f"start has {theta.size} values but the model has {layout.size} θ "
                       f"parameters ({', '.join(layout.names)})")
    if np.any(theta < layout.lower_bounds()) or not np.all(np.isfinite(theta)):
        raise FitError("start must be finite and ≥ 0 for the diagonal elements of λ")
    return theta
