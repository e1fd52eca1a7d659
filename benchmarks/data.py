"""The benchmark data: lme4's data sets from tests/data (R's factors restored)
and two synthetic designs drawn with a fixed seed."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = 20261121


def factor_levels(dataset: str) -> dict[str, list[str]]:
    """R's factor columns of a tests/data data set and their levels."""
    factors = json.loads((DATA / "factors.json").read_text())
    return factors.get(dataset, {})


def load_dataset(dataset: str) -> pd.DataFrame:
    """A tests/data CSV with R's factors restored (as the tests load it)."""
    from mixeq.datasets import apply_factors

    return apply_factors(pd.read_csv(DATA / f"{dataset}.csv"), factor_levels(dataset))


def _labels(prefix: str, codes: np.ndarray, nlevels: int) -> pd.Categorical:
    width = len(str(nlevels))
    names = np.array([f"{prefix}{i:0{width}d}" for i in range(1, nlevels + 1)])
    return pd.Categorical.from_codes(codes, categories=names)


def _balanced_codes(rng: np.random.Generator, n: int, nlevels: int) -> np.ndarray:
    """n codes in 0..nlevels-1, every level present, in random order."""
    return rng.permutation(np.arange(n) % nlevels)


def synthetic_crossed(n: int = 50_000, na: int = 2_000, nb: int = 500) -> pd.DataFrame:
    """``y ~ x + (1|a) + (1|b)``: two crossed random intercepts."""
    rng = np.random.default_rng(SEED)
    a = _balanced_codes(rng, n, na)
    b = _balanced_codes(rng, n, nb)
    x = rng.standard_normal(n)
    ua = rng.normal(0.0, 0.8, na)
    ub = rng.normal(0.0, 0.5, nb)
    y = 2.0 + 0.5 * x + ua[a] + ub[b] + rng.standard_normal(n)
    return pd.DataFrame({"y": y, "x": x, "a": _labels("a", a, na), "b": _labels("b", b, nb)})


def synthetic_slopes(n: int = 100_000, ng: int = 5_000) -> pd.DataFrame:
    """``y ~ x + (1 + x | g)``: correlated random intercepts and slopes."""
    rng = np.random.default_rng(SEED + 1)
    g = _balanced_codes(rng, n, ng)
    x = rng.standard_normal(n)
    cov = np.array([[1.0, 0.15], [0.15, 0.25]])
    u = rng.standard_normal((ng, 2)) @ np.linalg.cholesky(cov).T
    y = 1.0 + 0.5 * x + u[g, 0] + u[g, 1] * x + rng.standard_normal(n)
    return pd.DataFrame({"y": y, "x": x, "g": _labels("g", g, ng)})


SYNTHETIC = {"synthetic_crossed": synthetic_crossed, "synthetic_slopes": synthetic_slopes}


def load(dataset: str) -> pd.DataFrame:
    """A benchmark data set by name: a tests/data CSV or a synthetic design."""
    if dataset in SYNTHETIC:
        return SYNTHETIC[dataset]()
    return load_dataset(dataset)


def csv_for_r(dataset: str, tmpdir: Path) -> tuple[Path, dict[str, list[str] | None]]:
    """A CSV R can read for ``dataset`` and the factor levels to restore there
    (None: let R make the factor, as lme4 does for a grouping variable)."""
    if dataset not in SYNTHETIC:
        return DATA / f"{dataset}.csv", dict(factor_levels(dataset))
    df = load(dataset)
    path = tmpdir / f"{dataset}.csv"
    df.to_csv(path, index=False)
    cats = {c: [str(v) for v in df[c].cat.categories] for c in df.columns
            if isinstance(df[c].dtype, pd.CategoricalDtype)}
    return path, cats
