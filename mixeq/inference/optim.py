"""Bound-constrained minimisation for the profiles' inner fits: nlopt's BOBYQA
(the optimiser lme4's profile uses by default through nloptwrap)."""
from __future__ import annotations

import numpy as np

BIG = 1e100   # where the parameters make no covariance matrix (BOBYQA wants finite values)
# Measured on sleepstudy's profile: ζ moves by < 1e-5 against tolerances 1e-4 times
# tighter, with 40 % fewer evaluations (4,127 → 2,462 with the 3 % first steps below)
TOL = {"ftol_rel": 0.0, "ftol_abs": 1e-6, "xtol_abs": 1e-5}
STEP = (0.03, 0.006)   # first step: 3 % of each parameter, at least 0.006 (warm starts)


def bobyqa(f, x0, lower, upper, step=None, maxeval: int = 5000):
    """(argmin, min) of f from x0 within [lower, upper]; f may return inf."""
    import nlopt

    x0 = np.asarray(x0, dtype=float)
    if x0.size == 0:
        return x0, float(f(x0))
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    x0 = np.clip(x0, lower, upper)
    opt = nlopt.opt(nlopt.LN_BOBYQA if x0.size > 1 else nlopt.LN_BOBYQA, x0.size)
    opt.set_lower_bounds(lower)
    opt.set_upper_bounds(upper)

    def g(x, grad):
        v = f(x)
        return v if np.isfinite(v) else BIG

    opt.set_min_objective(g)
    opt.set_ftol_rel(TOL["ftol_rel"])
    opt.set_ftol_abs(TOL["ftol_abs"])
    opt.set_xtol_abs(TOL["xtol_abs"])
    opt.set_maxeval(maxeval)
    if step is None:
        step = np.maximum(STEP[0] * np.abs(x0), STEP[1])
    room = np.minimum(upper - x0, x0 - lower)
    step = np.where(np.isfinite(room) & (room > 0), np.minimum(step, 0.5 * np.where(room > 0, room, 1)), step)
    step = np.where(step > 0, step, 1e-3)
    opt.set_initial_step(np.asarray(step, dtype=float))
    try:
        x = opt.optimize(x0)
        val = opt.last_optimum_value()
    except (nlopt.RoundoffLimited, RuntimeError, ValueError):
        x, val = x0, f(x0)
    return np.asarray(x, dtype=float), float(val)
