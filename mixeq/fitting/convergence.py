"""lme4's convergence check at the optimum (``checkConv``), from the criterion itself.

An optimiser stops when its steps stop paying; that is not proof of a minimum. lme4
therefore differentiates the criterion f(θ) at the optimum by central finite
differences (``deriv12``, step δ = 1e-4: 2k + 2k(k−1) evaluations for k parameters)
and checks, in this order (lme4 1.1-3x, R/checkConv.R):

1. singular fit — some diagonal θ within 1e-4 of its bound 0 (``check.conv.singular``):
   reported as a boundary fit, and the derivative checks are skipped (at a bound the
   gradient need not vanish);
2. the scaled gradient — with H = RᵀR (Cholesky), ``max(pmin(|R⁻¹g|, |g|)) < 2e-3``
   (``check.conv.grad``); no Cholesky factor: "unable to evaluate scaled gradient";
3. the Hessian (``check.conv.hess``, tol 1e-6): negative eigenvalues (not a minimum),
   zero eigenvalues (parameters not determined), a very large eigenvalue (> 1/tol) or
   eigenvalue ratio (< tol): nearly unidentifiable — rescale the variables.

As in lme4, derivatives are computed only for fits with fewer than 10,000 observations
and 10 θ (``check.conv.nobsmax``/``nparmax``); ``fit(check_conv=True)`` forces them,
``False`` skips the check. Before the check, diagonal θ left just above 0 are
tried at 0 (``probe_boundary``); a singular fit is restarted once from its optimum
(lme4 restarts when the criterion falls off the edge, ``restart_edge``; BOBYQA can
also stop near the edge, θ ≈ 4e-5, with the optimum at 0.012 and a criterion 0.06
lower — tests/data/convergence, case re3/5). When the gradient check fails, mixeq first restarts the
optimiser once from the optimum with small steps (lme4's advice: "restart from the
previous fit") and re-checks; only what survives is reported.
"""
from __future__ import annotations

from functools import lru_cache

import warnings
from dataclasses import dataclass, field

import numpy as np

from mixeq.errors import FitError, MixeqWarning

DELTA = 1e-4            # deriv12's step
GRAD_TOL = 2e-3         # check.conv.grad
HESS_TOL = 1e-6         # check.conv.hess
SINGULAR_TOL = 1e-4     # check.conv.singular (isSingular)
NOBS_MAX = 10_000       # check.conv.nobsmax
NPAR_MAX = 10           # check.conv.nparmax
PROBE = 1e-3            # diagonal θ below this are also tried at 0 (probe_boundary)
RESTART = {"ftol_rel": 1e-15, "ftol_abs": 1e-12, "xtol_abs": 1e-10}
ADVICE = ("try: rescale or centre the predictors, another optimizer (optimizer='neldermead' "
          "or 'sbplx'), a simpler random-effects structure; check that the model suits the data")


@dataclass
class ConvergenceCheck:
    """What lme4's checkConv found at the optimum (``fit.convergence``).

    ``checked``: whether derivatives were computed (``reason`` says why not);
    ``gradient``/``hessian``: the finite-difference derivatives of the criterion over
    θ; ``max_grad``: lme4's max(min(|scaled gradient|, |gradient|)); ``eigenvalues``
    of the Hessian; ``messages``: lme4's warnings, worded as lme4 words them;
    ``restarted``: the optimiser was restarted because the gradient check failed
    (``restart_gain``: how much the criterion fell).
    """

    checked: bool
    reason: str = ""
    singular: bool = False
    gradient: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hessian: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    scaled_gradient: np.ndarray | None = None
    max_grad: float = float("nan")
    eigenvalues: np.ndarray = field(default_factory=lambda: np.zeros(0))
    messages: list = field(default_factory=list)
    evaluations: int = 0
    restarted: bool = False
    restart_gain: float = 0.0

    @property
    def ok(self) -> bool:
        """No convergence warning (a singular fit is a message in lme4, not a failure)."""
        return not self.messages

    def as_dict(self) -> dict:
        def arr(a):
            return None if a is None else np.asarray(a).tolist()

        return {"checked": self.checked, "reason": self.reason, "singular": self.singular,
                "ok": self.ok, "gradient": arr(self.gradient), "hessian": arr(self.hessian),
                "scaled_gradient": arr(self.scaled_gradient),
                "max_grad": None if np.isnan(self.max_grad) else self.max_grad,
                "grad_tol": GRAD_TOL, "hess_tol": HESS_TOL,
                "eigenvalues": arr(self.eigenvalues), "messages": list(self.messages),
                "evaluations": self.evaluations, "restarted": self.restarted,
                "restart_gain": self.restart_gain}


def derivatives(f, x: np.ndarray, fx: float, delta: float = DELTA,
                lower: np.ndarray | None = None, many=None) -> tuple[np.ndarray, np.ndarray, int]:
    """Gradient and Hessian of ``f`` at ``x`` by lme4's ``deriv12``: steps u_j = δ up and
    l_j down, where l_j = δ, or is cut to the bound for glmer's (θ, β) (``lower``):
    g_j = (f(x+u_j) − f(x−l_j)) / (u_j + l_j),
    H_jj = f(x+u_j)/u_j² − 2f(x)/(u_j l_j) + f(x−l_j)/l_j², and for i < j
    H_ij = f(++)/(u_i+u_j)² − f(+−)/(u_i+l_j)² − f(−+)/(l_i+u_j)² + f(−−)/(l_i+l_j)²
    (with l = u = δ: the central differences lmer uses). ``many``, when given, takes
    all the points (rows) at once and returns their values (a GLMM's batch,
    glmm/batch.py); else ``f`` is called on each. Returns (g, H, evaluations)."""
    n = x.size
    up = x + delta
    down = x - delta if lower is None else np.maximum(x - delta, lower)
    u = np.full(n, float(delta))
    l = u.copy() if lower is None else x - down
    points = np.tile(x, (2 * n * n, 1))
    for bound, (rows, cols) in zip((up, down), _moves(n)):
        points[rows, cols] = bound[cols]
    g, H = np.zeros(n), np.zeros((n, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = iter(many(points) if many is not None else [float(f(y)) for y in points])
        for j in range(n):
            fadd, fsub = next(values), next(values)
            H[j, j] = fadd / u[j] ** 2 - 2.0 * fx / (u[j] * l[j]) + fsub / l[j] ** 2
            g[j] = (fadd - fsub) / (u[j] + l[j])
            for i in range(j):
                faa, fas, fsa, fss = (next(values) for _ in range(4))
                H[i, j] = H[j, i] = (faa / (u[i] + u[j]) ** 2 - fas / (u[i] + l[j]) ** 2
                                     - fsa / (l[i] + u[j]) ** 2 + fss / (l[i] + l[j]) ** 2)
    return g, H, len(points)


@lru_cache(maxsize=16)
def _moves(n: int):
    """deriv12's points for n parameters, in its order — for each j, x_j up, x_j down,
    then for each i < j (x_i, x_j) at (up, up), (up, down), (down, up), (down, down) —
    as (rows, columns) index arrays of the coordinates moved up and of those moved down."""
    moved = {True: ([], []), False: ([], [])}
    row = 0
    for j in range(n):
        for steps in [((j, True),), ((j, False),)] + [
                ((i, a), (j, b)) for i in range(j)
                for a, b in ((True, True), (True, False), (False, True), (False, False))]:
            for col, is_up in steps:
                moved[is_up][0].append(row)
                moved[is_up][1].append(col)
            row += 1
    return tuple((np.array(r, dtype=np.intp), np.array(c, dtype=np.intp))
                 for r, c in (moved[True], moved[False]))


def is_singular(theta: np.ndarray, lower: np.ndarray, tol: float = SINGULAR_TOL) -> bool:
    """lme4: ``min(θ − lower) < tol`` over the bounded (diagonal) elements."""
    bounded = np.isfinite(lower)
    return bool(bounded.any() and np.min(theta[bounded] - lower[bounded]) < tol)


def check_point(f, theta: np.ndarray, value: float, lower: np.ndarray) -> ConvergenceCheck:
    """lme4's checkConv at one point (derivatives computed here)."""
    if is_singular(theta, lower):
        return ConvergenceCheck(checked=False, reason="singular fit: derivatives not checked",
                                singular=True)
    if theta.size == 0:
        return ConvergenceCheck(checked=False, reason="no θ")
    with np.errstate(all="ignore"):
        g, H, count = derivatives(f, theta, value)
    out = ConvergenceCheck(checked=True, gradient=g, hessian=H, evaluations=count)
    if not np.all(np.isfinite(g)):
        out.messages.append("Gradient contains NAs")
        return out
    _gradient_check(out)
    _hessian_check(out)
    return out


def _gradient_check(out: ConvergenceCheck) -> None:
    g, H = out.gradient, out.hessian
    R = _chol(H)   # R's chol(): H = RᵀR, R upper triangular
    scaled = None if R is None else np.linalg.solve(R, g)   # solve(chol(H), g)
    if scaled is None or not np.all(np.isfinite(scaled)):
        out.messages.append("unable to evaluate scaled gradient")
        return
    out.scaled_gradient = scaled
    mingrad = np.minimum(np.abs(scaled), np.abs(g))
    out.max_grad = float(mingrad.max())
    if out.max_grad > GRAD_TOL:
        out.messages.append(
            f"Model failed to converge with max|grad| = {out.max_grad:.6g} "
            f"(tol = {GRAD_TOL:g}, component {int(np.argmax(mingrad)) + 1})")


def _hessian_check(out: ConvergenceCheck) -> None:
    H = out.hessian
    if not np.all(np.isfinite(H)):
        out.messages.append("Problem with Hessian check (infinite or missing values?)")
        return
    ev = np.linalg.eigvalsh(H)[::-1]  # decreasing, as R's eigen()
    out.eigenvalues = ev
    negative = int(np.sum(ev < -HESS_TOL))
    if negative:
        out.messages.append(f"Model failed to converge: degenerate Hessian with {negative} "
                            "negative eigenvalues")
        return
    zero = int(np.sum(np.abs(ev) < HESS_TOL))
    if zero or (out.scaled_gradient is None and _chol(H) is None):
        out.messages.append("Hessian is numerically singular: parameters are not uniquely "
                            "determined")
        return
    if ev.max() * HESS_TOL > 1:
        out.messages.append("Model is nearly unidentifiable: very large eigenvalue - "
                            "Rescale variables?")
    if ev.min() / ev.max() < HESS_TOL:
        out.messages.append("Model is nearly unidentifiable: large eigenvalue ratio - "
                            "Rescale variables?")


def _chol(H: np.ndarray) -> np.ndarray | None:
    """Upper Cholesky factor R (H = RᵀR), or None if H is not positive definite
    (numpy's: a few µs for these small matrices, where scipy's wrapper costs more)."""
    try:
        return np.linalg.cholesky(H).T
    except np.linalg.LinAlgError:
        return None


def wanted(mode, nobs: int, ntheta: int) -> bool:
    """``check_conv``: "auto" (lme4's rule: nobs < 10,000 and fewer than 10 θ), True, False."""
    if mode == "auto":
        return nobs < NOBS_MAX and ntheta < NPAR_MAX
    if isinstance(mode, bool):
        return mode
    raise FitError(f"check_conv={mode!r}: choose 'auto' (lme4's rule), True or False")


def check_fit(f, summary, lower: np.ndarray, nobs: int, mode="auto", restart=None,
              stacklevel: int = 4) -> ConvergenceCheck:
    """Check the optimum in ``summary`` (an OptimizerSummary, updated in place if a
    restart finds a lower criterion) and warn as lme4 does, saying what to try.

    ``f``: the criterion over the full θ; ``restart(theta) -> (theta, value, evals)``:
    a fresh optimiser run from ``theta``, tried once for a singular fit or when the
    gradient check fails (``restarted``, ``restart_gain`` in the record)."""
    probe_boundary(f, summary, lower)
    theta = np.asarray(summary.theta, dtype=float)
    gains = []
    if restart is not None and is_singular(theta, lower) and wanted(mode, nobs, theta.size):
        gains.append(_rerun(f, summary, lower, restart))
        theta = np.asarray(summary.theta, dtype=float)
    if is_singular(theta, lower) or theta.size == 0:
        result = check_point(f, theta, summary.objective, lower)
    elif not wanted(mode, nobs, theta.size):
        return ConvergenceCheck(checked=False, reason=(
            "skipped: check_conv=False" if mode is False else
            f"skipped as lme4 does for {nobs} observations and {theta.size} θ "
            f"(check with fit(check_conv=True))"))
    else:
        result = check_point(f, theta, summary.objective, lower)
        if not result.ok and restart is not None and not gains:
            summary.evaluations += result.evaluations
            gains.append(_rerun(f, summary, lower, restart))
            if gains[-1] > 0:
                result = check_point(f, summary.theta, summary.objective, lower)
    result.restarted, result.restart_gain = bool(gains), float(sum(gains))
    for message in result.messages:
        warnings.warn(f"{message}; {ADVICE}", MixeqWarning, stacklevel=stacklevel)
    return result


def probe_boundary(f, summary, lower: np.ndarray) -> None:
    """Diagonal θ left just above 0 (below PROBE) where the criterion is flat: try them
    at 0, one at a time and together; keep what does not raise the criterion.

    lme4's boundary check looks only within 1e-5 of the bound; BOBYQA can stop at
    θ ≈ 1e-4 … 1e-3 on a flat ridge where the bound is as good or better (found with
    lme4 on a 3 × 3 random-effects model: lme4 reached θ = 0, a singular fit, and
    mixeq stopped at 6.8e-4 with a criterion 5e-8 above its value at 0)."""
    theta = np.asarray(summary.theta, dtype=float)
    near = np.flatnonzero(np.isfinite(lower) & (theta > lower) & (theta - lower < PROBE))
    if near.size == 0:
        return
    best_theta, best = theta, float(summary.objective)
    trials = [[k] for k in near] + ([list(near)] if near.size > 1 else [])
    for ks in trials:
        trial = best_theta.copy()
        trial[ks] = lower[ks]
        value = float(f(trial))
        summary.evaluations += 1
        if value <= best:
            best_theta, best = trial, value
    summary.theta, summary.objective = best_theta, best


def _rerun(f, summary, lower: np.ndarray, restart) -> float:
    """One more optimiser run from the optimum; kept if the criterion falls (returns
    the fall, 0 if none). Near-zero θ are then tried at 0 again."""
    theta, value, evals = restart(np.asarray(summary.theta, dtype=float))
    summary.evaluations += evals
    gain = 0.0
    if value < summary.objective:
        gain = float(summary.objective - value)
        summary.theta, summary.objective = np.asarray(theta, dtype=float), float(value)
    probe_boundary(f, summary, lower)
    return gain
