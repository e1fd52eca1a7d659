"""Benchmark mixeq against lme4, mixedlm and statsmodels' MixedLM (LMMs), and
against lme4's and mixedlm's glmer (GLMMs, benchmarks/glmm.py), in one run.

    python benchmarks/run.py                   # everything (several minutes)
    python benchmarks/run.py --quick           # fewer repeats
    python benchmarks/run.py --models sleepstudy,insteval --engines mixeq,lme4
    python benchmarks/run.py --json out.json --markdown out.md
    python benchmarks/run.py --report out.json   # the tables of an earlier run

Each (model, engine) runs in its own process: median times over repeats of
"design" (building the model) and "fit", their total, the process's peak
resident memory, and the objective reached. Engines that are not installed, or
cannot express a model, are skipped with the reason.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import glmm as glmm_bench  # noqa: E402
from benchmarks.cases import BY_NAME, CASES  # noqa: E402
from benchmarks.lme4_runner import lme4_unavailable, run_lme4  # noqa: E402
from benchmarks.report import (results_markdown, results_table,  # noqa: E402
                               targets_markdown, targets_table)
from benchmarks.subprocess_run import child_environment, run_child  # noqa: E402
from benchmarks.targets import (faster_targets, lme4_ratio_targets,  # noqa: E402
                               objective_targets, speed_targets)

ENGINES = ("mixeq", "mixedlm", "statsmodels", "lme4")


def repeats(case, quick: bool) -> tuple[int, float]:
    """(max repeats, time budget in seconds) for one model."""
    if case.small:
        return (30, 2.0) if quick else (300, 10.0)
    return (1, 0.0) if quick else (5, 20.0)


def run_python_engine(engine, case, quick, timeout, threads):
    max_rep, budget = repeats(case, quick)
    cmd = [sys.executable, "-m", "benchmarks.worker", "--case", case.name, "--engine", engine,
           "--max-repeats", str(max_rep), "--budget", str(budget)]
    if engine == "mixeq":
        cmd.append("--tracemalloc")
    return run_child(cmd, str(ROOT), timeout, threads)


def run_one(engine, case, quick, timeout, tmpdir, threads):
    if engine == "lme4":
        reason = lme4_unavailable()
        if reason:
            return {"skipped": reason}, None, 0.0
        max_rep, budget = repeats(case, quick)
        child = run_lme4(case, tmpdir, max_rep, budget, timeout, threads)
    else:
        child = run_python_engine(engine, case, quick, timeout, threads)
    return child.payload, child.peak_rss_mb, child.wall_s


def _reference(case) -> dict | None:
    if case.reference is None:
        return None
    path = ROOT / "tests" / "data" / "reference" / f"{case.reference}.json"
    return json.loads(path.read_text())


def reference_objective(case):
    ref = _reference(case)
    return None if ref is None else ref["REMLcrit"] if case.reml else ref["deviance"]


def reference_seconds(case):
    ref = _reference(case)
    return None if ref is None else ref.get("lme4_seconds")


def progress(rec) -> str:
    if "total_s" in rec:
        return (f"{rec['case']:>18} {rec['engine']:>11}: total {rec['total_s'] * 1000:9.2f} ms"
                f" ({rec['repeats']} runs), peak RSS {rec['peak_rss_mb']:.0f} MB,"
                f" objective {rec['objective']:.6f}")
    return f"{rec['case']:>18} {rec['engine']:>11}: {rec.get('skipped') or rec.get('error')}"


def run_all(cases, engines, quick, timeout, threads) -> list[dict]:
    records = []
    with tempfile.TemporaryDirectory(prefix="mixeq-bench-") as tmp:
        for case in cases:
            for engine in engines:
                try:
                    payload, peak, wall = run_one(engine, case, quick, timeout, Path(tmp),
                                                  threads)
                except Exception as exc:  # a benchmark never stops on one model
                    payload, peak, wall = {"error": f"{type(exc).__name__}: {exc}"}, None, 0.0
                rec = {"case": case.name, "engine": engine, **payload,
                       "peak_rss_mb": peak, "process_wall_s": wall}
                records.append(rec)
                print(progress(rec), flush=True)
    return records


def describe_machine() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "?"
    return (f"mixeq {commit}, Python {platform.python_version()}, {os.cpu_count()} cores,"
            f" load average {os.getloadavg()[0]:.2f}")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    names = [c.name for c in CASES] + list(glmm_bench.MODELS)
    ap.add_argument("--models", default=",".join(names),
                    help="comma-separated: " + ", ".join(names) + " (the last four: GLMMs)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: "
                    + ", ".join(ENGINES))
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per model and engine (default 600, 180 with --quick)")
    ap.add_argument("--threads", type=int, default=None,
                    help="cap every engine's thread pools (BLAS, OpenMP, rayon) at this"
                         " number (default: each library's own default)")
    ap.add_argument("--json", help="write all records to this JSON file")
    ap.add_argument("--report", metavar="JSON",
                    help="print the tables of an earlier run's --json file instead of running")
    ap.add_argument("--markdown", help="write the tables as Markdown to this file")
    args = ap.parse_args(argv)
    unknown = [m for m in args.models.split(",") if m not in BY_NAME and m not in glmm_bench.MODELS]
    unknown += [e for e in args.engines.split(",") if e not in ENGINES]
    if unknown:
        ap.error(f"unknown model or engine: {', '.join(unknown)}")
    return args


def run_glmm(keys, engines, quick, timeout, threads) -> dict:
    """The GLMM models (benchmarks/glmm.py) in one child process: {engine: results}."""
    if not keys:
        return {}
    engines = [e for e in engines if e in glmm_bench.ENGINES]
    print(f"GLMMs: {', '.join(keys)} ({', '.join(engines)})", flush=True)
    with tempfile.TemporaryDirectory(prefix="mixeq-glmm-") as tmp:
        out = Path(tmp) / "glmm.json"
        cmd = [sys.executable, "-m", "benchmarks.glmm", "--repeats", "3" if quick else "5",
               "--engines", ",".join(engines), "--models", ",".join(keys), "--json", str(out)]
        try:
            subprocess.run(cmd, cwd=ROOT, env=child_environment(threads), timeout=timeout * 4,
                           capture_output=True, text=True, check=True)
            return json.loads(out.read_text())
        except (subprocess.SubprocessError, OSError, ValueError) as exc:
            return {"mixeq": f"GLMM benchmark failed: {type(exc).__name__}: {exc}"[:300]}


def measure(args) -> tuple[list, list[dict], dict]:
    """Run the benchmark (or read an earlier run's --json): (cases, records, GLMM results)."""
    if args.report:
        saved = json.loads(Path(args.report).read_text())
        records = saved["records"]
        return ([BY_NAME[n] for n in dict.fromkeys(r["case"] for r in records)], records,
                saved.get("glmm", {}))
    models = args.models.split(",")
    cases = [BY_NAME[m] for m in models if m in BY_NAME]
    glmm_keys = [m for m in models if m in glmm_bench.MODELS]
    timeout = args.timeout or (180.0 if args.quick else 600.0)
    print(f"mixeq benchmark ({describe_machine()}), {'quick' if args.quick else 'full'}"
          f" run, started {time.strftime('%H:%M:%S')}", flush=True)
    if args.threads:
        print(f"thread pools capped at {args.threads} for every engine", flush=True)
    records = run_all(cases, args.engines.split(","), args.quick, timeout, args.threads)
    glmm = run_glmm(glmm_keys, args.engines.split(","), args.quick, timeout, args.threads)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return cases, records, glmm


def all_targets(cases, records):
    return (speed_targets(records) + faster_targets(records, [c.name for c in cases])
            + lme4_ratio_targets(records, cases, reference_seconds)
            + objective_targets(records, cases, reference_objective))


def main(argv=None) -> int:
    args = parse_args(argv)
    cases, records, glmm = measure(args)
    targets = all_targets(cases, records) + (glmm_bench.targets(glmm) if glmm else [])
    print("\nMedian times (best = fastest total); 'vs mixeq' = this engine's median total /"
          " mixeq's; RSS+ = peak RSS minus RSS before the timed runs; traced = tracemalloc"
          " peak (mixeq only).\n")
    print(results_table(records))
    if glmm:
        print("\nGLMMs: median wall time of a whole fit (formula and data to a fitted model)\n")
        print(glmm_bench.table(glmm))
    print("\nTargets\n")
    print(targets_table(targets))
    if args.json and not args.report:
        Path(args.json).write_text(json.dumps({"records": records, "glmm": glmm,
                                               "targets": [t.__dict__ for t in targets]},
                                              indent=1))
    if args.markdown:
        Path(args.markdown).write_text(results_markdown(records) + "\n\n"
                                       + (glmm_bench.table(glmm) + "\n\n" if glmm else "")
                                       + targets_markdown(targets) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
