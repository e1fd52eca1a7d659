"""lme4's adaptive Gauss–Hermite deviance (``glmerAGQ``) for one scalar
random-effects term: per level, the integral over u_l by Gauss–Hermite nodes
centred at the conditional mode and scaled by its conditional SD."""
from __future__ import annotations

from functools import lru_cache
from math import pi, sqrt

import numpy as np
from scipy import stats

from mixeq.fitting.glmm.mode import Mode
from mixeq.fitting.glmm.predictor import scalar_column
from mixeq.fitting.glmm.response import GlmResponse

AGQ_CELLS = 2_000_000   # nodes × rows evaluated at once by agq
DENSE_LEVELS = 100_000  # rows × levels up to which AGQ sums over levels by a matrix product


@lru_cache(maxsize=32)
def gh_rule(k: int):
    """lme4's ``GHrule(k)``: Gauss–Hermite nodes z for the standard normal, weights
    summing to 1, made exactly symmetric, and log φ(z) (read-only arrays, made once
    per k)."""
    x, w = np.polynomial.hermite.hermgauss(k)
    z, w = x * sqrt(2.0), w / w.sum()
    z = (z - z[::-1]) / 2.0
    w = (w + w[::-1]) / 2.0
    rule = (z, w, stats.norm.logpdf(z))
    for a in rule:
        a.flags.writeable = False
    return rule


class AgqPlan:
    """What ``agq`` needs that does not change between evaluations, made once per
    problem (predictor and response: ``agq`` makes another for another response,
    as a refit to a new y): the level codes and term column, the nodes' log weights
    log(w_k/φ(z_k)/√(2π)) and z_k², and the (node, level) keys of the nodes × rows
    array. For the canonical binomial-logit and Poisson-log families the deviance
    residual is written in η (the response's ``eta_form``),

        d_i = 2wᵢ (cᵢ − yᵢ η_i + b(η_i)),   b(η) = log(1 + e^η) (logit) or e^η (log)

    so that with η_i(z) = η_i + z s_i and u_l(z) = u_l + z σ_l the change of a level's
    Σ d_i + u_l² from the mode (z = 0, the middle node of an odd rule) is

        Σ_{i∈l} 2wᵢ (b(η_i(z)) − b(η_i)) + z (2u_l σ_l − Σ_{i∈l} 2wᵢyᵢ s_i) + z² σ_l²:

    only b runs over the nodes × rows. Used where every node's η is in the range where
    R's link clamps nothing (``GlmResponse.eta_in_range``), else μ by the link, as
    lme4."""

    def __init__(self, pred, resp: GlmResponse, rule):
        term = pred.terms[0]
        self.resp = resp
        self.codes, self.nl = np.asarray(term.codes), term.nlevels
        self.m = scalar_column(term)
        z, wts, ld = rule
        self.z, self.zc = z, z[:, None]
        self.log_scale = (np.log(wts / sqrt(2.0 * pi)) - ld)[:, None]   # log(w_k/φ(z_k)/√(2π))
        self.chunk = max(1, AGQ_CELLS // max(self.codes.size, 1))
        k = min(z.size, self.chunk)
        self.keys = (np.arange(k)[:, None] * self.nl + self.codes).ravel()
        self.mid = z.size // 2
        self.eta_form = (resp.has_eta_form and z.size % 2 == 1 and z[self.mid] == 0.0
                         and k == z.size)
        self.dense = self.one = None
        if self.eta_form:
            _, w2, w2y = resp.eta_parts
            self.neg_w = -0.5 * w2                               # −½·2wᵢ: S below is −½ Σ 2wᵢ b
            wym = w2y if self.m is None else w2y * self.m
            self.half_wy = 0.5 * np.bincount(self.codes, wym, self.nl)   # ½ Σ_{i∈l} 2wᵢyᵢmᵢ
            ls = self.log_scale[:, 0]
            self.ls_mid = float(ls[self.mid])
            self.nodes = np.column_stack([z, -0.5 * z * z, ls - self.ls_mid])   # N (nodes × 3)
            n = self.codes.size
            if n * self.nl <= DENSE_LEVELS:                      # level sums as one product
                self.dense = np.zeros((n, self.nl))
                self.dense[np.arange(n), self.codes] = self.neg_w
                E1 = np.empty((z.size, n + 3), order="F")       # one point's [b(E) N] …
                E1[:, n:] = self.nodes
                D1 = np.empty((n + 3, self.nl))                 # … and [dense; M]
                D1[:n] = self.dense
                D1[n + 2] = 1.0
                self.one = (E1, D1)

    def level_sums(self, d: np.ndarray, k: int) -> np.ndarray:
        """Σ_{i∈l} over each of a (k × n) array's rows: a (k × levels) array."""
        if self.keys.size < d.size:
            self.keys = (np.arange(k)[:, None] * self.nl + self.codes).ravel()
        return np.bincount(self.keys[:d.size], d.ravel(), k * self.nl).reshape(k, self.nl)

    def deviance(self, eta: np.ndarray, t, u, sd, ld_l):
        """The AGQ deviance by the η form (the class's formula) at a mode (η, u, the
        conditional SDs sd = 1/L_l and log|L|²) for θ's λ = t; None where a node's η is
        outside the range where it equals R's μ-based one. The arguments may hold several
        points (η points × n, t a column, u and sd points × levels, log|L|² one per
        point: ``batch.py``); then the values are an array, NaN where the η form does
        not apply.

        With s_i = λ sd_l m_i (η's change per unit z), Σ_{i∈l} 2wᵢyᵢ s_i = λ sd_l Σ_{i∈l}
        2wᵢyᵢmᵢ (kept per level). The exponent, less its middle node's, is

            T_kl = S_kl − S_ml + (N M)_kl,   N = [z, −½z², log scale − its middle's],
                                             M = [−½ lin; sd²; 1] (3 × levels)

        with S = −½ Σ_{i∈l} 2wᵢ b(η_i(z)) (the sums halved and negated: −w in the dense
        matrix) and N's middle row 0, so that log of a level's integral ratio is the middle
        node's log scale + log Σ_k exp T_kl. For one point, with the dense sums, S + N M is
        one product of stacked matrices, [b(E) N] [dense; M] (buffers made once)."""
        resp = self.resp
        c2, _, w2y = resp.eta_parts
        n, K, nl = self.codes.size, self.z.size, self.nl
        shift = (t * sd).take(self.codes, axis=-1)          # s_i
        if self.m is not None:
            shift *= self.m
        lead = eta.shape[:-1]
        one = self.one if not lead and self.dense is not None else None
        if one is not None:
            E, M = one[0][:, :n], one[1][n:]
        else:
            E, M = np.empty(lead + (K, n)), np.empty(lead + (3, nl))
            M[..., 2, :] = 1.0
        np.multiply(self.zc, shift[..., None, :], out=E)     # (…, nodes, n)
        E += eta[..., None, :]
        ok = resp.eta_in_range(E.reshape(*lead, K * n, order="A"))
        if not lead and not ok:
            return None
        resp.cumulant(E)                                     # b(η_i(z)), in place
        np.multiply(sd, t * self.half_wy - u, out=M[..., 0, :])     # −½ lin
        np.multiply(sd, sd, out=M[..., 1, :])
        if one is not None:
            S = one[0] @ one[1]
        else:
            if self.dense is not None:
                S = E @ self.dense
            else:
                E *= self.neg_w
                S = self.level_sums(E, E.size // n).reshape(*lead, K, nl)
            S += self.nodes @ M
        s0 = S[..., self.mid, :].copy()                      # −½ Σ_{i∈l} 2wᵢ b(η_i) at the mode
        S -= s0[..., None, :]
        mult = np.add.reduce(np.exp(S, out=S), axis=-2)
        devsum = c2 - 2.0 * np.add.reduce(s0, axis=-1) - eta @ w2y + np.vecdot(u, u)
        logs = np.add.reduce(np.log(mult), axis=-1) + nl * self.ls_mid
        value = devsum + ld_l - 2.0 * logs
        if lead:
            return np.where(ok, value, np.nan)
        return float(value)


def agq(pred, resp: GlmResponse, theta: np.ndarray, mode: Mode, rule,
        plan: AgqPlan | None = None) -> float:
    """lme4's ``glmerAGQ`` for one scalar term: per level, the integral over u_l by
    Gauss–Hermite nodes centred at the mode and scaled by its conditional SD
    1/L_l; returns Σ_l (Σ d_i + u_l²) + log|L|² − 2 Σ_l log(integral ratio).
    The nodes are evaluated together, as rows of a (nodes × n) array (in chunks
    of at most AGQ_CELLS cells); ``plan`` holds what does not change between
    evaluations (made here when not given, or made for another response)."""
    if plan is None or plan.resp is not resp:
        plan = AgqPlan(pred, resp, rule)
    codes, nl = plan.codes, plan.nl
    sd = 1.0 / mode.sol.L1[:, 0, 0]
    u = mode.u[0][:, 0]
    if plan.eta_form:
        value = plan.deviance(mode.eta, float(theta[0]), u, sd, mode.sol.ld_l)
        if value is not None:
            return value
    shift = (float(theta[0]) * sd)[codes]                   # η's change per unit z on each row
    if plan.m is not None:
        shift *= plan.m
    z = plan.z
    devc0 = u * u + np.bincount(codes, resp.dev_resid(mode.mu), minlength=nl)
    mult = np.zeros(nl)
    for lo in range(0, z.size, plan.chunk):
        zk = z[lo:lo + plan.chunk]
        mu = resp.mu(mode.eta + np.multiply.outer(zk, shift))  # (nodes, n)
        uk = u + np.multiply.outer(zk, sd)
        devc = uk * uk + plan.level_sums(resp.dev_resid(mu), zk.size)
        mult += np.exp(plan.log_scale[lo:lo + plan.chunk] - 0.5 * (devc - devc0)).sum(axis=0)
    return float(devc0.sum() + mode.sol.ld_l - 2.0 * np.log(mult).sum())
