"""The lme4 glmer/weighted-lmer reference fits (tests/data/reference_glmm), each fitted once."""
from __future__ import annotations

import json
from functools import lru_cache

import mixeq
from conftest import DATA, load_dataset

GLMM_DIR = DATA / "reference_glmm"
GLMM_IDS = sorted(p.stem for p in GLMM_DIR.glob("*.json") if p.stem != "sleepstudy_weights")


def load_glmm_reference(ref_id: str) -> dict:
    return json.loads((GLMM_DIR / f"{ref_id}.json").read_text())


@lru_cache(maxsize=None)
def glmm_fit(ref_id: str):
    ref = load_glmm_reference(ref_id)
    data = load_dataset(ref["dataset"])
    family = None if ref["family"] == "gaussian" else ref["family"]
    return mixeq.fit(ref["formula"], data, family=family, link=ref["link"] if family else None,
                     weights=ref["weights"], nagq=ref["nAGQ"] if family else 1,
                     **({} if family else {"reml": ref["REML"]}))
