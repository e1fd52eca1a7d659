"""Parametric bootstrap (lme4's ``bootMer`` with ``use.u = FALSE``, type "parametric"):
nsim responses simulated from the fit (simulate.py), each refitted by the same
criterion from the estimate's θ; the replicates of θ, β and σ as a table, and
percentile intervals on lme4's sd/cor scale (confint(method = "boot"))."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mixeq.inference import varcomp
from mixeq.inference.simulate import check_nsim, simulate_array
from mixeq.inference.state import access, is_glmm

CHUNK = 100   # responses simulated at a time


def sdcor_table(table: pd.DataFrame, acc, with_sigma: bool) -> pd.DataFrame:
    """Replicates on lme4's sd/cor scale (the scale of confint(method = "boot")): per row
    ``varcomp.to_sdcor`` of its θ, then its β. An LMM's table ends with σ, which scales
    the SDs and is kept as the last variance parameter; a GLMM has no σ (scale 1, no
    column)."""
    ntheta = len(acc.theta)
    vals = table.to_numpy(dtype=float)
    names = varcomp.names(acc)
    sigmas = vals[:, -1] if with_sigma else np.ones(len(vals))
    vp = np.array([varcomp.to_sdcor(acc, r[:ntheta], s) for r, s in zip(vals, sigmas)])
    vp = vp.reshape(len(vals), len(names))
    if not with_sigma:
        vp, names = vp[:, :-1], names[:-1]
    return pd.DataFrame(np.column_stack([vp, vals[:, ntheta:ntheta + acc.p]]),
                        index=table.index, columns=names + list(acc.names))


@dataclass
class Bootstrap:
    """``table``: one row per replicate, columns θ (lme4's names), β and — for an LMM —
    sigma (``with_sigma``; a GLMM's replicates, glmm_simulate.py, have no σ)."""

    table: pd.DataFrame
    access: object
    with_sigma: bool = True

    def sdcor_table(self) -> pd.DataFrame:
        return sdcor_table(self.table, self.access, with_sigma=self.with_sigma)


def bootstrap(fit, nsim: int = 1000, seed=None) -> Bootstrap:
    """The replicates; with a seed they are kept with the fit, so that ``fit.bootstrap``
    and ``fit.confint("bootstrap")`` with the same nsim and seed refit once."""
    nsim = check_nsim(nsim)
    if seed is None:
        return _bootstrap(fit, nsim, None)
    from mixeq.inference.state import cached

    return cached(fit, f"bootstrap:{nsim}:{seed!r}", lambda _acc: _bootstrap(fit, nsim, seed))


def _bootstrap(fit, nsim: int, seed) -> Bootstrap:
    acc = access(fit)
    if is_glmm(fit):
        from mixeq.inference.glmm_simulate import bootstrap_glmm_table

        return Bootstrap(bootstrap_glmm_table(acc, nsim, seed), acc, with_sigma=False)
    rng = np.random.default_rng(seed)
    refit = acc.make_refitter()
    rows = []
    done = 0
    while done < nsim:
        m = min(CHUNK, nsim - done)
        Y = simulate_array(acc, m, rng)
        for i in range(m):
            r = refit(Y[:, i])
            rows.append(np.concatenate([r.theta, r.beta, [r.sigma]]))
        done += m
    names = list(acc.layout.names) + list(acc.names) + ["sigma"]
    table = pd.DataFrame(np.array(rows), columns=names)
    table.index.name = "replicate"
    return Bootstrap(table, acc)
