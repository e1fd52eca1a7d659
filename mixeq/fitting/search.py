"""How θ is searched for: straight BOBYQA for most models; for models with a
large dense later block (crossed factors such as InstEval's), two refinements:

* small trailing terms are profiled out (profile.py): BOBYQA sees only the other θ;
* a first, rough search factors the big block in float32 (``spotrf``: half the
  time of ``dpotrf``) with loose tolerances; a second, float64 search starts
  there with small first steps and the usual tight tolerances, so the optimum
  and the criterion reported are float64 ones (InstEval: 29 float32 + 17 float64
  evaluations instead of 65 float64 ones).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from mixeq.fitting.later import PatternBlock
from mixeq.fitting.optimize import boundary, minimize
from mixeq.fitting.profile import TailProfile
from mixeq.fitting.start import separate_start

FLOAT32_SEARCH = True           # a rough float32 search before the float64 one
START_STEP = (0.3, 0.05)         # first steps from the separate fits' θ: 30 %, at least 0.05
START_MIN = 400                  # separate-fit start for dense later blocks from this size on
SINGLE_MIN = 800                 # and a rough float32 search from this size on (measured:
                                 # InstEval's 1,142 gains 11 %, a 500 block loses 40 %)
ROUGH = {"ftol_rel": 0.0, "ftol_abs": 1e-2, "xtol_abs": 1e-2}   # measured on InstEval
REFINE_STEP = (0.05, 0.01)       # second search's first step: 5 % of θ, at least 0.01


def search(fac, layout, theta0, lower, reml: bool, optimizer: str, options: dict,
           given_start: bool = False):
    """Minimise the criterion over θ from ``theta0`` (``given_start``: the user's,
    else lme4's default); returns the OptimizerSummary (full θ)."""
    profile = TailProfile.of(fac) if options.pop("profile", True) else None
    big = _single_ok(fac, START_MIN)
    rough = options.pop("float32_search", FLOAT32_SEARCH) and _single_ok(fac, SINGLE_MIN)
    steps = layout.initial_steps()
    begin = None if given_start or not big else separate_start(fac, reml)
    if begin is not None:
        steps = np.maximum(START_STEP[0] * begin, START_STEP[1])
    else:
        begin = theta0

    full = partial(fac.objective, reml=reml)

    if profile is None:
        idx = np.arange(layout.size)
        # one-term closed-form factor: the same criterion without its call layers
        f64 = fac.criterion(reml)
        f32 = (lambda theta: fac.objective(theta, reml, single=True)) if rough else None
    else:
        idx = profile.outer_idx
        profile.tail_theta = begin[profile.tail_idx].copy()
        f64 = lambda theta: profile.objective(theta, reml)             # noqa: E731
        f32 = (lambda theta: profile.objective(theta, reml, single=True)) if rough else None
    summary = _two_phase(f64, f32, begin[idx], lower[idx], steps[idx], fac.name, optimizer, options)
    summary.options["search_start"] = begin.tolist()
    if profile is None:
        summary.start = theta0
        return summary
    value, outer, tail = profile.best
    if outer is None or not np.array_equal(outer, summary.theta):  # (BOBYQA returns its best point)
        value, tail = f64(summary.theta), profile.tail_theta
    theta = profile.full_theta(summary.theta, tail)
    theta, value, extra = boundary(full, theta, float(value), lower)
    summary.start, summary.lower, summary.theta, summary.objective = theta0, lower, theta, value
    summary.evaluations += extra
    summary.options = {**summary.options, "profiled": [layout.names[i] for i in profile.tail_idx],
                       "inner_evaluations": profile.inner_evaluations}
    return summary


def _single_ok(fac, size: int) -> bool:
    """A dense later block of scalar terms, of at least ``size`` columns."""
    return isinstance(fac.later, PatternBlock) and fac.lt.qR >= size


def _two_phase(f64, f32, start, lower, steps, name, optimizer, options):
    if f32 is None:
        return minimize(f64, start, lower, name, optimizer, steps=steps, **options)
    first = minimize(f32, start, lower, name, optimizer, steps=steps, **ROUGH)
    rel, low = REFINE_STEP
    refine = np.maximum(rel * np.abs(first.theta), low)
    summary = minimize(f64, first.theta, lower, name, optimizer, steps=refine, **options)
    summary.start = start.copy()
    summary.evaluations += first.evaluations
    summary.seconds += first.seconds
    summary.options = {**summary.options, "float32_evaluations": first.evaluations,
                       "float32_theta": first.theta.tolist()}
    return summary
