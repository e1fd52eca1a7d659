"""lme4's convergence check at the optimum (mixeq/fitting/convergence.py), against lme4
1.1-31's fits, derivatives and warnings (tools/make_convergence_references.R)."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from mixeq.cli.main import main
from mixeq.errors import FitError, MixeqWarning
from mixeq.fitting import convergence as C

CONV = DATA / "convergence"
REF = json.loads((CONV / "lme4.json").read_text())


def _fit(formula, data, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = mixeq.fit(formula, data, **options)
    return fit, [str(w.message) for w in caught if issubclass(w.category, MixeqWarning)]


def _lme4_failed(ref) -> bool:
    return any("converge" in n or "unidentifiable" in n or "Hessian" in n for n in ref["notes"])


RE3_CASES = ["1", "2", "3", "4", "5", "7", "8", "9", "12", "16", "25", "29", "30", "36"]


@pytest.mark.parametrize("family, file, ids", [
    ("re3", "re3_cases.csv", RE3_CASES), ("crossed", "crossed_cases.csv", None)])
def test_small_hard_models_reach_lme4s_optimum_and_singularity(family, file, ids):
    """3 × 3 random-effects models and tiny crossed ones (the hard ones of 40 each, and
    all crossed): the criterion is lme4's or lower; singular wherever lme4 says so, and
    where lme4 says not, only when the boundary's criterion is lower than lme4's
    interior optimum (lme4's BOBYQA stopped short: θ 2e-3 above a better 0);
    flagged unconverged only where lme4 also fails and finds no lower criterion."""
    cases = pd.read_csv(CONV / file)
    problems = []
    for case, ref in REF[family].items():
        if ids is not None and case not in ids:
            continue
        data = cases[cases.case == int(case)].drop(columns="case")
        fit, _ = _fit(ref["formula"], data)
        gap = fit.reml_criterion - ref["REMLcrit"]
        if gap > 1e-5:
            problems.append((case, "criterion above lme4's", gap))
        if ref["singular"] and not fit.singular:
            problems.append((case, "not singular where lme4 is", fit.theta))
        if fit.singular and not ref["singular"] and gap > 1e-6:
            problems.append((case, "singular, lme4's interior optimum is lower", gap))
        if not fit.converged and not (_lme4_failed(ref) and gap > -1e-6):
            problems.append((case, "flagged where lme4 converged", fit.convergence.messages))
        if _lme4_failed(ref) and fit.converged and gap > -1e-6:
            problems.append((case, "lme4 failed, mixeq silent and no better", gap))
    assert problems == []


def test_derivatives_are_lme4s():
    ref = REF["sleepstudy"]
    fit, notes = _fit(ref["formula"], load_dataset("sleepstudy"))
    check = fit.convergence
    assert check.checked and check.ok and notes == [] and fit.converged
    np.testing.assert_allclose(check.hessian, ref["hessian"], rtol=2e-3)
    np.testing.assert_allclose(check.gradient, ref["gradient"], atol=5e-5)
    assert check.max_grad < C.GRAD_TOL and check.evaluations == 18  # 2k + 2k(k-1), k = 3


def test_a_response_constant_within_every_group_is_flagged_as_lme4_flags_it():
    """The residual variance goes to 0 and θ to infinity: lme4 warns that the model
    failed to converge; so does mixeq, with what to try."""
    ref = REF["constant_within"]
    assert _lme4_failed(ref)
    fit, notes = _fit(ref["formula"], pd.read_csv(CONV / "constant_within.csv"))
    assert not fit.converged and fit.convergence.checked and not fit.convergence.ok
    assert notes and all("rescale or centre the predictors" in n for n in notes)
    assert any(m.split(":")[0] in fit.summary() for m in fit.convergence.messages)


def test_an_optimiser_stopped_early_is_restarted_or_flagged():
    """Plant an early stop (loose tolerances): the gradient check catches it, the
    restart reaches lme4's criterion; without the check the criterion stays above."""
    ref = REF["re3"]["10"]
    assert not ref["singular"] and not _lme4_failed(ref)
    cases = pd.read_csv(CONV / "re3_cases.csv")
    data = cases[cases.case == 10].drop(columns="case")
    loose = dict(ftol_abs=0.5, ftol_rel=1e-2, xtol_abs=0.5)
    rough, _ = _fit(ref["formula"], data, check_conv=False, **loose)
    assert rough.reml_criterion > ref["REMLcrit"] + 1e-4 and not rough.convergence.checked
    fixed, _ = _fit(ref["formula"], data, **loose)
    assert fixed.convergence.restarted and fixed.convergence.ok and fixed.converged
    assert fixed.reml_criterion == pytest.approx(ref["REMLcrit"], abs=1e-6)
    assert fixed.convergence.restart_gain > 3 and not fixed.singular


def test_the_check_follows_lme4s_size_rule_and_can_be_forced_or_skipped():
    data = load_dataset("sleepstudy")
    assert C.wanted("auto", 9_999, 9) and not C.wanted("auto", 10_000, 3)
    assert not C.wanted("auto", 100, 10)
    skipped, _ = _fit("Reaction ~ Days + (Days | Subject)", data, check_conv=False)
    assert not skipped.convergence.checked and "check_conv=False" in skipped.convergence.reason
    with pytest.raises(FitError, match="check_conv='yes'"):
        mixeq.fit("Reaction ~ Days + (Days | Subject)", data, check_conv="yes")


def test_a_singular_fit_skips_the_derivatives_as_lme4_does():
    fit, _ = _fit("Yield ~ 1 + (1 | Batch)", load_dataset("Dyestuff2"))
    assert fit.singular and not fit.convergence.checked and fit.convergence.singular
    assert fit.converged


# -- the checker itself: planted failures are each caught ----------------------------

def _quadratic(H, x0):
    H, x0 = np.asarray(H, float), np.asarray(x0, float)
    return lambda x: float((x - x0) @ H @ (x - x0))


def _check(f, x):
    x = np.asarray(x, float)
    return C.check_point(f, x, f(x), np.full(x.size, -np.inf))


def test_checker_passes_a_true_minimum():
    out = _check(_quadratic([[2.0, 0.5], [0.5, 1.0]], [1.0, 2.0]), [1.0, 2.0])
    assert out.ok and out.max_grad < 1e-6
    np.testing.assert_allclose(out.hessian, [[4.0, 1.0], [1.0, 2.0]], rtol=1e-6)


@pytest.mark.parametrize("H, x, message", [
    ([[2.0, 0.0], [0.0, 1.0]], [1.1, 2.0], "failed to converge with max|grad|"),
    ([[2.0, 0.0], [0.0, -1.0]], [1.0, 2.0], "negative eigenvalues"),
    ([[2.0, 0.0], [0.0, 0.0]], [1.0, 2.0], "numerically singular"),
    ([[2e7, 0.0], [0.0, 1.0]], [1.0, 2.0], "very large eigenvalue"),
    ([[10.0, 0.0], [0.0, 5e-6]], [1.0, 2.0], "large eigenvalue ratio"),
], ids=["gradient", "saddle", "flat", "large-eigenvalue", "ratio"])
def test_checker_catches_each_planted_failure(H, x, message):
    out = _check(_quadratic(H, [1.0, 2.0]), x)
    assert not out.ok and any(message in m for m in out.messages)


def test_checker_reports_an_unusable_hessian():
    out = _check(lambda x: float(-np.sum(x ** 2)) if x[0] != 1.0 else np.nan, [1.0, 2.0])
    assert not out.ok


def test_boundary_probe_keeps_the_bound_only_when_no_worse():
    f = _quadratic([[1.0]], [-1.0])     # minimum below the bound 0: the bound is best
    summary = type("S", (), {"theta": np.array([5e-4]), "objective": f(np.array([5e-4])),
                             "evaluations": 0})()
    C.probe_boundary(f, summary, np.array([0.0]))
    assert summary.theta[0] == 0.0 and summary.evaluations == 1
    g = _quadratic([[1.0]], [5e-4])     # interior minimum: kept
    summary = type("S", (), {"theta": np.array([5e-4]), "objective": 0.0, "evaluations": 0})()
    C.probe_boundary(g, summary, np.array([0.0]))
    assert summary.theta[0] == 5e-4


def test_fit_json_reports_the_check(capsys):
    path = CONV / "constant_within.csv"
    assert main(["fit", "y ~ x + (1 | g)", "--data", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    conv = out["optimizer"]["convergence"]
    assert out["converged"] is False and conv["checked"] and not conv["ok"] and conv["messages"]
    assert len(conv["hessian"]) == 1 and conv["grad_tol"] == 2e-3
    assert any("rescale or centre" in w for w in out["warnings"])
