"""Time R's lme4 on a benchmark model when ``Rscript`` and lme4 are there
(tools/lme4_bench.R, one R process per model)."""
from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from benchmarks.data import ROOT, csv_for_r
from benchmarks.subprocess_run import ChildResult, run_child

SCRIPT = ROOT / "tools" / "lme4_bench.R"


@lru_cache(maxsize=None)
def lme4_unavailable() -> str | None:
    """Why lme4 cannot be timed here, or None."""
    if shutil.which("Rscript") is None:
        return "Rscript is not on PATH (install R and lme4 to compare)"
    probe = subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages({library(lme4); library(jsonlite)})"],
        capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return f"R has no lme4/jsonlite ({last})"
    return None


def run_rscript(script: str, *args: str, timeout: float = 3600) -> dict | str:
    """Run ``Rscript tools/<script> args…`` from the repository root: the JSON object on
    its last line of output, or why there is none (no Rscript, or R's last error line)."""
    if shutil.which("Rscript") is None:
        return "Rscript not on PATH"
    run = subprocess.run(["Rscript", str(ROOT / "tools" / script), *args], capture_output=True,
                         text=True, timeout=timeout, cwd=ROOT)
    if run.returncode != 0:
        return f"lme4 failed: {(run.stderr.strip().splitlines() or ['?'])[-1]}"
    return json.loads(run.stdout.strip().splitlines()[-1])


def run_lme4(case, tmpdir: Path, max_repeats: int, budget: float, timeout: float,
             threads: int | None = None) -> ChildResult:
    csv, factors = csv_for_r(case.dataset, tmpdir)
    job = {"csv": str(csv), "formula": case.formula, "reml": case.reml,
           "factors": factors or {}, "max_repeats": max_repeats,
           "budget_seconds": budget, "warm_up_case": case.small}
    job_path = tmpdir / f"{case.name}.job.json"
    job_path.write_text(json.dumps(job))
    return run_child(["Rscript", str(SCRIPT), str(job_path)], str(ROOT), timeout, threads)
