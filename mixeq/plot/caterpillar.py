"""Caterpillar plot of the conditional modes, as lme4's
``dotplot(ranef(m, condVar = TRUE))``: per grouping factor and term column, one row
per level, sorted by the mode, with a 95% interval mode ± 1.96 √(conditional
variance) from ``fit.ranef_condvar``."""
from __future__ import annotations

import numpy as np

from mixeq.plot.figure import new_figure

Z95 = 1.959963984540054  # the normal's 97.5% quantile


def intervals(fit, group: str):
    """(modes, half-widths) frames of one grouping factor: levels × term columns."""
    modes = fit.ranef[group]
    return modes, Z95 * fit.ranef_se[group]


def caterpillar(fit, group: str | None = None, width: float = 7.0):
    """One row of panels per grouping factor (or only ``group``), one panel per term
    column, one point with its 95% interval per level."""
    groups = [group] if group is not None else list(fit.ranef)
    unknown = [g for g in groups if g not in fit.ranef]
    if unknown:
        from mixeq.errors import MixeqError

        raise MixeqError(f"no random effects for {unknown[0]!r}; the fit has "
                         f"{', '.join(fit.ranef) or 'none'}")
    sizes = [len(fit.ranef[g]) for g in groups]
    height = min(sum(1.0 + 0.16 * min(s, 60) for s in sizes), 14.0)
    fig = new_figure(width, max(height, 2.5))
    subfigs = fig.subfigures(len(groups), 1, height_ratios=[1.0 + 0.16 * min(s, 60) for s in sizes],
                             squeeze=False)[:, 0]
    for sub, g in zip(subfigs, groups):
        modes, half = intervals(fit, g)
        order = np.argsort(modes.iloc[:, 0].to_numpy(), kind="stable")
        axes = sub.subplots(1, modes.shape[1], sharey=True, squeeze=False)[0]
        pos = np.arange(len(order))
        for ax, col in zip(axes, modes.columns):
            ax.errorbar(modes[col].to_numpy()[order], pos, xerr=half[col].to_numpy()[order],
                        fmt="o", markersize=3, color="C0", ecolor="0.55", elinewidth=1)
            ax.axvline(0, color="0.3", linewidth=0.8, linestyle=":")
            ax.set_title(f"{g}: {col}", fontsize=9)
        labels = [str(v) for v in modes.index[order]]
        axes[0].set_yticks(pos, labels if len(labels) <= 60 else [""] * len(labels), fontsize=7)
        axes[0].set_ylim(-0.7, len(pos) - 0.3)
    return fig
