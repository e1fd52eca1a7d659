"""Minimising the profiled criterion over θ with nlopt's BOBYQA (Powell's
bound-constrained quadratic-model method, the optimiser lme4 uses by default),
then lme4's boundary check: θ elements that end near 0 are tried at exactly 0."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from mixeq.errors import FitError
from mixeq.progress import optimiser_progress

BOUNDARY_TOL = 1e-5  # lme4's lmerControl(boundary.tol = 1e-5)


@dataclass
class OptimizerSummary:
    """What the optimiser did (MixedModels.jl's OptSummary, lme4's @optinfo)."""

    backend: str
    factor: str
    start: np.ndarray
    lower: np.ndarray
    theta: np.ndarray = field(default_factory=lambda: np.zeros(0))
    objective: float = np.nan
    evaluations: int = 0
    seconds: float = 0.0
    return_code: str = ""
    converged: bool = True
    options: dict = field(default_factory=dict)
    convergence: object = None  # convergence.ConvergenceCheck at the optimum, set by fit_model

    def as_dict(self) -> dict:
        options = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in self.options.items()}
        return {
            "backend": self.backend, "factor": self.factor,
            "start": self.start.tolist(),
            "lower": [float(v) if np.isfinite(v) else None for v in self.lower],  # None: no bound
            "theta": self.theta.tolist(), "objective": self.objective,
            "evaluations": self.evaluations, "seconds": self.seconds,
            "return_code": self.return_code, "converged": self.converged,
            "options": options,
            "convergence": self.convergence.as_dict() if self.convergence is not None else None,
        }


DEFAULTS = {"ftol_rel": 1e-12, "ftol_abs": 1e-8, "xtol_abs": 1e-7,
            "initial_step": None, "maxeval": 10_000}  # initial_step None: per element, see below


def minimize(objective, start: np.ndarray, lower: np.ndarray, factor_name: str,
             optimizer: str = "bobyqa", steps: np.ndarray | None = None,
             **options) -> OptimizerSummary:
    """Minimise ``objective(θ)`` from ``start`` subject to ``θ ≥ lower``; ``steps``
    are the first steps per element unless the ``initial_step`` option is given."""
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise FitError(f"unknown fit option(s) {', '.join(sorted(unknown))}; the optimiser "
                       f"takes {', '.join(sorted(DEFAULTS))} (and fit() also blas_threads)")
    opts = {**DEFAULTS, **options}
    _check_values(opts, start.size)
    if opts["initial_step"] is None:
        opts["initial_step"] = steps if steps is not None else np.full(start.size, 0.5)
    summary = OptimizerSummary(backend=f"nlopt:{optimizer}", factor=factor_name,
                               start=start.copy(), lower=lower.copy(), options=opts)
    t0 = time.perf_counter()
    if start.size == 0:
        theta, value, count, code = start, float(objective(start)), 1, "no θ: nothing to optimise"
    else:
        theta, value, count, code = _nlopt(objective, start, lower, optimizer, opts)
    theta, value, extra = boundary(objective, theta, value, lower)
    summary.theta, summary.objective = theta, value
    summary.evaluations = count + extra
    summary.seconds = time.perf_counter() - t0
    summary.return_code = code
    summary.converged = np.isfinite(value) and code not in ("MAXEVAL_REACHED", "FAILURE")
    return summary


def _check_values(opts: dict, n: int) -> None:
    """Each option of the right type and range (nlopt would fail with a bare TypeError)."""
    for name in ("ftol_rel", "ftol_abs", "xtol_abs"):
        value = opts[name]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not np.isfinite(value) or value < 0:
            raise FitError(f"{name}={value!r}: give a number ≥ 0, e.g. {DEFAULTS[name]:g}")
    value = opts["maxeval"]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise FitError(f"maxeval={value!r}: give a whole number of evaluations ≥ 1, e.g. 10000")
    step = opts["initial_step"]
    if step is None:
        return
    try:
        arr = np.asarray(step, dtype=float)
    except (TypeError, ValueError):
        arr = np.array([np.nan])
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != n) or not np.all(np.isfinite(arr)) \
            or not np.all(arr > 0):
        raise FitError(f"initial_step={step!r}: give a number > 0 (the first step of every θ) "
                       f"or {n} such numbers, one per θ")


_ALGORITHMS = {"bobyqa": "LN_BOBYQA", "newuoa": "LN_NEWUOA_BOUND",
               "neldermead": "LN_NELDERMEAD", "cobyla": "LN_COBYLA", "sbplx": "LN_SBPLX"}

_CODES = {1: "SUCCESS", 2: "STOPVAL_REACHED", 3: "FTOL_REACHED", 4: "XTOL_REACHED",
          5: "MAXEVAL_REACHED", 6: "MAXTIME_REACHED"}


def _nlopt(objective, start, lower, optimizer, opts):
    import nlopt

    if optimizer not in _ALGORITHMS:
        raise FitError(f"unknown optimizer {optimizer!r}; choose one of {sorted(_ALGORITHMS)}")
    n = start.size
    algorithm = getattr(nlopt, _ALGORITHMS[optimizer])
    if algorithm == nlopt.LN_NEWUOA_BOUND and n < 2:
        algorithm = nlopt.LN_BOBYQA
    opt = nlopt.opt(algorithm, n)
    opt.set_lower_bounds(lower)
    tick = optimiser_progress()  # evaluations and criterion on a terminal, for long fits
    opt.set_min_objective((lambda x, grad: objective(x)) if tick is None
                          else (lambda x, grad: tick(objective(x))))
    opt.set_ftol_rel(opts["ftol_rel"])
    opt.set_ftol_abs(opts["ftol_abs"])
    opt.set_xtol_abs(opts["xtol_abs"])
    opt.set_maxeval(int(opts["maxeval"]))
    step = np.asarray(opts["initial_step"], dtype=float)
    opt.set_initial_step(step.copy() if step.shape == (n,) else np.array(np.broadcast_to(step, (n,))))
    try:
        theta = opt.optimize(start)
    except (nlopt.RoundoffLimited, RuntimeError, ValueError) as exc:
        raise FitError(f"the optimiser stopped with an error ({exc}); try optimizer='neldermead' "
                       "or rescale the predictors") from exc
    finally:
        if tick is not None:
            tick.close()
    code = _CODES.get(opt.last_optimize_result(), str(opt.last_optimize_result()))
    return np.asarray(theta, dtype=float), float(opt.last_optimum_value()), opt.get_numevals(), code


def boundary(objective, theta, value, lower):
    """lme4's boundary check: put each θ within BOUNDARY_TOL of its bound on the
    bound if the objective is no worse there."""
    extra = 0
    near = np.flatnonzero(np.isfinite(lower) & (theta - lower < BOUNDARY_TOL) & (theta != lower))
    if near.size:
        trial = theta.copy()
        trial[near] = lower[near]
        extra = 1
        v = float(objective(trial))
        if v <= value:
            theta, value = trial, v
    return theta, value, extra
