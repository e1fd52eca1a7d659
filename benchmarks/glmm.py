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
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"

from benchmarks.data import load_dataset  # noqa: E402
from benchmarks.timing import time_runs  # noqa: E402

MODELS = {
    "verbagg": ("VerbAgg", "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", "binomial", 1),
    "cbpp": ("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 1),
    "cbpp_agq25": ("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 25),
    "grouseticks": ("grouseticks", "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "poisson", 1),
}
ENGINES = ("mixeq", "mixedlm", "statsmodels", "lme4")
VERBAGG_SECONDS = 0.6
LME4_RATIO = 5.0


@dataclass
class Row:
    """One engine's result on one model, as the table and the JSON hold it: the median
    seconds (mixeq: fit + SEs), the deviance (−2 log L), and what only some engines give
    (fields left None are not written)."""

    seconds: float
    cpu_seconds: float | None = None
    best_seconds: float | None = None
    fit_only_seconds: float | None = None
    deviance: float | None = None
    evaluations: int | None = None
    note: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None or k == "deviance"}


def time_engine(prepare, repeats: int, keys, row, *, warm_up: bool = False) -> dict:
    """Time one engine on every model with benchmarks.timing.time_runs: ``prepare(key)``
    loads the data (not timed) and returns the run to time, ``run_once(watch)``, or the
    reason (a string) this engine has no such model; ``row(timed)`` makes the Row. A run
    that raises is recorded as the reason the engine failed."""
    out = {}
    for key in keys:
        run_once = prepare(key)
        if isinstance(run_once, str):
            out[key] = run_once
            continue
        try:
            timed = time_runs(run_once, repeats, warm_up=warm_up)
        except Exception as exc:   # a model this engine cannot fit: say so
            out[key] = f"failed: {type(exc).__name__}: {exc}"[:200]
            continue
        out[key] = row(timed).as_dict()
    return out


def _mixeq_run(key):
    import mixeq

    data, formula, family, nagq = MODELS[key]
    df = load_dataset(data)

    def run_once(watch):
        fit = mixeq.fit(formula, df, family=family, nagq=nagq)
        watch.lap("fit_only")
        fit.stderr          # glmer's default (calc.derivs = TRUE) forms the Hessian in the fit
        return fit
    return run_once


def _mixeq_row(timed) -> Row:
    fit = timed.value
    return Row(timed.median, cpu_seconds=timed.cpu_median, best_seconds=timed.best,
               fit_only_seconds=timed.lap_median("fit_only"), deviance=-2 * fit.loglik,
               evaluations=fit.optimizer_summary.evaluations)


def time_mixeq(repeats: int, keys) -> dict:
    return time_engine(_mixeq_run, repeats, keys, _mixeq_row, warm_up=True)


def _mixedlm_run(key):
    import mixedlm

    data, formula, family, nagq = MODELS[key]
    df = load_dataset(data)
    fam = mixedlm.families.Binomial() if family == "binomial" else mixedlm.families.Poisson()
    kw = {}
    if formula.startswith("cbind("):   # mixedlm reads no cbind(): the same model as
        df = df.assign(prop=df["incidence"] / df["size"])     # proportion + trials
        formula = "prop ~ " + formula.split("~", 1)[1].strip()
        kw = {"weights": df["size"].to_numpy(dtype=float)}
    return lambda watch: mixedlm.glmer(formula, df, family=fam, nAGQ=nagq, **kw)


def _mixedlm_row(timed) -> Row:
    try:
        loglik = timed.value.logLik()
        dev = -2 * float(loglik.value if hasattr(loglik, "value") else loglik)
    except Exception:
        dev = None
    return Row(timed.median, deviance=dev)


def time_mixedlm(repeats: int, keys) -> dict | str:
    try:
        import mixedlm  # noqa: F401
    except ImportError:
        return "mixedlm not installed (pip install mixedlm)"
    return time_engine(_mixedlm_run, max(1, repeats // 2), keys, _mixedlm_row)


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


def _statsmodels_run(key):
    form = _statsmodels_form(key)
    if isinstance(form, str):
        return form
    cls, fixed, vc = form
    df = load_dataset(MODELS[key][0])
    if key == "verbagg":
        df = df.assign(r2=(df["r2"].astype(str) == "Y").astype(float))
    return lambda watch: cls.from_formula(fixed, vc, df).fit_vb()


def _statsmodels_row(timed) -> Row:
    return Row(timed.median, note="variational Bayes (fit_vb): another estimator")


def time_statsmodels(repeats: int, keys) -> dict | str:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        return "statsmodels not installed"
    return time_engine(_statsmodels_run, max(1, repeats // 2), keys, _statsmodels_row)


def time_lme4(repeats: int, keys) -> dict | str:
    """glmer with its defaults, timed in R (tools/lme4_glmm_bench.R)."""
    from benchmarks.lme4_runner import run_rscript

    out = run_rscript("lme4_glmm_bench.R", str(DATA), str(repeats))
    if isinstance(out, str):
        return out
    return {k: v if k == "version" else Row(**v).as_dict()
            for k, v in out.items() if k in keys or k == "version"}


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
