"""Fit options of the wrong type or range are clear FitErrors, not nlopt/numpy tracebacks."""
import pytest

import mixeq
from conftest import load_dataset
from mixeq.errors import FitError

F = "Reaction ~ Days + (Days | Subject)"


@pytest.mark.parametrize("option, text", [
    ({"maxeval": "abc"}, "maxeval='abc'"),
    ({"maxeval": 0}, "≥ 1"),
    ({"maxeval": 2.5}, "whole number"),
    ({"start": "abc"}, "start='abc': give 3 numbers"),
    ({"start": [1.0, 0.0]}, "start has 2 values"),
    ({"start": [-1.0, 0.0, 1.0]}, "≥ 0"),
    ({"initial_step": 0}, "initial_step=0"),
    ({"initial_step": [0.1, 0.1]}, "3 such numbers"),
    ({"initial_step": "big"}, "initial_step='big'"),
    ({"ftol_rel": "x"}, "ftol_rel='x'"),
    ({"xtol_abs": -1.0}, "≥ 0"),
    ({"ftol_abs": float("nan")}, "ftol_abs=nan"),
    ({"tolerance": 1e-3}, "unknown fit option"),
])
def test_bad_option_values_are_fit_errors(option, text):
    with pytest.raises(FitError) as info:
        mixeq.fit(F, load_dataset("sleepstudy"), **option)
    assert text in str(info.value)


def test_good_option_values_still_work():
    fit = mixeq.fit(F, load_dataset("sleepstudy"), maxeval=5000, initial_step=[0.5, 0.5, 0.5],
                    ftol_rel=1e-12, start=[1.0, 0.0, 1.0])
    assert fit.reml_criterion == pytest.approx(1743.6282719599, abs=1e-5)  # lme4 1.1-31
