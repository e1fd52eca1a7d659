"""The fit as tables: fixed effects (with df, p-values and intervals when the fit
offers them: ``coef_table()`` and ``confint()``), variance components, fit
statistics and what the optimiser did."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mixeq.report.html import esc, frame_table, table


def coefficients(fit) -> pd.DataFrame:
    """Estimate, Std. Error, t value; the fit's own ``coef_table()`` (df, p) and Wald
    ``confint()`` columns when it has them."""
    if _is_glmm(fit):  # glmer's Wald z table
        frame = pd.DataFrame({"Estimate": fit.fixef, "Std. Error": fit.stderr,
                              "z value": fit.zvalues, "Pr(>|z|)": fit.pvalues})
    else:
        frame = pd.DataFrame({"Estimate": fit.fixef, "Std. Error": fit.stderr,
                              "t value": fit.tvalues})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if callable(getattr(fit, "coef_table", None)) and not _is_glmm(fit):
            try:
                frame = pd.DataFrame(fit.coef_table())
            except Exception:  # inference not available for this fit: keep the Wald table
                pass
        if callable(getattr(fit, "confint", None)):
            try:
                ci = pd.DataFrame(fit.confint(method="wald"))
                ci = ci.loc[[i for i in frame.index if i in ci.index]]
                if len(ci) == len(frame) and ci.shape[1] == 2:
                    frame = frame.join(ci.set_axis(["2.5 %", "97.5 %"], axis=1))
            except Exception:
                pass
    return frame


P_COLUMNS = ("Pr(>|t|)", "Pr(>|z|)", "Pr(>F)", "Pr(>Chisq)")


def format_pvalue(p: float) -> str:
    """As R's format.pval (4 significant digits): '< 2.2e-16' below machine precision."""
    if p is None or not np.isfinite(p):
        return ""
    return "< 2.2e-16" if p < 2.2e-16 else f"{p:.4g}"


def r_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, frozenset]:
    """Numeric columns formatted as R prints them (each column with one number of
    decimals, 5 significant digits for its smallest entry; p-values as format.pval);
    the names of those columns."""
    from mixeq.fitting.summary import r_format

    out, done = frame.copy(), set()
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            continue
        values = [float(v) if pd.notna(v) else None for v in frame[col]]
        if col in P_COLUMNS:
            out[col] = [format_pvalue(v) if v is not None else "" for v in values]
        else:
            finite = [v if v is not None else float("nan") for v in values]
            out[col] = [("" if v is None else t) for v, t in zip(values, r_format(finite, 5))]
        done.add(col)
    return out, frozenset(done)


def variance_components(fit) -> pd.DataFrame:
    vc = fit.varcorr.copy()
    for col in ("var1", "var2"):
        if col in vc:
            vc[col] = vc[col].where(vc[col].notna(), "")
    return vc.set_index("grp") if "grp" in vc else vc


def _is_glmm(fit) -> bool:
    return getattr(fit, "family", None) is not None and hasattr(fit, "zvalues")


def statistics(fit) -> list[list]:
    if _is_glmm(fit):  # no σ; the criterion is the Laplace / AGQ deviance (lme4's glmer)
        approx = "Laplace" if fit.nagq == 1 else f"adaptive Gauss–Hermite, {fit.nagq} points"
        rows = [["family (link)", f"{fit.family.name} ({fit.family.link.name})"],
                ["approximation", approx], ["deviance", fit.deviance],
                ["log-likelihood", fit.loglik], ["AIC", fit.aic], ["BIC", fit.bic],
                ["observations", fit.nobs], ["parameters (β, θ)", fit.npar],
                ["residual df", fit.df_resid]]
        return rows + [[f"levels of {g}", n] for g, n in fit.ngroups.items()]
    rows = [["criterion", "REML" if fit.reml else "ML"],
            ["REML criterion" if fit.reml else "deviance", fit.objective],
            ["log-likelihood" + (" (restricted)" if fit.reml else ""), fit.loglik],
            ["AIC", fit.aic], ["BIC", fit.bic], ["observations", fit.nobs],
            ["parameters (β, θ, σ)", fit.npar], ["residual σ", fit.sigma]]
    rows += [[f"levels of {g}", n] for g, n in fit.ngroups.items()]
    return rows


def convergence(fit) -> list[list]:
    s = fit.optimizer_summary
    rows = [["optimiser", str(s.backend)], ["converged", bool(fit.converged)],
            ["return code", str(s.return_code)], ["evaluations", int(s.evaluations)],
            ["seconds", float(s.seconds)], ["singular (boundary) fit", bool(fit.singular)]]
    check = getattr(fit, "convergence", None)  # lme4's checkConv, when the fit has it
    if check is not None and getattr(check, "checked", False):
        rows.append(["max |gradient| (lme4's check)", float(check.max_grad)])
        rows += [["warning", str(m)] for m in getattr(check, "messages", [])]
        if getattr(check, "restarted", False):
            rows.append(["restarted once", True])
    rows += [[f"θ {name}", float(v)] for name, v in zip(fit.theta_names, np.asarray(fit.theta))]
    return rows


def fit_section(fit) -> str:
    warn = ""
    if not fit.converged:
        warn += '<p class="note"><strong>The optimiser did not converge.</strong></p>'
    if fit.singular:
        warn += ('<p class="note">Boundary (singular) fit: some variance component is '
                 "estimated as zero or a correlation as ±1.</p>")
    return "\n".join([
        warn,
        _formatted_table(coefficients(fit), "Fixed effects"),
        _formatted_table(variance_components(fit), "Variance components (lme4's VarCorr)", "group"),
        '<div class="grid">',
        table(["statistic", "value"], statistics(fit), "Fit statistics"),
        table(["", "value"], convergence(fit), "Convergence"),
        "</div>",
    ])


def _formatted_table(frame: pd.DataFrame, caption: str, index_name: str = "") -> str:
    formatted, right = r_columns(frame)
    return frame_table(formatted, caption, index_name, right)


def anova_section(fits) -> str:
    from mixeq import anova

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            frame = anova(*fits)
        except Exception as exc:  # not nested / different data: say so, keep the page
            return f'<p class="note">No likelihood-ratio test: {esc(exc)}</p>'
    note = ('<p class="note">REML fits refitted by maximum likelihood for the test, '
            "as lme4's anova() does.</p>") if any(f.reml for f in fits) else ""
    return note + _formatted_table(frame, "Likelihood-ratio test (mixeq.anova)", "model")
