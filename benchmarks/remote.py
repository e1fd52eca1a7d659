"""Remote fits (issue 13): 100M and 20M rows fitted from Parquet through DuckDB, and
at 10M rows the in-memory engines side by side.

    python -m benchmarks.remote generate            # Parquet files (MIXEQ_BENCH_DATA, /tmp/mixeq_bench)
    python -m benchmarks.remote run [--only slopes100m,crossed20m,slopes10m] [--engines ...]
                                    [--timeout 900] [--json out.json] [--markdown out.md]

Each fit runs in its own process; its wall time and peak resident memory
(the child's own high-water mark, VmHWM: DuckDB runs inside it) are recorded with the
load average before and after (the machine is shared). Engines: ``remote``
(mixeq from Parquet via DuckDB), and at 10M rows ``mixeq`` (in memory, data read
with pandas first), ``mixedlm`` and ``lme4`` (data read with data.table::fread
from a CSV; only lmer() is timed).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.remote_data import DEFAULT_DIR, FILES, generate  # noqa: E402

FORMULAS = {"slopes100m": "y ~ x + (1 + x | g)", "slopes10m": "y ~ x + (1 + x | g)",
            "crossed20m": "y ~ x + (1 | a) + (1 | b)"}
TARGETS = {"slopes100m": (120.0, 3000.0), "crossed20m": (60.0, 3000.0)}   # seconds, peak MB
PLAN = {"slopes100m": ["remote"], "crossed20m": ["remote"],
        "slopes10m": ["remote", "mixeq", "mixedlm", "lme4"]}

R_SCRIPT = r"""
suppressPackageStartupMessages({library(lme4); library(data.table); library(jsonlite)})
args <- commandArgs(TRUE)
d <- fread(args[1]); d$g <- factor(d$g)
t0 <- proc.time()[["elapsed"]]
m <- lmer(as.formula(args[2]), d, REML = TRUE)
t1 <- proc.time()[["elapsed"]]
hwm <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
peak <- as.numeric(gsub("[^0-9]", "", hwm)) / 1024
cat(toJSON(list(total_s = t1 - t0, objective = REMLcrit(m), peak_mb = peak), auto_unbox = TRUE,
           digits = NA))
"""


def child(case: str, engine: str, folder: Path) -> dict:
    """One fit in this process (called in a child); returns its figures."""
    path = folder / FILES[case]
    formula = FORMULAS[case]
    t0 = time.perf_counter()
    if engine == "remote":
        import mixeq

        model = mixeq.Model(formula, data=str(path))
        t1 = time.perf_counter()
        fit = model.fit()
        t2 = time.perf_counter()
        info = fit.optimizer_summary.options["remote"]
        return {"design_s": t1 - t0, "fit_s": t2 - t1, "total_s": t2 - t0,
                "objective": fit.objective, "evaluations": fit.optimizer_summary.evaluations,
                "pseudo_rows": info["pseudo_rows"], "mode": info["mode"],
                "pairs": info.get("pairs"),
                "theta": fit.theta.tolist(), "fixef": fit.fixef.tolist(), "sigma": fit.sigma}
    import pandas as pd

    df = pd.read_parquet(path)
    df["g"] = df["g"].astype("category")
    t1 = time.perf_counter()
    if engine == "mixeq":
        import mixeq

        fit = mixeq.fit(formula, df)
        objective = fit.objective
    else:
        import mixedlm

        res = mixedlm.lmer(formula, df, REML=True)
        objective = res.REMLcrit() if callable(res.REMLcrit) else res.REMLcrit
    t2 = time.perf_counter()
    return {"read_s": t1 - t0, "total_s": t2 - t1, "objective": float(objective)}


MEMORY_LIMIT_GB = 12   # a child past this fails with MemoryError instead of starving the machine


def _limit_memory():
    import resource

    cap = MEMORY_LIMIT_GB * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _run(cmd: list[str], timeout: float, env=None) -> dict:
    """Run a child; its JSON result (with its own peak RSS) or an error."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(ROOT), env=env, preexec_fn=_limit_memory)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"no result within {timeout:.0f} s (killed)"}
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:300]}", "wall_s": wall}
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def run_case(case: str, engine: str, folder: Path, timeout: float) -> dict:
    load_before = os.getloadavg()
    if engine == "lme4":
        csv = folder / (FILES[case].replace(".parquet", ".csv"))
        if not csv.exists():
            import duckdb

            duckdb.sql(f"COPY (SELECT * FROM '{folder / FILES[case]}') TO '{csv}' (HEADER)")
        script = folder / "lmer_bench.R"
        script.write_text(R_SCRIPT)
        result = _run(["nice", "Rscript", str(script), str(csv), FORMULAS[case]], timeout)
    else:
        cmd = ["nice", sys.executable, "-m", "benchmarks.remote", "child", "--case", case,
               "--engine", engine, "--dir", str(folder)]
        result = _run(cmd, timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    result.update(case=case, engine=engine,
                  load_before=[round(v, 2) for v in load_before],
                  load_after=[round(v, 2) for v in os.getloadavg()])
    return result


def markdown(results: list[dict]) -> str:
    lines = ["| data | engine | rows | total s | peak MB | criterion (REML) | target | load (1-min avg before/after) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    rows = {"slopes100m": "100,000,000", "crossed20m": "20,000,000", "slopes10m": "10,000,000"}
    for r in results:
        if "error" in r:
            cell = r["error"]
            lines.append(f"| {r['case']} | {r['engine']} | {rows[r['case']]} | — | — | {cell} | | "
                         f"{r['load_before'][0]} / {r['load_after'][0]} |")
            continue
        t, mb = TARGETS.get(r["case"], (None, None)) if r["engine"] == "remote" else (None, None)
        target = ""
        if t:
            ok = r["total_s"] <= t and (mb is None or r["peak_mb"] < mb)
            target = f"≤ {t:.0f} s" + (f", < {mb / 1000:.0f} GB" if mb else "") + (": met" if ok else ": NOT met")
        extra = (f" (queries {r['design_s']:.1f} + fit {r['fit_s']:.1f})" if "design_s" in r
                 else f" (+ read {r['read_s']:.1f})" if "read_s" in r else " (lmer only)")
        lines.append(f"| {r['case']} | {r['engine']} | {rows[r['case']]} | {r['total_s']:.1f}{extra} | "
                     f"{r['peak_mb']:.0f} | {r['objective']:.6f} | {target} | "
                     f"{r['load_before'][0]} / {r['load_after'][0]} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["generate", "run", "child"])
    ap.add_argument("--dir", default=str(DEFAULT_DIR))
    ap.add_argument("--only", default="slopes100m,crossed20m,slopes10m")
    ap.add_argument("--engines", default="remote,mixeq,mixedlm,lme4")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--case")
    ap.add_argument("--engine")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    args = ap.parse_args(argv)
    folder = Path(args.dir)
    if args.command == "generate":
        t = time.perf_counter()
        paths = generate(folder, tuple(args.only.split(",")))
        print(json.dumps({k: str(v) for k, v in paths.items()} | {"seconds": time.perf_counter() - t}))
        return 0
    if args.command == "child":
        import resource

        out = child(args.case, args.engine, folder)
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(json.dumps(out))
        return 0
    generate(folder, tuple(args.only.split(",")))
    results = []
    engines = args.engines.split(",")
    for case in args.only.split(","):
        for engine in PLAN[case]:
            if engine in engines:
                results.append(run_case(case, engine, folder, args.timeout))
                print(json.dumps(results[-1]), flush=True)
    text = markdown(results)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
