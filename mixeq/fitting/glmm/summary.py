"""Text of ``GlmmFit.summary()``, laid out as lme4's ``summary(glmerMod)``."""
from __future__ import annotations

import numpy as np

from mixeq.fitting.summary import _correlation, _group_labels, _table, r_format


def _stars(p: float) -> str:
    return ("***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05
            else "." if p < 0.1 else " ")


def _pvalue(p: float) -> str:
    """R's format.pval(p, digits = 3) with eps = machine epsilon."""
    if p < 2.2e-16:
        return "< 2e-16"
    return f"{p:.3g}" if p >= 1e-4 else f"{p:.2e}".replace("e-0", "e-")


def _random_effects(fit) -> list[str]:
    rows = []
    ncorr = max((len(t.columns) - 1 for t in fit.model.terms), default=0)
    for name, term, cov in zip(_group_labels(fit), fit.model.terms, fit.term_covariances()):
        sd = np.sqrt(np.clip(np.diag(cov), 0, None))
        k = len(term.columns)
        corr = cov / np.outer(sd, sd) if np.all(sd > 0) else np.full((k, k), np.nan)
        var_s, sd_s = r_format(list(np.diag(cov))), r_format(list(sd))
        for i, col in enumerate(term.columns):
            c = [f"{corr[i, j]:.2f}" if np.isfinite(corr[i, j]) else "NaN" for j in range(i)]
            rows.append([name if i == 0 else "", col, var_s[i], sd_s[i], *c, *[""] * (ncorr - len(c))])
    header = ["Groups", "Name", "Variance", "Std.Dev."] + (["Corr"] + [""] * (ncorr - 1) if ncorr else [])
    return _table(header, rows, left=2, indent=" ")


def _fixed_effects(fit) -> list[str]:
    est, se = fit.fixef.to_numpy(), fit.stderr.to_numpy()
    z, p = fit.zvalues.to_numpy(), fit.pvalues.to_numpy()
    both = r_format(list(est) + list(se))
    zv = r_format([round(v, 3) for v in z])
    n = len(est)
    rows = [[name, both[i], both[n + i], zv[i], _pvalue(p[i]), _stars(p[i])]
            for i, name in enumerate(fit.fixef.index)]
    lines = _table(["", "Estimate", "Std. Error", "z value", "Pr(>|z|)", ""], rows)
    return lines + ["---", "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"]


def glmm_summary_text(fit) -> str:
    model = fit.model
    how = ("Laplace Approximation" if fit.nagq == 1 else
           f"Adaptive Gauss-Hermite Quadrature, nAGQ = {fit.nagq}" if fit.nagq > 1 else
           "nAGQ = 0: β estimated in PIRLS")
    lines = [f"Generalized linear mixed model fit by maximum likelihood ({how}) (mixeq)",
             f" Family: {fit.family.name}  ( {fit.family.link.name} )",
             f"Formula: {model.formula}", ""]
    heads = ["AIC", "BIC", "logLik", "deviance", "df.resid"]
    cells = [f"{v:.1f}" for v in (fit.aic, fit.bic, fit.loglik, -2.0 * fit.loglik)] + [str(fit.df_resid)]
    w = max(len(c) for c in cells + heads) + 1
    lines += ["".join(h.rjust(w) for h in heads), "".join(c.rjust(w) for c in cells)]
    if fit.singular:
        lines.append("boundary (singular) fit: see help('isSingular')")
    q = fit.pearson_quantiles([0, 0.25, 0.5, 0.75, 1])
    note = fit.quantile_note                     # a remote engine's approximate quantiles
    lines += ["", "Scaled residuals:",
              *_table(["Min", "1Q", "Median", "3Q", "Max"], [r_format(list(q))], left=0),
              *([note] if note else []), "", "Random effects:", *_random_effects(fit)]
    groups = "; ".join(f"{g}, {n}" for g, n in fit.ngroups.items())
    lines += [f"Number of obs: {fit.nobs}, groups:  {groups}", "", "Fixed effects:",
              *_fixed_effects(fit), *_correlation(fit)]
    if not fit.optimizer_summary.converged:
        lines += ["", f"optimizer ({fit.optimizer_summary.backend}) convergence code: "
                      f"{fit.optimizer_summary.return_code}"]
    messages = fit.convergence.messages
    if messages:
        lines += [""] + [f"convergence: {m}" for m in messages]
    return "\n".join(lines) + "\n"
