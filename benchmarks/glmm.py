"""GLMM benchmark (issue 10): VerbAgg (crossed binomial, 7,584 rows), cbpp (cbind
binomial, Laplace and nAGQ = 25) and grouseticks (crossed Poisson), mixeq against
lme4's glmer and mixedlm's glmer in one run.

    nice python benchmarks/glmm.py [--repeats 5] [--json out.json]

Targets: VerbAgg in 0.6 s or less, at least 5 × faster than lme4 and faster than
mixedlm on every model. lme4 is timed when Rscript with lme4 is installed
(tools/lme4_glmm_bench.R), mixedlm when it is importable; else skipped with the reason.
Times are wall-clock medians of the whole fit (formula and data to a fitted model).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"

MODELS = {
    "verbagg": ("VerbAgg", "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", "binomial", 1),
    "cbpp": ("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 1),
    "cbpp_agq25": ("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 25),
    "grouseticks": ("grouseticks", "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "poisson", 1),
}


def _data(name: str):
    import pandas as pd

    from mixeq.datasets import apply_factors

    factors = json.loads((DATA / "factors.json").read_text())
    return apply_factors(pd.read_csv(DATA / f"{name}.csv"), factors.get(name, {}))


def time_mixeq(repeats: int) -> dict:
    import mixeq

    out = {}
    for key, (data, formula, family, nagq) in MODELS.items():
        df = _data(data)
        mixeq.fit(formula, df, family=family, nagq=nagq)      # warm-up (imports)
        times, cpu = [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            fit = mixeq.fit(formula, df, family=family, nagq=nagq)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[key] = {"seconds": statistics.median(times), "cpu_seconds": statistics.median(cpu),
                    "best_seconds": min(times), "deviance": -2 * fit.loglik,
                    "evaluations": fit.optimizer_summary.evaluations}
    return out


def time_mixedlm(repeats: int) -> dict | str:
    try:
        import mixedlm
    except ImportError:
        return "mixedlm not installed (pip install mixedlm)"
    out = {}
    for key, (data, formula, family, nagq) in MODELS.items():
        df = _data(data)
        fam = mixedlm.families.Binomial() if family == "binomial" else mixedlm.families.Poisson()
        kw = {}
        if formula.startswith("cbind("):   # mixedlm reads no cbind(): the same model as
            df = df.assign(prop=df["incidence"] / df["size"])     # proportion + trials
            formula = "prop ~ " + formula.split("~", 1)[1].strip()
            kw = {"weights": df["size"].to_numpy(dtype=float)}
        times, dev = [], None
        for _ in range(max(1, repeats // 2)):
            t0 = time.perf_counter()
            try:
                res = mixedlm.glmer(formula, df, family=fam, nAGQ=nagq, **kw)
            except Exception as exc:   # a model mixedlm cannot fit: say so
                out[key] = f"failed: {type(exc).__name__}: {exc}"[:200]
                break
            times.append(time.perf_counter() - t0)
            try:
                dev = -2 * float(res.logLik().value if hasattr(res.logLik(), "value") else res.logLik())
            except Exception:
                dev = None
        if times:
            out[key] = {"seconds": statistics.median(times), "deviance": dev}
    return out


def time_lme4(repeats: int) -> dict | str:
    if shutil.which("Rscript") is None:
        return "Rscript not on PATH"
    run = subprocess.run(["Rscript", str(ROOT / "tools" / "lme4_glmm_bench.R"), str(DATA),
                          str(repeats)], capture_output=True, text=True, timeout=3600)
    if run.returncode != 0:
        return f"lme4 failed: {(run.stderr.strip().splitlines() or ['?'])[-1]}"
    return json.loads(run.stdout.strip().splitlines()[-1])


def table(results: dict) -> str:
    lines = ["| model | mixeq (best) | mixedlm | lme4 | lme4 / mixeq | mixeq deviance − lme4's |",
             "| --- | --- | --- | --- | --- | --- |"]
    for key in MODELS:
        m = results["mixeq"][key]
        ml = results["mixedlm"].get(key) if isinstance(results["mixedlm"], dict) else None
        l4 = results["lme4"].get(key) if isinstance(results["lme4"], dict) else None
        ml_s = f"{ml['seconds']:.3f} s" if isinstance(ml, dict) else (ml or "—")
        l4_s = f"{l4['seconds']:.3f} s" if isinstance(l4, dict) else "—"
        ratio = f"{l4['seconds'] / m['seconds']:.1f}×" if isinstance(l4, dict) else "—"
        diff = f"{m['deviance'] - l4['deviance']:.2e}" if isinstance(l4, dict) else "—"
        lines.append(f"| {key} | {m['seconds']:.3f} s ({m['best_seconds']:.3f}) | {ml_s} | {l4_s} "
                     f"| {ratio} | {diff} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", default=None)
    p.add_argument("--engines", default="mixeq,mixedlm,lme4")
    args = p.parse_args(argv)
    engines = args.engines.split(",")
    results = {"mixeq": time_mixeq(args.repeats),
               "mixedlm": time_mixedlm(args.repeats) if "mixedlm" in engines else "not run",
               "lme4": time_lme4(args.repeats) if "lme4" in engines else "not run"}
    print(table(results))
    for engine in ("mixedlm", "lme4"):
        if isinstance(results[engine], str):
            print(f"{engine}: {results[engine]}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
