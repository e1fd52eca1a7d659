"""Time one engine on one benchmark model, in its own process so that memory
peaks do not mix. Prints one JSON object on its last line of output.

    python -m benchmarks.worker --case sleepstudy --engine mixeq --max-repeats 200 --budget 5
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback

from benchmarks import data as bench_data
from benchmarks.cases import BY_NAME
from benchmarks.engines import engine
from benchmarks.measure import current_rss_mb, repeat_timed, traced_peak_mb


def package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def one_run(eng, case, frame):
    t0 = time.perf_counter()
    built = eng.design(case, frame)
    t1 = time.perf_counter()
    outcome = eng.fit(case, frame, built)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, outcome


def warm_up(eng, case, frame) -> None:
    """First calls pay for imports and caches: spend them outside the timing."""
    if case.small:
        one_run(eng, case, frame)
    else:
        small = BY_NAME["sleepstudy"]
        one_run(eng, small, bench_data.load(small.dataset))


def measure(eng, case, max_repeats: int, budget: float, trace: bool) -> dict:
    reason = eng.unavailable()
    if reason:
        return {"skipped": reason}
    frame = bench_data.load(case.dataset)
    reason = eng.cannot(case, frame)
    if reason:
        return {"skipped": reason}
    warm_up(eng, case, frame)
    rss_before = current_rss_mb()
    timings, outcome = repeat_timed(lambda: one_run(eng, case, frame), max_repeats, budget)
    result = timings.medians(design_separate=eng.SEPARATE_DESIGN)
    result.update(objective=outcome.objective, converged=outcome.converged,
                  info=outcome.info, rss_before_mb=rss_before, nobs=len(frame),
                  version=package_version(eng.NAME))
    if trace:
        result["traced_peak_mb"] = traced_peak_mb(lambda: one_run(eng, case, frame))
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--max-repeats", type=int, default=10)
    ap.add_argument("--budget", type=float, default=5.0)
    ap.add_argument("--tracemalloc", action="store_true")
    args = ap.parse_args(argv)
    try:
        result = measure(engine(args.engine), BY_NAME[args.case], args.max_repeats,
                         args.budget, args.tracemalloc)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        result = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
