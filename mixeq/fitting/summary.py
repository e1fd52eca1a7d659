"""Text of ``FitResult.summary()``, laid out as lme4's ``summary(merMod)``."""
from __future__ import annotations

import numpy as np


def r_format(values, digits: int = 4) -> list[str]:
    """R's ``format(x, digits = d)`` for a numeric vector: every element shown with
    at least ``digits`` significant digits, all with the same number of decimals."""
    decimals = 0
    for x in values:
        if x is None or not np.isfinite(x) or x == 0:
            continue
        mag = int(np.floor(np.log10(abs(x))))
        need = max(digits - 1 - mag, 0)
        text = f"{abs(x):.{need}f}".rstrip("0") if need else ""
        if "." in text:
            decimals = max(decimals, len(text.split(".")[1]))
    return [("NA" if v is None or not np.isfinite(v) else f"{v:.{min(decimals, 15)}f}") for v in values]


def abbreviate(name: str, minlength: int = 6) -> str:
    """R's abbreviate(): drop lower-case vowels from the right, then lower-case letters."""
    chars = list(name)
    for pool in ("aeiou", "abcdefghijklmnopqrstuvwxyz"):
        i = len(chars) - 1
        while len(chars) > minlength and i > 0:
            if chars[i] in pool:
                del chars[i]
            i -= 1
    return "".join(chars)


def _table(header: list[str], rows: list[list[str]], left: int = 1, indent: str = "") -> list[str]:
    """Columns right-aligned except the first ``left``, which are left-aligned."""
    cols = list(zip(header, *rows))
    widths = [max(len(c) for c in col) for col in cols]
    lines = []
    for row in [header, *rows]:
        cells = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append(indent + " ".join(cells).rstrip())
    return lines


def _random_effects(fit) -> list[str]:
    names, variances, sds, corrs = [], [], [], []
    for name, term, cov in zip(_group_labels(fit), fit.model.terms, fit.term_covariances()):
        sd = np.sqrt(np.clip(np.diag(cov), 0, None))
        k = len(term.columns)
        corr = cov / np.outer(sd, sd) if np.all(sd > 0) else np.full((k, k), np.nan)
        for i, col in enumerate(term.columns):
            names.append([name if i == 0 else "", col])
            variances.append(float(cov[i, i]))
            sds.append(float(sd[i]))
            corrs.append([f"{corr[i, j]:.2f}" if np.isfinite(corr[i, j]) else "NaN" for j in range(i)])
    names.append(["Residual", ""])
    variances.append(fit.sigma ** 2)
    sds.append(fit.sigma)
    corrs.append([])
    ncorr = max(len(c) for c in corrs)
    header = ["Groups", "Name", "Variance", "Std.Dev."] + (["Corr"] + [""] * (ncorr - 1) if ncorr else [])
    rows = [n + [v, d] + c + [""] * (ncorr - len(c))
            for n, v, d, c in zip(names, r_format(variances), r_format(sds), corrs)]
    return _table(header, rows, left=2, indent=" ")


def _group_labels(fit) -> list[str]:
    from mixeq.fitting.components import unique_group_names

    return unique_group_names(fit.model.terms)


def _fixed_effects(fit) -> list[str]:
    est, se, t = fit.fixef.to_numpy(), fit.stderr.to_numpy(), fit.tvalues.to_numpy()
    both = r_format(list(est) + list(se))  # printCoefmat formats estimates and SEs together
    tv = r_format([round(v, 3) for v in t])
    p = len(est)
    rows = [[name, both[i], both[p + i], tv[i]] for i, name in enumerate(fit.fixef.index)]
    return _table(["", "Estimate", "Std. Error", "t value"], rows)


def _correlation(fit) -> list[str]:
    p = len(fit.fixef)
    if p < 2:
        return []
    if p > 12:
        return ["", f"Correlation matrix not shown by default, as p = {p} > 12."]
    v = fit.vcov.to_numpy()
    sd = np.sqrt(np.diag(v))
    corr = v / np.outer(sd, sd)
    names = list(fit.fixef.index)
    header = [""] + [abbreviate(n) for n in names[:-1]]
    rows = [[names[i]] + [f"{corr[i, j]:.3f}" for j in range(i)] + [""] * (p - 1 - i)
            for i in range(1, p)]
    return ["", "Correlation of Fixed Effects:", *_table(header, rows)]


def _scaled_residual_quantiles(fit) -> np.ndarray:
    """Quartiles of the residuals / σ; a fit from a remote source computes them in
    its engine (mixeq/remote) instead of bringing every residual back."""
    probs = [0, 0.25, 0.5, 0.75, 1]
    remote = getattr(fit, "residual_quantiles", None)
    if remote is not None:
        return np.asarray(remote(probs)) / fit.sigma
    return np.quantile((fit.residuals / fit.sigma).to_numpy(), probs)


def summary_text(fit, ddf: str = "lme4") -> str:
    model = fit.model
    how = "REML" if fit.reml else "maximum likelihood"
    lines = [f"Linear mixed model fit by {how} (mixeq)",
             f"Formula: {model.formula}", ""]
    tests = None
    if ddf != "lme4":   # lmerTest's layout: df and p-values (mixeq/inference/summary_tests.py)
        from mixeq.inference.summary_tests import fixed_effect_tests

        tests = fixed_effect_tests(fit, ddf)
        if tests is not None:
            lines.insert(1, tests.method_line)
    if fit.reml:
        lines.append(f"REML criterion at convergence: {fit.objective:.1f}")
    else:
        vals = [fit.aic, fit.bic, fit.loglik, fit.deviance]
        heads = ["AIC", "BIC", "logLik", "deviance", "df.resid"]
        cells = [f"{v:.1f}" for v in vals] + [str(fit.nobs - fit.npar)]
        w = max(len(c) for c in cells + heads) + 1
        lines += ["".join(h.rjust(w) for h in heads), "".join(c.rjust(w) for c in cells)]
    if fit.singular:
        lines.append("boundary (singular) fit: see help('isSingular')")
    q = _scaled_residual_quantiles(fit)
    top = np.abs(q).max()
    q = np.round(q, max(0, 5 - int(np.ceil(np.log10(top))))) if top > 0 else q  # R's zapsmall(q, 5)
    note = fit.quantile_note                     # a remote engine's approximate quantiles
    lines += ["", "Scaled residuals:",
              *_table(["Min", "1Q", "Median", "3Q", "Max"], [r_format(list(q))], left=0),
              *([note] if note else []), "", "Random effects:", *_random_effects(fit)]
    groups = "; ".join(f"{g}, {n}" for g, n in fit.ngroups.items())
    lines += [f"Number of obs: {fit.nobs}, groups:  {groups}", "", "Fixed effects:",
              *(_fixed_effects(fit) if tests is None else tests.lines), *_correlation(fit)]
    if tests is not None:
        lines += tests.footer
    if not fit.converged:
        lines += ["", f"optimizer ({fit.optimizer_summary.backend}) convergence code: "
                      f"{fit.optimizer_summary.return_code}"]
        check = fit.convergence
        lines += [m.replace(" - Rescale", "\n - Rescale") for m in (check.messages if check else [])]
    return "\n".join(lines) + "\n"
