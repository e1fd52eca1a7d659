"""lme4's fits of sleepstudy with columns named like the formula's functions (log, poly,
scale, sqrt, exp, abs, I, C, offset) (tests/data/shadow: made by
tools/make_shadow_references.R)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

SHADOW = Path(__file__).parent.parent / "data" / "shadow"
FUNCTION_COLUMNS = ["log", "poly", "scale", "sqrt", "exp", "abs", "I", "C", "offset"]


@lru_cache(maxsize=None)
def _reference() -> dict:
    return json.loads((SHADOW / "shadow_lme4.json").read_text())


def models() -> list[dict]:
    return _reference()["models"]


def sleep_shadow() -> pd.DataFrame:
    """sleepstudy with f (text: a factor) and numeric columns named like functions."""
    data = pd.read_csv(SHADOW / "sleep_shadow.csv")
    data["Subject"] = data["Subject"].astype(str)
    assert set(FUNCTION_COLUMNS) <= set(data.columns)
    return data
