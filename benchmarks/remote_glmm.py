"""A binomial GLMM whose rows do not compress into cells, fitted from Parquet by
passes (issue 13; mixeq/remote/passes.py), beside the in-memory fit and lme4.

    python -m benchmarks.remote_glmm [--rows 1000000] [--groups 10000] [--json out.json]
                                     [--engines remote,mixeq,lme4] [--timeout 1800]

The data are generated in DuckDB with a fixed salt (hash-based uniforms, as
remote_data.py): y ~ Bernoulli(logit⁻¹(−0.5 + 0.8 x + b_g)), x ~ N(0, 1) continuous
(about one cell per row), b_g ~ N(0, 0.7²), ``groups`` levels of g; written as
Parquet (and as CSV for lme4). Each engine runs in its own process; wall times,
the criterion (−2 log L, Laplace) and for the remote fit the passes over the rows.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.remote_data import DEFAULT_DIR, _normal, _u  # noqa: E402

FORMULA = "y ~ x + (1 | g)"
R_SCRIPT = r"""
suppressPackageStartupMessages({library(lme4); library(data.table); library(jsonlite)})
args <- commandArgs(TRUE)
d <- fread(args[1]); d$g <- factor(d$g)
t0 <- proc.time()[["elapsed"]]
m <- glmer(y ~ x + (1 | g), d, family = binomial)
t1 <- proc.time()[["elapsed"]]
cat(toJSON(list(fit_s = t1 - t0, objective = -2 * as.numeric(logLik(m)),
                fixef = unname(fixef(m)), theta = unname(getME(m, "theta"))),
           auto_unbox = TRUE, digits = NA))
"""


def generate(folder: Path, rows: int, groups: int) -> Path:
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"glmm_binomial_{rows}.parquet"
    if path.exists():
        return path
    g = f"(i % {groups})"
    sql = (f"SELECT {g} AS g, {_normal('i', 1)} AS x, "
           f"(({_u('i', 3)}) < 1 / (1 + exp(-(-0.5 + 0.8 * {_normal('i', 1)} "
           f"+ 0.7 * {_normal(g, 2)}))))::INTEGER AS y FROM range({rows}) t(i)")
    con = duckdb.connect()
    con.execute(f"COPY ({sql}) TO '{path}' (FORMAT PARQUET)")
    con.execute(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{path.with_suffix('.csv')}' "
                "(HEADER)")
    return path


def child(engine: str, path: Path) -> dict:
    import warnings

    import mixeq

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    if engine == "remote":
        model = mixeq.Model(FORMULA, data=str(path), family="binomial")
        t1 = time.perf_counter()
        fit = model.fit(remote_glmm="passes")
        t2 = time.perf_counter()
        return {"design_s": t1 - t0, "fit_s": t2 - t1, "total_s": t2 - t0,
                "passes": fit.remote_passes, "mode": fit.optimizer_summary.options["remote"]["mode"],
                "evaluations": fit.optimizer_summary.evaluations, "objective": fit.objective,
                "fixef": fit.fixef.tolist(), "theta": fit.theta.tolist()}
    import pandas as pd

    df = pd.read_parquet(path)
    df["g"] = df["g"].astype("category")
    t1 = time.perf_counter()
    fit = mixeq.fit(FORMULA, df, family="binomial")
    t2 = time.perf_counter()
    return {"read_s": t1 - t0, "fit_s": t2 - t1, "total_s": t2 - t0, "objective": fit.objective,
            "evaluations": fit.optimizer_summary.evaluations,
            "fixef": fit.fixef.tolist(), "theta": fit.theta.tolist()}


def run(engine: str, path: Path, timeout: float) -> dict:
    if engine == "lme4":
        cmd = ["Rscript", "-e", R_SCRIPT, str(path.with_suffix(".csv"))]
    else:
        cmd = [sys.executable, "-m", "benchmarks.remote_glmm", "--child", engine, str(path)]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        return {"engine": engine, "error": (out.stderr or out.stdout).strip()[-400:]}
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res.update(engine=engine, wall_s=wall)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--groups", type=int, default=10_000)
    ap.add_argument("--engines", default="remote,mixeq,lme4")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--json")
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0
    path = generate(DEFAULT_DIR, args.rows, args.groups)
    results = []
    for engine in args.engines.split(","):
        res = run(engine, path, args.timeout)
        results.append(res)
        print(json.dumps(res), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": args.rows, "groups": args.groups,
                                               "formula": FORMULA, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
