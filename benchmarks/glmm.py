"""GLMM benchmark (issue 10): VerbAgg (crossed binomial, 7,584 rows), cbpp (cbind
binomial, Laplace and nAGQ = 25) and grouseticks (crossed Poisson), mixeq against
lme4's glmer, mixedlm's glmer and statsmodels' Bayesian mixed GLM in one run.

    nice python benchmarks/glmm.py [--repeats 5] [--models verbagg,cbpp] [--json out.json]

``benchmarks/run.py`` runs it too, after the linear models, so that one run times
both. Targets: VerbAgg in 0.6 s or less, at least 5 × faster than lme4 and faster
than mixedlm on every model. lme4 is timed when Rscript with lme4 is installed
(tools/lme4_glmm_bench.R), mixedlm and statsmodels when importable; else skipped
with the reason. Times are wall-clock medians of the whole fit (formula and data to
a fitted model) plus the fixed effects' standard errors: lme4's glmer forms the
Hessian of (θ, β) inside every fit (``calc.derivs = TRUE``, its default), mixeq only
when ``stderr`` or ``summary()`` is asked for, so the target compares fit + SEs with
glmer; "fit alone" is shown beside it. statsmodels' ``BinomialBayesMixedGLM``/``PoissonBayesMixedGLM``
(``fit_vb``) is a different estimator (variational Bayes, not glmer's Laplace
likelihood): its time is shown for reference, not compared as a target.
"""
from __future__ import annotations

import argparse
import json
import re
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
ENGINES = ("mixeq", "mixedlm", "statsmodels", "lme4")
VERBAGG_SECONDS = 0.6
LME4_RATIO = 5.0


def _data(name: str):
    import pandas as pd

    from mixeq.datasets import apply_factors

    factors = json.loads((DATA / "factors.json").read_text())
    return apply_factors(pd.read_csv(DATA / f"{name}.csv"), factors.get(name, {}))


def time_mixeq(repeats: int, keys) -> dict:
    import mixeq

    out = {}
    for key in keys:
        data, formula, family, nagq = MODELS[key]
        df = _data(data)
        mixeq.fit(formula, df, family=family, nagq=nagq)      # warm-up (imports)
        times, cpu, alone = [], [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            fit = mixeq.fit(formula, df, family=family, nagq=nagq)
            alone.append(time.perf_counter() - t0)
            fit.stderr          # glmer's default (calc.derivs = TRUE) forms the Hessian in the fit
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[key] = {"seconds": statistics.median(times), "cpu_seconds": statistics.median(cpu),
                    "best_seconds": min(times), "fit_only_seconds": statistics.median(alone),
                    "deviance": -2 * fit.loglik,
                    "evaluations": fit.optimizer_summary.evaluations}
    return out


def time_mixedlm(repeats: int, keys) -> dict | str:
    try:
        import mixedlm
    except ImportError:
        return "mixedlm not installed (pip install mixedlm)"
    out = {}
    for key in keys:
        data, formula, family, nagq = MODELS[key]
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


def _statsmodels_form(key):
    """(model class, fixed formula, variance components) or the reason there is none."""
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM, PoissonBayesMixedGLM

    data, formula, family, nagq = MODELS[key]
    if nagq > 1:
        return "no adaptive Gauss–Hermite in statsmodels"
    if formula.startswith("cbind("):
        return "BinomialBayesMixedGLM takes 0/1 responses only (no cbind / trials)"
    fixed = formula.split(" + (", 1)[0]
    vc = {g: f"0 + C({g})" for g in re.findall(r"\(1 \| (\w+)\)", formula)}
    cls = BinomialBayesMixedGLM if family == "binomial" else PoissonBayesMixedGLM
    return cls, fixed, vc


def time_statsmodels(repeats: int, keys) -> dict | str:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        return "statsmodels not installed"
    out = {}
    for key in keys:
        form = _statsmodels_form(key)
        if isinstance(form, str):
            out[key] = form
            continue
        cls, fixed, vc = form
        df = _data(MODELS[key][0])
        if key == "verbagg":
            df = df.assign(r2=(df["r2"].astype(str) == "Y").astype(float))
        times = []
        for _ in range(max(1, repeats // 2)):
            t0 = time.perf_counter()
            cls.from_formula(fixed, vc, df).fit_vb()
            times.append(time.perf_counter() - t0)
        out[key] = {"seconds": statistics.median(times), "deviance": None,
                    "note": "variational Bayes (fit_vb): another estimator"}
    return out


def time_lme4(repeats: int, keys) -> dict | str:
    if shutil.which("Rscript") is None:
        return "Rscript not on PATH"
    run = subprocess.run(["Rscript", str(ROOT / "tools" / "lme4_glmm_bench.R"), str(DATA),
                          str(repeats)], capture_output=True, text=True, timeout=3600)
    if run.returncode != 0:
        return f"lme4 failed: {(run.stderr.strip().splitlines() or ['?'])[-1]}"
    out = json.loads(run.stdout.strip().splitlines()[-1])
    return {k: v for k, v in out.items() if k in keys or k == "version"}


def run(repeats: int, engines, keys) -> dict:
    timers = {"mixeq": time_mixeq, "mixedlm": time_mixedlm, "statsmodels": time_statsmodels,
              "lme4": time_lme4}
    return {engine: timers[engine](repeats, keys) if engine in engines else "not run"
            for engine in ENGINES}


def _rec(results, engine, key):
    got = results.get(engine)
    return got.get(key) if isinstance(got, dict) else None


def table(results: dict) -> str:
    lines = ["| model | mixeq fit + SEs (best) | fit alone | mixedlm | statsmodels (VB) | lme4 | lme4 / mixeq "
             "| mixedlm / mixeq | mixeq deviance − lme4's |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for key in MODELS:
        m = _rec(results, "mixeq", key)
        if not isinstance(m, dict):
            continue
        cells = []
        for engine in ("mixedlm", "statsmodels", "lme4"):
            r = _rec(results, engine, key)
            cells.append(f"{r['seconds']:.3f} s" if isinstance(r, dict) else (r or "—"))
        ml, l4 = _rec(results, "mixedlm", key), _rec(results, "lme4", key)
        ratio = f"{l4['seconds'] / m['seconds']:.1f}×" if isinstance(l4, dict) else "—"
        ml_ratio = f"{ml['seconds'] / m['seconds']:.1f}×" if isinstance(ml, dict) else "—"
        diff = f"{m['deviance'] - l4['deviance']:.2e}" if isinstance(l4, dict) else "—"
        lines.append(f"| {key} | {m['seconds']:.3f} s ({m['best_seconds']:.3f}) | "
                     f"{m.get('fit_only_seconds', float('nan')):.3f} s | "
                     + " | ".join(cells) + f" | {ratio} | {ml_ratio} | {diff} |")
    skipped = [f"{e}: {results[e]}" for e in ENGINES if isinstance(results.get(e), str)
               and results[e] != "not run"]
    return "\n".join(lines + ([""] + skipped if skipped else []))


def targets(results: dict) -> list:
    """Issue 10's GLMM targets from one run (benchmarks.targets.Target records)."""
    from benchmarks.targets import Target

    out = []
    v = _rec(results, "mixeq", "verbagg")
    if isinstance(v, dict):
        out.append(Target(f"VerbAgg GLMM fit <= {VERBAGG_SECONDS} s", f"{v['seconds']:.3f} s",
                          "PASS" if v["seconds"] <= VERBAGG_SECONDS else "MISS"))
    for key in MODELS:
        m = _rec(results, "mixeq", key)
        if not isinstance(m, dict):
            continue
        l4, ml = _rec(results, "lme4", key), _rec(results, "mixedlm", key)
        if isinstance(l4, dict):
            r = l4["seconds"] / m["seconds"]
            out.append(Target(f"{key}: >= {LME4_RATIO:g}x faster than lme4's glmer",
                              f"{l4['seconds']:.3g} s / {m['seconds']:.3g} s = {r:.1f}x",
                              "PASS" if r >= LME4_RATIO else "MISS"))
            rel = (m["deviance"] - l4["deviance"]) / abs(l4["deviance"])
            out.append(Target(f"{key}: deviance within 1e-6 of lme4's (or lower)",
                              f"{m['deviance']:.6f} vs {l4['deviance']:.6f} ({rel:+.1e})",
                              "PASS" if rel <= 1e-6 else "MISS"))
        if isinstance(ml, dict):
            r = ml["seconds"] / m["seconds"]
            out.append(Target(f"{key}: mixeq faster than mixedlm's glmer",
                              f"mixedlm / mixeq = {r:.2f}x", "PASS" if r > 1.0 else "MISS"))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", default=None)
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--models", default=",".join(MODELS))
    args = p.parse_args(argv)
    keys = [k for k in args.models.split(",") if k in MODELS]
    results = run(args.repeats, args.engines.split(","), keys)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
