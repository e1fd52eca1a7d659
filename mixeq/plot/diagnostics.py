"""Residuals against fitted values, and normal QQ plots of the residuals and of
each random effect's conditional modes (scipy.stats.probplot draws them)."""
from __future__ import annotations

import numpy as np
from scipy import stats

from mixeq.plot.figure import new_figure


def residuals(fit, width: float = 6.0):
    """Residuals (y − fitted, conditional on the modes) against fitted values."""
    fig = new_figure(width, width * 0.62)
    ax = fig.add_subplot()
    ax.scatter(fit.fitted.to_numpy(), fit.residuals.to_numpy(), s=12, alpha=0.75,
               linewidths=0)
    ax.axhline(0, color="0.3", linewidth=0.8, linestyle=":")
    ax.set_xlabel("fitted")
    ax.set_ylabel("residual")
    ax.set_title("Residuals vs fitted", fontsize=10)
    return fig


def qq_samples(fit) -> list[tuple[str, np.ndarray]]:
    """(title, values): the residuals, then each grouping factor's term columns."""
    out = [("residuals", fit.residuals.to_numpy())]
    for group, frame in fit.ranef.items():
        out += [(f"{group}: {col}", frame[col].to_numpy()) for col in frame.columns]
    return out


def qq(fit, width: float = 7.0):
    """Normal QQ plots: residuals and the conditional modes of every random effect."""
    samples = qq_samples(fit)
    ncol = min(len(samples), 3)
    nrow = -(-len(samples) // ncol)
    fig = new_figure(width, 2.4 * nrow + 0.4)
    axes = fig.subplots(nrow, ncol, squeeze=False).ravel()
    for ax, (title, values) in zip(axes, samples):
        stats.probplot(values, dist="norm", plot=ax)
        for line in ax.get_lines():
            line.set_markersize(3)
        ax.set_title(f"Normal QQ: {title}", fontsize=9)
        ax.set_xlabel("normal quantile", fontsize=8)
        ax.set_ylabel("sample quantile", fontsize=8)
    for ax in axes[len(samples):]:
        ax.set_axis_off()
    return fig
