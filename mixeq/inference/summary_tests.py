"""The parts of ``summary()`` that lmerTest adds to lme4's: the line naming the df
method, the fixed-effects table with df and Pr(>|t|) and significance stars
(R's printCoefmat), and a closing line with the ICC and Nakagawa's R²."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixeq.inference.access import fixed_formatting
from mixeq.inference.coeftable import coef_table
from mixeq.inference.ddf import ddf_method

METHOD_NAMES = {"satterthwaite": "Satterthwaite's method", "kenward-roger": "Kenward-Roger's method"}
STARS = [(0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, "."), (1.0, " ")]
SIGNIF = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"


@dataclass
class FixedTests:
    method_line: str
    lines: list
    footer: list


def format_p(p: float) -> str:
    """R's format.pval(p, digits = 3, eps = 2.2e-16)."""
    if not np.isfinite(p):
        return "NA"
    if p < 2.220446e-16:
        return "< 2e-16"
    return f"{p:.3g}" if p >= 1e-4 else f"{p:.2e}"


def _stars(p: float) -> str:
    return next(s for cut, s in STARS if p <= cut) if np.isfinite(p) else ""


def fixed_effect_tests(fit, ddf: str) -> FixedTests | None:
    """None for a fit that cannot give them (from a remote source): lme4's layout then."""
    from mixeq.inference.access import supported

    method = ddf_method(ddf)
    if not supported(fit) or method == "lme4":
        return None
    r_format, table = fixed_formatting()
    ct = coef_table(fit, method)
    est, se = ct["Estimate"].to_numpy(), ct["Std. Error"].to_numpy()
    both = r_format(list(est) + list(se))
    df = r_format([round(v, 3) for v in ct["df"]])
    tv = r_format([round(v, 3) for v in ct["t value"]])
    p = ct["Pr(>|t|)"].to_numpy()
    n = len(est)
    rows = [[name, both[i], both[n + i], df[i], tv[i], format_p(p[i]), _stars(p[i])]
            for i, name in enumerate(ct.index)]
    lines = table(["", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", ""], rows)
    lines += ["---", SIGNIF]
    how = "REML" if fit.reml else "maximum likelihood"
    method_line = f"t-tests use {METHOD_NAMES[method]} (fit by {how})"
    footer = []
    try:
        icc, r2 = fit.icc(), fit.r2()
        parts = ", ".join(f"{g} {v:.3f}" for g, v in icc.items())
        footer = ["", f"ICC (adjusted): {parts};  R2 marginal {r2['marginal']:.3f}, "
                      f"conditional {r2['conditional']:.3f}"]
    except Exception:   # a decomposition that does not apply leaves the summary as it is
        footer = []
    return FixedTests(method_line, lines, footer)
