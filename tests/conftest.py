"""Shared test helpers: the data sets and lme4 reference fits in tests/data.

tests/data holds copies of ../shared/data (lme4's data sets, seedlike) and
../shared/reference (fits by R's lme4 1.1-31), so the suite runs without ../shared.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI must not fail on a new random draw);
# set HYPOTHESIS_PROFILE=explore to search afresh.
settings.register_profile("mixeq", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
# HYPOTHESIS_PROFILE=fuzz: search afresh, and the formula fuzzers draw thousands of inputs
# (tests/spec/test_fuzz_formulas.py)
settings.register_profile("fuzz", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mixeq"))

from mixeq.datasets import apply_factors

DATA = Path(__file__).parent / "data"
REFERENCE_IDS = sorted(p.stem for p in (DATA / "reference").glob("*.json"))


@lru_cache(maxsize=None)
def _factors() -> dict:
    return json.loads((DATA / "factors.json").read_text())


@lru_cache(maxsize=None)
def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv")


def load_dataset(name: str) -> pd.DataFrame:
    """A fresh copy of data set ``name`` with R's factors restored."""
    return apply_factors(_raw(name), _factors().get(name, {}))


@lru_cache(maxsize=None)
def _reference(ref_id: str) -> dict:
    return json.loads((DATA / "reference" / f"{ref_id}.json").read_text())


def load_reference(ref_id: str) -> dict:
    return json.loads(json.dumps(_reference(ref_id)))


@pytest.fixture(params=REFERENCE_IDS)
def reference(request):
    """Each lme4 reference fit with its data set: (reference dict, DataFrame)."""
    ref = load_reference(request.param)
    return ref, load_dataset(ref["dataset"])
