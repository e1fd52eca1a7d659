"""The response part of a GLMM (lme4's glmResp): y, trials, prior weights,
offset and family; the working weights and response of one PIRLS step; the
deviance residuals and R's ``aic`` that make the Laplace criterion."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixeq.fitting.family import EPS, LOG_EPS, LOGIT_LIMIT, Family, Kernel, check_response

CANONICAL = {("binomial", "logit"), ("poisson", "log")}   # μ'(η) = V(μ)


@dataclass
class GlmResponse:
    family: Family
    y: np.ndarray        # response (a proportion for binomial with trials)
    n: np.ndarray        # lme4's n: binomial trials (1 for 0/1 responses)
    wt: np.ndarray       # prior weights (trials × user weights for cbind)
    offset: np.ndarray   # known part of η

    @classmethod
    def of(cls, model) -> "GlmResponse":
        cells = getattr(model.design, "glm_response", None)
        if cells is not None:   # data aggregated into cells by an engine (mixeq/remote/glmm.py)
            return cells(model.family)
        y = model.y.to_numpy(dtype=float)
        n_obs = y.size
        family = model.family
        wt = np.ones(n_obs) if model.weights is None else np.asarray(model.weights, dtype=float)
        check_response(family, y, model.spec.response, model.weights is not None)
        # R's binomial()$initialize: n = trials for cbind(), else 1 (then aic() takes
        # the weights as trials: the proportion + weights form)
        n = np.asarray(model.trials, dtype=float) if model.trials is not None else np.ones(n_obs)
        offset = np.zeros(n_obs) if model.offset is None else np.asarray(model.offset, dtype=float)
        return cls(family, y, n, wt, offset)

    def mu(self, eta: np.ndarray) -> np.ndarray:
        return self.family.link.linkinv(eta)

    def working(self, eta: np.ndarray, mu: np.ndarray):
        """(W, (y − μ)/μ'(η)): the PIRLS weights and working residuals (glmResp's
        sqrtWrkWt² and wrkResids). For a canonical link μ'(η) = V(μ), so W = w V(μ)
        (logit: while no μ(1 − μ) is clamped at ε)."""
        if self._canonical:
            if self._logit:
                v = mu * (1.0 - mu)
                if np.minimum.reduce(v, axis=None) < EPS:
                    v = None
            else:
                v = mu
            if v is not None:
                return (v if self._unit_wt else self.wt * v), (self.y - mu) / v
        link = self.family.link
        mueta = link.mu_eta(eta) if link.mu_eta_of_mu is None else link.mu_eta_of_mu(mu)
        w = self.wt * mueta * mueta / self.family.variance(mu)
        return w, (self.y - mu) / mueta

    def __post_init__(self):
        self.kernel = self.family.kernel(self.y, self.n, self.wt)
        self._start = None
        self._canonical = (self.family.name, self.family.link.name) in CANONICAL
        self._unit_wt = bool(np.all(np.asarray(self.wt) == 1.0))
        self._logit = self._canonical and self.family.name == "binomial"
        self._eta_parts = None   # (kernel, (Σ 2wc, 2w, 2wy)): eta_parts

    def start(self, eta0: np.ndarray):
        """(μ, W, working residuals) at η₀, kept for the last η₀ given: every
        evaluation of a stage's criterion starts PIRLS from the same η₀."""
        if self._start is None or self._start[0] is not eta0:
            mu = self.mu(eta0)
            self._start = (eta0, mu, *self.working(eta0, mu))
        return self._start[1:]

    def mu_deviance(self, eta: np.ndarray):
        """(μ, Σ d_i) at η, PIRLS's per-step evaluation: by the η form (``eta_form``)
        where it applies, else μ by the link and ``deviance``."""
        got = self.eta_form(eta)
        if got is not None:
            return got
        mu = self.mu(eta)
        return mu, self.deviance(mu)

    @property
    def has_eta_form(self) -> bool:
        """Whether ``eta_form`` can apply: a canonical binomial-logit or Poisson-log
        family on rows (not a remote design's cells)."""
        return self._canonical and isinstance(self.kernel, Kernel)

    @property
    def eta_parts(self):
        """(Σ 2wᵢcᵢ, 2w, 2wy): the y-only parts of the η form's Σ dᵢ (``eta_form``; the
        AGQ deviance's, agq.py), made once per kernel."""
        parts = self._eta_parts
        if parts is None or parts[0] is not self.kernel:
            w2 = 2.0 * np.asarray(self.wt, dtype=float)
            parts = self._eta_parts = (self.kernel, (float(w2 @ self.kernel.c), w2, w2 * self.y))
        return parts[1]

    def eta_in_range(self, eta: np.ndarray):
        """Whether R's link clamps nothing at η (|η| ≤ 30 for logit, η ≥ log ε for
        log), where the η form equals R's μ-based deviance: one answer per row of η's
        last axis (one for a vector; NaN is out of range)."""
        if self._logit:
            return np.maximum.reduce(np.abs(eta), axis=-1) <= LOGIT_LIMIT
        return np.minimum.reduce(eta, axis=-1) >= LOG_EPS

    def cumulant(self, eta: np.ndarray) -> np.ndarray:
        """b(η) in place: log(1 + e^η) (logit) or e^η (log)."""
        np.exp(eta, out=eta)
        if self._logit:
            np.log1p(eta, out=eta)
        return eta

    def eta_form(self, eta: np.ndarray):
        """(μ, Σ d_i over η's last axis) for the canonical binomial-logit and
        Poisson-log families, Σ 2wᵢ(cᵢ − yᵢη_i + b(η_i)) with b(η) = log(1 + e^η) or
        e^η (−y log μ − (1 − y) log(1 − μ) = −yη + log(1 + e^η); −y log μ + μ =
        −yη + e^η): two dot products and no log of μ. None where it does not equal
        R's μ-based deviance: another family or link, or η out of ``eta_in_range``.
        η may hold several points' rows (points × n): then Σ d_i is one value per
        point, NaN for a point out of range."""
        if not self.has_eta_form:
            return None
        ok = self.eta_in_range(eta)
        if eta.ndim == 1:
            return self._eta_sums(eta) if ok else None
        with np.errstate(over="ignore", invalid="ignore"):   # the points out of range
            mu, dev = self._eta_sums(eta)
        return mu, np.where(ok, dev, np.nan)

    def _eta_sums(self, eta: np.ndarray):
        c2, w2, w2y = self.eta_parts
        t = np.exp(eta)
        if self._logit:
            t1 = t + 1.0
            mu = np.divide(t, t1, out=t)
            return mu, c2 - eta @ w2y + np.log(t1, out=t1) @ w2
        return t, c2 - eta @ w2y + t @ w2

    def deviance(self, mu: np.ndarray) -> float:
        """Σ d_i at μ (a family's kernel sums in one dot product; another kernel, such
        as a remote design's cells, by its ``dev_resid``)."""
        k = self.kernel
        return k.deviance(mu) if isinstance(k, Kernel) else float(k.dev_resid(mu).sum())

    def dev_resid(self, mu: np.ndarray) -> np.ndarray:
        return self.kernel.dev_resid(mu)

    def aic(self, mu: np.ndarray, devsum: float | None = None) -> float:
        """R's aic at μ; from Σ d_i when given and aic − Σ d_i does not depend on μ."""
        if devsum is not None and self.kernel.offset_c is not None:
            return devsum + self.kernel.offset_c
        return self.kernel.aic(mu)
