"""The normal CDF Φ and its inverse as engine expressions (Ibis), for the probit
link of a GLMM fitted by passes over a database's rows (links.py): SQL has no
portable ``erf``, so both are written in arithmetic, ``exp``, ``ln`` and ``sqrt``.

Φ(x) = erfc(−x/√2)/2, erfc by W. J. Cody's rational Chebyshev approximations
(Cody, "Rational Chebyshev approximations for the error function", Math. Comp.
23 (1969) 631–637; the SPECFUN routine CALERF, ACM TOMS 715, 1993), relative error
below 1e-16 before rounding on three ranges of |t|:

- |t| ≤ 0.46875: erf t = t·P₄(t²)/Q₄(t²), erfc = 1 − erf;
- 0.46875 < |t| ≤ 4: erfc t = e^{−t²}·P₈(t)/Q₈(t);
- |t| > 4: erfc t = e^{−t²}/t·(1/√π + t⁻²·P₅(t⁻²)/Q₅(t⁻²));

with e^{−t²} formed as e^{−s²}·e^{−(t−s)(t+s)}, s = ⌊16t⌋/16 (Cody's split, which
keeps t²'s rounding out of the exponent), and erfc(−t) = 2 − erfc(t).

Φ⁻¹ (the probit of R's starting means, once per fit): P. J. Acklam's rational
approximation (relative error 1.15e-9), then one Halley step on Φ(x) − p, which
brings it to full double precision (the cubic convergence of Halley's method).
tests/remote/test_remote_probit.py compares both with scipy's ``ndtr``/``ndtri``.
"""
from __future__ import annotations

from math import pi, sqrt

import ibis

A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
     3.20937758913846947e03, 1.85777706184603153e-1)
B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
     2.84423683343917062e03)
C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
     2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
     2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
     1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
     3.43936767414372164e03, 1.23033935480374942e03)
P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
     1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
     6.05183413124413191e-2, 2.33520497626869185e-3)
SQRPI = 5.6418958354775628695e-1     # 1/√π
THRESH = 0.46875


def _ratio(num, den, last_num, last_den, v, n: int):
    """Cody's Horner loop: xnum = num·v, xden = v, then n rounds of
    (xnum + num_i)·v, (xden + den_i)·v; returns (xnum + last_num)/(xden + last_den)."""
    xnum, xden = v * num[-1], v
    for i in range(n):
        xnum = (xnum + num[i]) * v
        xden = (xden + den[i]) * v
    return (xnum + last_num) / (xden + last_den)


def _exp_neg_sq(y):
    """e^{−y²} as Cody forms it: e^{−s²} e^{−(y−s)(y+s)}, s = ⌊16y⌋/16."""
    s = (y * 16.0).floor().cast("float64") / 16.0
    return (-(s * s)).exp() * (-((y - s) * (y + s))).exp()


def erfc(x):
    """erfc(x) for a float64 expression (Cody's CALERF, see the module)."""
    y = x.abs()
    small = 1.0 - x * _ratio(A, B, A[3], B[3], y * y, 3)      # 1 − erf x (either sign)
    mid = _exp_neg_sq(y) * _ratio(C, D, C[7], D[7], y, 7)
    inv = 1.0 / (y * y)
    tail = _exp_neg_sq(y) * ((SQRPI - inv * _ratio(P, Q, P[4], Q[4], inv, 4)) / y)
    big = ibis.ifelse(y > 4.0, tail, mid)                       # erfc |x|
    return ibis.ifelse(y <= THRESH, small, ibis.ifelse(x < 0.0, 2.0 - big, big))


def ndtr(x):
    """Φ(x) = erfc(−x/√2)/2."""
    return 0.5 * erfc(-x / sqrt(2.0))


def ndtr_column(t, col: str, out: str):
    """``t`` with column ``out`` = Φ(t[col]), the same arithmetic as ``ndtr`` with its
    shared parts (|t|, e^{−t²}, 1/t²) as columns of their own selects: an engine
    then plans a few hundred nodes instead of the expanded tree (50 kB of SQL)."""
    t = t.mutate(_pt=-t[col] / sqrt(2.0))
    t = t.mutate(_py=t["_pt"].abs())
    t = t.mutate(_pe=_exp_neg_sq(t["_py"]), _pi=1.0 / (t["_py"] * t["_py"]),
                 _pq=t["_py"] * t["_py"])
    y, e, inv = t["_py"], t["_pe"], t["_pi"]
    t = t.mutate(_psmall=1.0 - t["_pt"] * _ratio(A, B, A[3], B[3], t["_pq"], 3),
                 _pbig=ibis.ifelse(y > 4.0,
                                   e * ((SQRPI - inv * _ratio(P, Q, P[4], Q[4], inv, 4)) / y),
                                   e * _ratio(C, D, C[7], D[7], y, 7)))
    big = t["_pbig"]
    erfc_t = ibis.ifelse(t["_py"] <= THRESH, t["_psmall"],
                         ibis.ifelse(t["_pt"] < 0.0, 2.0 - big, big))
    t = t.mutate(**{out: 0.5 * erfc_t})
    return t.drop("_pt", "_py", "_pe", "_pi", "_pq", "_psmall", "_pbig")


# P. J. Acklam, "An algorithm for computing the inverse normal cumulative
# distribution function" (2003): rational approximations on the centre and tails.
_AA = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
       1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_AB = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
       6.680131188771972e01, -1.328068155288572e01)
_AC = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
       -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
_AD = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
       3.754408661907416e00)
_LOW = 0.02425


def _horner(coef, v):
    out = v * 0.0 + coef[0]
    for c in coef[1:]:
        out = out * v + c
    return out


def ndtri_column(t, col: str, out: str):
    """``t`` with column ``out`` = Φ⁻¹(t[col]) for 0 < p < 1: Acklam's approximation
    and one Halley step, on the lower half (Φ⁻¹(p) = −Φ⁻¹(1 − p), 1 − p exact for
    p ≥ ½), where Φ(x) − p keeps its digits. Each stage is a column of its own
    select (see ``ndtr_column``)."""
    p = t[col]
    t = t.mutate(_qs=ibis.least(p, 1.0 - p))
    s = t["_qs"]
    q = s - 0.5
    r = q * q
    centre = q * _horner(_AA, r) / (_horner(_AB, r) * r + 1.0)
    lo = (-2.0 * ibis.greatest(s, ibis.literal(1e-300)).ln()).sqrt()
    low = _horner(_AC, lo) / (_horner(_AD, lo) * lo + 1.0)
    t = t.mutate(_qx=ibis.ifelse(s < _LOW, low, centre))
    t = ndtr_column(t, "_qx", "_qphi")
    x = t["_qx"]
    t = t.mutate(_qu=(t["_qphi"] - t["_qs"]) * sqrt(2.0 * pi) * (x * x / 2.0).exp())
    x, u = t["_qx"], t["_qu"]                # Halley: x − u/(1 + x u/2), u = e √(2π) e^{x²/2}
    t = t.mutate(_qx=x - u / (1.0 + x * u / 2.0))
    t = t.mutate(**{out: ibis.ifelse(t[col] > 0.5, -t["_qx"], t["_qx"])})
    return t.drop("_qs", "_qx", "_qphi", "_qu")
