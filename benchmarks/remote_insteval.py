"""The two slowest lme4 reference models (InstEval, 73,421 rows) fitted from Parquet
through DuckDB and in memory, checked against lme4's numbers.

They are left out of the test suite for time (each takes minutes on 2 cores with the
in-memory fit; tests/remote/helpers.SLOW), so they live here, where a check that
takes minutes belongs: run ``python3 benchmarks/remote_insteval.py``; it exits 1 when
a fit misses lme4's criterion (1e-9 relative) or fixed effects (1e-4), and prints the
times. Run by hand on 2 Dec 2026: insteval_service_slope's remote criterion equalled
the in-memory fit's to 4.4e-16 relative and lme4's REMLcrit to 8.9e-12 (lower);
remote fit 91 s, in memory 76 s, on a machine shared with six other sessions. Again at
05:03 UTC with the products mode for crossed factors (remote/products.py): equal to the
in-memory criterion (0.0 relative), −8.9e-12 against lme4; remote 35.7 s, in memory 44.9 s
(insteval_full: 8.6e-16 and −5.7e-13).
"""
from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import mixeq  # noqa: E402
from conftest import DATA, load_dataset  # noqa: E402
from mixeq.remote import source  # noqa: E402
from remote.helpers import SLOW, factors_for, parquet_of  # noqa: E402


def check(ref_id: str) -> bool:
    ref = json.loads((DATA / "reference_extra" / f"{ref_id}.json").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        remote = mixeq.fit(ref["formula"], source(parquet_of("InstEval.csv"),
                                                  factors=factors_for(ref)), reml=ref["REML"])
        t1 = time.perf_counter()
        memory = mixeq.fit(ref["formula"], load_dataset("InstEval"), reml=ref["REML"])
        t2 = time.perf_counter()
    rel_mem = abs(remote.objective - memory.objective) / abs(memory.objective)
    rel_ref = (remote.objective - ref["REMLcrit"]) / abs(ref["REMLcrit"])
    fixef_ok = np.allclose(remote.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-4)
    ok = rel_mem <= 1e-9 and rel_ref <= 1e-9 and fixef_ok
    print(f"{ref_id}: remote {t1 - t0:.1f} s, in memory {t2 - t1:.1f} s; criterion vs in-memory "
          f"{rel_mem:.1e}, vs lme4 {rel_ref:+.1e} (relative); fixef within 1e-4: {fixef_ok} "
          f"-> {'ok' if ok else 'FAILED'}")
    return ok


if __name__ == "__main__":
    results = [check(r) for r in sorted(SLOW)]
    sys.exit(0 if all(results) else 1)
