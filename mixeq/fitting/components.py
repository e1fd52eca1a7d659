"""Variance components and conditional modes laid out as lme4 lays them out:
``as.data.frame(VarCorr(m))`` and ``ranef(m)``."""
from __future__ import annotations

import numpy as np
import pandas as pd


def unique_group_names(terms) -> list[str]:
    """lme4's names for the terms' groups: repeats get ``.1``, ``.2`` (make.unique)."""
    seen: dict[str, int] = {}
    out = []
    for term in terms:
        g = term.group
        if g in seen:
            seen[g] += 1
            out.append(f"{g}.{seen[g]}")
        else:
            seen[g] = 0
            out.append(g)
    return out


def varcorr_frame(terms, covariances: list[np.ndarray], sigma: float) -> pd.DataFrame:
    """Columns grp, var1, var2, vcov, sdcor: per term its variances, then its
    covariances (sdcor = correlation), column-wise over the lower triangle; last
    the residual."""
    rows = []
    for name, term, cov in zip(unique_group_names(terms), terms, covariances):
        cols = term.columns
        sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        for i, c in enumerate(cols):
            rows.append((name, c, None, float(cov[i, i]), float(sd[i])))
        for j in range(len(cols)):
            for i in range(j + 1, len(cols)):
                denom = sd[i] * sd[j]
                corr = float(cov[i, j] / denom) if denom > 0 else np.nan
                rows.append((name, cols[j], cols[i], float(cov[i, j]), corr))
    rows.append(("Residual", None, None, sigma ** 2, sigma))
    return pd.DataFrame(rows, columns=["grp", "var1", "var2", "vcov", "sdcor"])


def ranef_frames(terms, b: list[np.ndarray]) -> dict[str, pd.DataFrame]:
    """Conditional modes per grouping factor: levels × term columns, terms on the
    same factor side by side (as lme4's ranef merges them)."""
    out: dict[str, pd.DataFrame] = {}
    for term, values in zip(terms, b):
        frame = pd.DataFrame(values, index=pd.Index(term.levels, name=term.group),
                             columns=list(term.columns))
        out[term.group] = pd.concat([out[term.group], frame], axis=1) if term.group in out else frame
    return out


def condvar_arrays(terms, blocks: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Conditional covariance of each level's random effects (levels × k × k) per
    grouping factor; terms on the same factor combined block-diagonally."""
    grouped: dict[str, list[np.ndarray]] = {}
    for term, block in zip(terms, blocks):
        grouped.setdefault(term.group, []).append(block)
    out = {}
    for group, parts in grouped.items():
        if len(parts) == 1:
            out[group] = parts[0]
            continue
        nl = parts[0].shape[0]
        k = sum(p.shape[1] for p in parts)
        full = np.zeros((nl, k, k))
        start = 0
        for p in parts:
            kk = p.shape[1]
            full[:, start:start + kk, start:start + kk] = p
            start += kk
        out[group] = full
    return out


def ranef_se_frames(ranef: dict[str, pd.DataFrame],
                    condvar: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """Conditional standard deviations of the modes, shaped like ``ranef``: the square
    roots of the diagonals of each level's conditional covariance (LMMs and GLMMs)."""
    out = {}
    for group, frame in ranef.items():
        v = np.diagonal(condvar[group], axis1=1, axis2=2)
        out[group] = pd.DataFrame(np.sqrt(np.clip(v, 0, None)), index=frame.index,
                                  columns=frame.columns)
    return out
