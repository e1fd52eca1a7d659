"""Derivatives by central differences with Richardson extrapolation, as R's
numDeriv (``hessian`` via ``genD``, ``jacobian``) computes them: first steps
d·|x| (eps where x is 0), halved r − 1 times, the estimates combined by
Richardson's rule (Gilbert & Varadhan, numDeriv; Linfield & Penny 1989).
lmerTest takes the Hessian of the deviance in (θ, σ) and the Jacobian of
vcov(β) this way; using the same scheme keeps our df on theirs."""
from __future__ import annotations

import numpy as np

D, EPS, ZERO_TOL, R = 1e-4, 1e-4, np.sqrt(np.finfo(float).eps / 7e-7), 4


def _steps(x: np.ndarray, d: float = 0.1) -> np.ndarray:
    return d * np.abs(x) + EPS * (np.abs(x) < ZERO_TOL)


def _richardson(a: np.ndarray) -> np.ndarray:
    """Combine estimates at steps h, h/2, h/4 … (first axis) to the h → 0 limit."""
    a = np.array(a, dtype=float)
    for m in range(1, a.shape[0]):
        four = 4.0 ** m
        a = (a[1:] * four - a[:-1]) / (four - 1.0)
    return a[0]


def jacobian(f, x: np.ndarray, d: float = 1e-4) -> np.ndarray:
    """∂f/∂x (f returns an array, flattened): columns per element of x."""
    x = np.asarray(x, dtype=float)
    h0 = _steps(x, d)
    cols = []
    for i in range(x.size):
        est = []
        h = h0[i]
        for _ in range(R):
            e = np.zeros_like(x)
            e[i] = h
            est.append((np.ravel(f(x + e)) - np.ravel(f(x - e))) / (2.0 * h))
            h /= 2.0
        cols.append(_richardson(est))
    return np.column_stack(cols)


def hessian(f, x: np.ndarray, d: float = 0.1) -> np.ndarray:
    """Second derivatives of the scalar f at x (numDeriv's genD)."""
    x = np.asarray(x, dtype=float)
    k = x.size
    f0 = float(f(x))
    h0 = _steps(x, d)
    H = np.zeros((k, k))
    diag_est = np.zeros((R, k))
    for i in range(k):
        h = h0[i]
        for m in range(R):
            e = np.zeros(k)
            e[i] = h
            diag_est[m, i] = (f(x + e) - 2.0 * f0 + f(x - e)) / (h * h)
            h /= 2.0
        H[i, i] = _richardson(diag_est[:, i])
    for i in range(k):
        for j in range(i):
            hi, hj = h0[i], h0[j]
            est = []
            for m in range(R):
                e = np.zeros(k)
                e[i], e[j] = hi, hj
                v = (f(x + e) - 2.0 * f0 + f(x - e)
                     - diag_est[m, i] * hi * hi - diag_est[m, j] * hj * hj) / (2.0 * hi * hj)
                est.append(v)
                hi, hj = hi / 2.0, hj / 2.0
            H[i, j] = H[j, i] = _richardson(est)
    return H
