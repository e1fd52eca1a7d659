"""lme4's model matrices and fits of formulas whose column names R writes its own way
(tests/data/names: made by tools/make_names_references.R)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

NAMES = Path(__file__).parent.parent / "data" / "names"


@lru_cache(maxsize=None)
def _reference() -> dict:
    return json.loads((NAMES / "names_lme4.json").read_text())


def models(contrasts: bool | None = None) -> list[dict]:
    """The reference models; ``contrasts``: only those with (True) or without (False) C()."""
    out = _reference()["models"]
    if contrasts is None:
        return out
    return [m for m in out if ("C(" in m["formula"]) == contrasts]


def sleep_names() -> pd.DataFrame:
    """sleepstudy with f, h, k (text: factors) and lg (a logical column)."""
    data = pd.read_csv(NAMES / "sleep_names.csv", dtype={"lg": str})
    data["lg"] = data["lg"].map({"TRUE": True, "FALSE": False}).astype(bool)
    assert data["lg"].sum() == 90   # the file's TRUE/FALSE read as such
    data["Subject"] = data["Subject"].astype(str)
    return data


def deparse_models() -> list[dict]:
    """lme4's fits of formulas with arithmetic inside calls, named by R's deparse
    (tests/data/names/deparse_lme4.json: tools/make_deparse_references.R)."""
    return json.loads((NAMES / "deparse_lme4.json").read_text())["models"]


def sleepstudy() -> pd.DataFrame:
    return pd.read_csv(NAMES.parent / "sleepstudy.csv")


def assert_fit_is_lme4s(fit, ref: dict) -> None:
    """A fit of a names reference: lme4's column names, β (1e-4, or 1e-8 near 0) and
    REML criterion (1e-7)."""
    import numpy as np

    assert list(fit.fixef.index) == ref["X_columns"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(fit.reml_criterion, ref["REMLcrit"], rtol=1e-7)
