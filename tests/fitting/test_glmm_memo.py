"""The fit's modes at stage 1's and stage 2's optimum come from the objective's kept
best (fit.py's Memo.best) instead of another PIRLS: they must be PIRLS's modes at
exactly those points, from the same η₀, and a point one ulp away, another η₀ or
another response must not be answered from the memo."""
import dataclasses

import numpy as np

import mixeq
from conftest import load_dataset


def _fit(nagq):
    return mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)",
                     load_dataset("cbpp"), family="binomial", nagq=nagq)


def test_the_kept_mode_at_the_optimum_is_pirlss():
    for nagq in (1, 25):
        fit = _fit(nagq)
        prob = fit._problem
        again = prob.pirls(fit.theta, fit._eta0, fit._beta)
        assert fit._mode.iterations == again.iterations
        np.testing.assert_array_equal(fit._mode.eta, again.eta)
        np.testing.assert_array_equal(fit._mode.u[0], again.u[0])
        assert fit._mode.sol.ld_l == again.sol.ld_l


def test_the_memo_answers_only_its_point_start_and_response():
    fit = _fit(25)
    prob = fit._problem
    x = np.concatenate([fit.theta, fit._beta])
    memo, eta0 = prob.memo, fit._eta0
    assert memo.mode_at(eta0, prob.resp, x) is fit._mode            # the kept one
    near = x.copy()
    near[1] = np.nextafter(near[1], np.inf)
    assert memo.mode_at(eta0, prob.resp, near) is None              # one ulp away
    assert memo.mode_at(eta0.copy(), prob.resp, x) is None          # another η₀ (by identity)
    other = dataclasses.replace(prob.resp, y=prob.resp.y[::-1].copy())
    assert memo.mode_at(eta0, other, x) is None                     # another response
    mode = prob.mode_at(near, eta0)                                 # falls back to PIRLS
    assert mode is not fit._mode and mode.iterations >= 1
