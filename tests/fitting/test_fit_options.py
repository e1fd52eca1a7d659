"""One record of fit options (options.py) that refit reuses: every choice a fit
was made with — optimiser, its tolerances, factorisation, checks, search
shortcuts, threads — comes back in the refit, changed only where asked."""
from __future__ import annotations

import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.options import FitOptions


def test_an_lmm_refit_reuses_every_option():
    model = mixeq.Model("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"))
    fit = model.fit(factor="dense", check_conv=False, ftol_rel=1e-10, blas_threads=2, profile=False)
    opts = fit.options
    assert (opts.factor, opts.check_conv, opts.blas_threads, opts.profile) == ("dense", False, 2, False)
    assert opts.optimizer_options == {"ftol_rel": 1e-10}
    ml = fit.refit(reml=False)
    assert ml.options == opts.with_(reml=False)
    assert ml.optimizer_summary.factor == "dense" and not ml.convergence.checked
    assert ml.objective == pytest.approx(model.fit(reml=False).objective, rel=1e-8)


def test_a_glmm_refit_changes_only_what_is_asked():
    cbpp = load_dataset("cbpp")
    fit = mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp,
                    family="binomial", ftol_abs=1e-9)
    agq = fit.refit(nagq=5)
    assert agq.options.nagq == 5 and agq.options.optimizer_options == {"ftol_abs": 1e-9}
    assert agq.options == fit.options.with_(nagq=5)


def test_with_puts_unknown_names_among_the_optimizer_options():
    opts = FitOptions.of(reml=True, xtol_abs=1e-6, check_conv=True)
    assert opts.check_conv is True and opts.optimizer_options == {"xtol_abs": 1e-6}
    changed = opts.with_(maxeval=50, optimizer="nelder-mead")
    assert changed.optimizer == "nelder-mead"
    assert changed.optimizer_options == {"xtol_abs": 1e-6, "maxeval": 50}
    assert changed.kwargs()["maxeval"] == 50 and changed.kwargs()["check_conv"] is True
