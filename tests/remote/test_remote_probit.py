"""The engine's normal CDF and its inverse (mixeq/remote/probit.py: Cody's erfc,
Acklam + Halley) against scipy's ndtr/ndtri, in DuckDB, at many points including
both tails; and the links' other engine expressions (links.py) against family.py."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

ibis = pytest.importorskip("ibis")

from mixeq.fitting.family import LINKS  # noqa: E402
from mixeq.remote import links, probit  # noqa: E402

X = np.concatenate([np.linspace(-8.2, 8.2, 4001), [0.0, 1e-300, -1e-12, 0.46875 * np.sqrt(2),
                                                    -0.46875 * np.sqrt(2), 4 * np.sqrt(2),
                                                    -4 * np.sqrt(2), -37.0, 38.0]])


def _ndtr(x, **patch):
    t = ibis.memtable(pd.DataFrame({"x": x}))
    return t.select(p=probit.ndtr(t.x)).to_pandas()["p"].to_numpy(), \
        probit.ndtr_column(t, "x", "p").to_pandas()["p"].to_numpy()


def test_ndtr_is_scipys_to_rounding_in_both_tails():
    ref = special.ndtr(X)
    for got in _ndtr(X):
        rel = np.abs(got - ref) / np.maximum(ref, 1e-300)
        inside = np.abs(X) <= 8.2          # the probit link's clamp is |η| ≤ 8.13
        assert rel[inside].max() < 2e-14   # −8: 2t²·ε from rounding t = x/√2
        assert rel[~inside & (ref > 1e-290)].max() < 1e-12


def test_ndtri_is_scipys():
    p = np.concatenate([np.logspace(-300, -1, 600), np.linspace(0.01, 0.99, 199),
                        1 - np.logspace(-15, -2, 60)])
    t = ibis.memtable(pd.DataFrame({"p": p}))
    got = probit.ndtri_column(t, "p", "x").to_pandas()["x"].to_numpy()
    ref = special.ndtri(p)
    assert np.all(np.abs(got - ref) <= 5e-14 * np.maximum(np.abs(ref), 1.0))


def test_a_planted_coefficient_error_is_caught(monkeypatch):
    """The comparison above can fail: one of Cody's coefficients off by 1e-9."""
    c = list(probit.C)
    c[3] *= 1 + 1e-9
    monkeypatch.setattr(probit, "C", tuple(c))
    ref = special.ndtr(X)
    got = _ndtr(X)[0]
    assert (np.abs(got - ref) / np.maximum(ref, 1e-300)).max() > 1e-12


@pytest.mark.parametrize("link", ["logit", "cloglog", "log", "probit"])
def test_link_expressions_are_family_pys(link):
    eta = np.concatenate([np.linspace(-40, 40, 1601), [-1e-3, 1e-5, -700.0, 5e-9]])
    if link == "log":
        eta = eta[eta < 300]
    t = ibis.memtable(pd.DataFrame({"e": eta}))
    mu_expr = links.linkinv(link, t.e)
    out = t.select(mu=mu_expr, d=links.mu_eta(link, t.e, mu_expr)).to_pandas()
    lk = LINKS[link]
    mu = lk.linkinv(eta)
    d = lk.mu_eta(eta) if lk.mu_eta_of_mu is None else lk.mu_eta_of_mu(mu)
    assert np.max(np.abs(out["mu"] - mu) / mu) < 2e-14
    assert np.max(np.abs(out["d"] - d) / d) < 2e-14
