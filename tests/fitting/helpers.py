"""Fits of the lme4 reference models, each computed once per test session."""
from __future__ import annotations

from functools import lru_cache

import mixeq
from conftest import REFERENCE_IDS, load_dataset, load_reference

SMALL_IDS = [r for r in REFERENCE_IDS if r != "insteval_crossed"]


@lru_cache(maxsize=None)
def reference_model(ref_id: str) -> mixeq.Model:
    ref = load_reference(ref_id)
    return mixeq.Model(ref["formula"], load_dataset(ref["dataset"]))


@lru_cache(maxsize=None)
def reference_fit(ref_id: str, factor: str = "auto"):
    ref = load_reference(ref_id)
    return reference_model(ref_id).fit(reml=ref["REML"], factor=factor)


def objective_of(ref: dict) -> float:
    return ref["REMLcrit"] if ref["REML"] else ref["deviance"]
