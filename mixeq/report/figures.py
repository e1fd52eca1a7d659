"""The pictures of a model and its fit as ``<figure>`` elements with inline SVG,
captions and alt text."""
from __future__ import annotations

from mixeq.plot import FitPlots, ModelPlots, to_svg
from mixeq.report.html import esc, figure


def _fig(make, caption: str, alt: str, fig_id: str) -> str:
    fig = make()
    return figure(to_svg(fig), caption, alt, fig_id)


def model_figures(model, prefix: str, fit=None) -> str:
    plots = ModelPlots(model)
    n, q = model.Z.shape
    groups = ", ".join(t.group for t in model.terms) or "none"
    out = [_fig(plots.z, f"Z's non-zeros ({n} × {q}), rows sorted by cluster ({groups}): "
                "block-diagonal for one or nested factors, stripes for a crossed factor.",
                f"Sparsity pattern of the random-effects model matrix Z, {n} rows by {q} "
                f"columns, {model.Z.nnz} non-zeros", f"{prefix}-fig-z")]
    if fit is not None:
        lam = FitPlots(fit).lambda_theta
        cap = "Λθ at the estimated θ: the relative covariance factor, b = Λθ u."
    else:
        lam = plots.lambda_theta
        cap = "Λθ's pattern (where some θ makes it non-zero): the relative covariance factor, b = Λθ u."
    out.append(_fig(lam, cap, f"Relative covariance factor Lambda theta, {q} by {q}, "
                    "block diagonal", f"{prefix}-fig-lambda"))
    return "\n".join(out)


def fit_figures(fit, prefix: str) -> str:
    plots = FitPlots(fit)
    levels = "; ".join(f"{g}: {len(f)} levels" for g, f in fit.ranef.items())
    out = []
    if fit.ranef:
        out.append(_fig(plots.caterpillar,
                        "Conditional modes of the random effects with 95% intervals "
                        "(± 1.96 conditional standard deviations), sorted by the mode.",
                        f"Caterpillar plot, one row per level ({levels})", f"{prefix}-fig-caterpillar"))
    out.append(_fig(plots.residuals, "Residuals against fitted values.",
                    f"Scatter plot of {fit.nobs} residuals against fitted values",
                    f"{prefix}-fig-residuals"))
    out.append(_fig(plots.qq, "Normal QQ plots of the residuals and of each random effect's "
                    "conditional modes.", "Normal quantile-quantile plots", f"{prefix}-fig-qq"))
    return "\n".join(out)


__all__ = ["esc", "fit_figures", "model_figures"]
