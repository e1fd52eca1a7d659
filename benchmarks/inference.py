"""Inference benchmark (issue 11): sleepstudy's profile intervals and 1,000 parametric
bootstrap refits, mixeq against lme4 in one run.

    nice python benchmarks/inference.py [--nsim 1000] [--repeats 5] [--json out.json] [--extended]

``--extended`` adds GLMM profile intervals (cbpp, grouseticks; lme4's glmer ``confint``) and
Kenward–Roger on Hsb82's 7,185 rows (pbkrtest's ``vcovAdj``).

Targets: profile intervals 10 × faster than lme4's ``confint(m, method = "profile")``;
1,000 bootstrap refits under 3 s (lme4's ``bootMer`` for comparison). lme4 is timed
when Rscript with lme4 is installed (tools/lme4_inference_bench.R), else skipped.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.data import load_dataset  # noqa: E402
from benchmarks.glmm import MODELS as GLMM_MODELS  # noqa: E402
from benchmarks.lme4_runner import run_rscript  # noqa: E402
from benchmarks.timing import time_runs  # noqa: E402


def time_mixeq(nsim: int, repeats: int) -> dict:
    import mixeq
    from mixeq.inference.profile import profile_fit

    df = load_dataset("sleepstudy")
    fit = mixeq.fit("Reaction ~ Days + (Days | Subject)", df)
    fit.refit(reml=False)          # warm-up: imports, first ML refit

    def profile_once(watch):
        fresh = mixeq.fit("Reaction ~ Days + (Days | Subject)", df)
        watch.restart()             # the fit is setup: only its profile intervals are timed
        return fresh, fresh.confint("profile")

    prof = time_runs(profile_once, repeats)
    fresh, ci = prof.value
    profile_fit(fresh)
    boot_run = time_runs(lambda watch: fit.bootstrap(nsim=nsim, seed=1), 1)
    boot_s, boot = boot_run.median, boot_run.value
    return {"profile_seconds": prof.median, "bootstrap_seconds": boot_s,
            "refit_ms": 1000 * boot_s / nsim, "nsim": nsim, "rows": len(boot),
            "profile_interval_days": ci.loc["Days"].tolist()}


def time_extended() -> dict:
    """GLMM profiles and KR on Hsb82 (each on a fresh fit: nothing cached)."""
    import pandas as pd

    import mixeq

    def once(call) -> float:
        return time_runs(lambda watch: call(), 1).median

    out = {}
    for key in ("cbpp", "grouseticks"):         # the GLMM benchmark's models (glmm.MODELS)
        data, formula, family, _ = GLMM_MODELS[key]
        fit = mixeq.fit(formula, load_dataset(data), family=family)
        out[f"glmm_profile_{key}_seconds"] = once(lambda: fit.confint("profile"))
    hsb = pd.read_csv(ROOT / "tests" / "data" / "Hsb82.csv")
    hsb["school"] = hsb["school"].astype(str)
    hsb["sector"] = pd.Categorical(hsb["sector"], categories=["Public", "Catholic"])
    fit = mixeq.fit("mAch ~ meanses * cses + sector * cses + (cses | school)", hsb)
    out["kr_hsb82_seconds"] = once(lambda: fit.coef_table("kenward-roger"))
    return out


def time_lme4(nsim: int, repeats: int, extended: bool = False) -> dict | str:
    return run_rscript("lme4_inference_bench.R", str(nsim), str(repeats),
                       *(["extended"] if extended else []))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nsim", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", default=None)
    ap.add_argument("--extended", action="store_true")
    args = ap.parse_args(argv)
    ours = time_mixeq(args.nsim, args.repeats)
    if args.extended:
        ours.update(time_extended())
    theirs = time_lme4(args.nsim, max(1, min(args.repeats, 3)), args.extended)
    lines = ["| task (sleepstudy) | mixeq | lme4 | ratio | target |", "| --- | --- | --- | --- | --- |"]
    if isinstance(theirs, dict):
        r = theirs["profile_seconds"] / ours["profile_seconds"]
        lines.append(f"| profile intervals (confint) | {ours['profile_seconds']:.3f} s | "
                     f"{theirs['profile_seconds']:.3f} s | {r:.1f}× faster | 10× faster: "
                     f"{'met' if r >= 10 else 'not met'} |")
        lines.append(f"| {args.nsim} bootstrap refits | {ours['bootstrap_seconds']:.2f} s "
                     f"({ours['refit_ms']:.2f} ms each) | {theirs['bootmer_seconds']:.2f} s (bootMer) | "
                     f"{theirs['bootmer_seconds'] / ours['bootstrap_seconds']:.1f}× faster | < 3 s: "
                     f"{'met' if ours['bootstrap_seconds'] < 3 else 'not met'} |")
    else:
        lines.append(f"| profile intervals | {ours['profile_seconds']:.3f} s | ({theirs}) | | |")
        lines.append(f"| {args.nsim} bootstrap refits | {ours['bootstrap_seconds']:.2f} s | | | < 3 s |")
    if args.extended:
        for key, what, lme4_what in [
                ("glmm_profile_cbpp_seconds", "cbpp glmer profile intervals", "confint"),
                ("glmm_profile_grouseticks_seconds", "grouseticks glmer profile intervals", "confint"),
                ("kr_hsb82_seconds", "Kenward–Roger, Hsb82 (7,185 rows)", "pbkrtest vcovAdj")]:
            if isinstance(theirs, dict) and key in theirs:
                lines.append(f"| {what} | {ours[key]:.2f} s | {theirs[key]:.2f} s ({lme4_what}) | "
                             f"{theirs[key] / ours[key]:.1f}× faster | |")
            else:
                lines.append(f"| {what} | {ours[key]:.2f} s | | | |")
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps({"mixeq": ours, "lme4": theirs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
