"""Reference data written as Parquet files (once per test session), and the
factor levels to pass for them: the columns R treats as factors whose values are
numbers in the file (a grouping variable needs none: it is always a factor)."""
from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from conftest import DATA

FOLDER = Path(tempfile.mkdtemp(prefix="mixeq_remote_tests_"))
# left out for time (checked by benchmarks/remote_insteval.py): insteval_service_slope (~50 s in memory) and insteval_full (12 s; its
# remote fit agreed with the in-memory one to 1.1e-16 relative when run by hand, 2026-12-01)
SLOW = {"insteval_service_slope", "insteval_full"}
REF_PATHS = sorted(p for d in ("reference", "reference_extra") for p in (DATA / d).glob("*.json")
                   if p.stem not in SLOW)
# the data set's factors.json entry limited to columns that are not grouping variables
_GROUPING = {"InstEval": {"s", "d", "dept"}}


def reference(path: Path) -> dict:
    return json.loads(path.read_text())


def csv_name(ref: dict) -> str:
    return Path(ref.get("dataset_file") or ref["dataset"] + ".csv").name


@lru_cache(maxsize=None)
def parquet_of(name: str) -> str:
    """tests/data/<name> (CSV) written as Parquet with the types pandas reads."""
    out = FOLDER / (Path(name).stem + ".parquet")
    pd.read_csv(DATA / name).to_parquet(out, index=False)
    return str(out)


def factors_for(ref: dict) -> dict:
    all_factors = ref.get("factors") or json.loads((DATA / "factors.json").read_text()).get(
        ref["dataset"], {})
    skip = _GROUPING.get(ref["dataset"], set())
    return {c: v for c, v in all_factors.items() if c not in skip}
