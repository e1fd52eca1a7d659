"""Inference benchmark (issue 11): sleepstudy's profile intervals and 1,000 parametric
bootstrap refits, mixeq against lme4 in one run.

    nice python benchmarks/inference.py [--nsim 1000] [--repeats 5] [--json out.json]

Targets: profile intervals 10 × faster than lme4's ``confint(m, method = "profile")``;
1,000 bootstrap refits under 3 s (lme4's ``bootMer`` for comparison). lme4 is timed
when Rscript with lme4 is installed (tools/lme4_inference_bench.R), else skipped.
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

from benchmarks.data import load_dataset  # noqa: E402


def time_mixeq(nsim: int, repeats: int) -> dict:
    import mixeq
    from mixeq.inference.profile import profile_fit

    df = load_dataset("sleepstudy")
    fit = mixeq.fit("Reaction ~ Days + (Days | Subject)", df)
    fit.refit(reml=False)          # warm-up: imports, first ML refit
    prof = []
    for _ in range(repeats):
        fresh = mixeq.fit("Reaction ~ Days + (Days | Subject)", df)
        t0 = time.perf_counter()
        ci = fresh.confint("profile")
        prof.append(time.perf_counter() - t0)
    profile_fit(fresh)
    t0 = time.perf_counter()
    boot = fit.bootstrap(nsim=nsim, seed=1)
    boot_s = time.perf_counter() - t0
    return {"profile_seconds": statistics.median(prof), "bootstrap_seconds": boot_s,
            "refit_ms": 1000 * boot_s / nsim, "nsim": nsim, "rows": len(boot),
            "profile_interval_days": ci.loc["Days"].tolist()}


def time_lme4(nsim: int, repeats: int) -> dict | str:
    if shutil.which("Rscript") is None:
        return "Rscript not on PATH"
    out = subprocess.run(["Rscript", str(ROOT / "tools" / "lme4_inference_bench.R"), str(nsim),
                          str(repeats)], capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        return f"lme4 failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nsim", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    ours = time_mixeq(args.nsim, args.repeats)
    theirs = time_lme4(args.nsim, max(1, min(args.repeats, 3)))
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
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps({"mixeq": ours, "lme4": theirs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
