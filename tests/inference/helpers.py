"""The lmerTest / pbkrtest / lme4 inference references in tests/data/inference."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

import mixeq
from conftest import load_dataset

DIR = Path(__file__).parent.parent / "data" / "inference"
IDS = sorted(p.stem for p in DIR.glob("*.json"))


def reference(ref_id: str) -> dict:
    return json.loads((DIR / f"{ref_id}.json").read_text())


def table(ref: dict, key: str) -> pd.DataFrame:
    return pd.DataFrame(ref[key])


@lru_cache(maxsize=None)
def fitted(ref_id: str):
    ref = reference(ref_id)
    return mixeq.fit(ref["formula"], load_dataset(ref["dataset"]), reml=ref["REML"])


def rel(a, b) -> float:
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a / b - 1.0))) if a.size else 0.0
