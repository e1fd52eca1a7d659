"""predict(): rebuilt design on new data, unseen levels fall back to the population."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import load_dataset
from fitting.helpers import reference_fit
from mixeq.errors import MixeqError


def test_predict_on_the_fitted_data_gives_fitted_values():
    fit = reference_fit("sleepstudy_slope_reml")
    df = load_dataset("sleepstudy")
    np.testing.assert_allclose(fit.predict(df).to_numpy(), fit.fitted.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(fit.predict().to_numpy(), fit.fitted.to_numpy())


def test_population_prediction_is_X_beta():
    fit = reference_fit("sleepstudy_slope_reml")
    new = pd.DataFrame({"Days": [0.0, 5.0], "Subject": ["308", "308"]})
    pop = fit.predict(new, include_random=False).to_numpy()
    b0, b1 = fit.fixef["(Intercept)"], fit.fixef["Days"]
    np.testing.assert_allclose(pop, [b0, b0 + 5 * b1])
    with_re = fit.predict(new).to_numpy()
    u0, u1 = fit.ranef["Subject"].loc["308"]
    np.testing.assert_allclose(with_re, [b0 + u0, b0 + u0 + 5 * (b1 + u1)])


def test_new_levels_get_no_random_effect():
    fit = reference_fit("sleepstudy_slope_reml")
    new = pd.DataFrame({"Days": [3.0, 3.0], "Subject": ["999", "309"]})
    with pytest.raises(MixeqError, match="'Subject': 999.*allow_new_levels=True"):
        fit.predict(new)   # lme4's default allow.new.levels = FALSE
    pred = fit.predict(new, allow_new_levels=True).to_numpy()
    pop = fit.predict(new, include_random=False).to_numpy()
    assert pred[0] == pytest.approx(pop[0])
    assert pred[1] != pytest.approx(pop[1])


def test_predict_with_factors_and_interaction_groups():
    fit = reference_fit("cake_interaction")
    df = load_dataset("cake")
    np.testing.assert_allclose(fit.predict(df.iloc[:20]).to_numpy(), fit.fitted.to_numpy()[:20], rtol=1e-10)
    fit = reference_fit("pastes_nested")
    df = load_dataset("Pastes")
    np.testing.assert_allclose(fit.predict(df).to_numpy(), fit.fitted.to_numpy(), rtol=1e-10)


def test_missing_columns_are_a_clear_error():
    fit = reference_fit("sleepstudy_slope_reml")
    with pytest.raises(MixeqError, match="Subject"):
        fit.predict(pd.DataFrame({"Days": [1.0]}))
    assert fit.predict(pd.DataFrame({"Days": [1.0]}), include_random=False).shape == (1,)
    with pytest.raises(MixeqError, match="DataFrame"):
        fit.predict([1, 2, 3])
