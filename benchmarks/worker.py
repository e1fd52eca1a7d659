"""Time one engine on one benchmark model, in its own process so that memory
peaks do not mix. Prints one JSON object on its last line of output.

    python -m benchmarks.worker --case sleepstudy --engine mixeq --max-repeats 200 --budget 5
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import traceback

from benchmarks import data as bench_data
from benchmarks.cases import BY_NAME
from benchmarks.engines import engine
from benchmarks.measure import current_rss_mb, traced_peak_mb
from benchmarks.timing import Timed, time_runs


def package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def one_run(eng, case, frame, watch=None):
    """Build and fit once; the ``design`` lap marks the end of the build."""
    built = eng.design(case, frame)
    if watch is not None:
        watch.lap("design")
    return eng.fit(case, frame, built)


def times_record(timed: Timed, design_separate: bool) -> dict:
    """The record's times: medians of the design, the fit after it and their total
    (design and fit None when the engine builds and fits in one call), the fastest total."""
    return {
        "design_s": timed.lap_median("design") if design_separate else None,
        "fit_s": statistics.median(timed.after_lap("design")) if design_separate else None,
        "total_s": timed.median,
        "min_total_s": timed.best,
        "repeats": timed.repeats,
    }


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
    timed = time_runs(lambda watch: one_run(eng, case, frame, watch), max_repeats,
                      budget_s=budget)
    outcome = timed.value
    result = times_record(timed, eng.SEPARATE_DESIGN)
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
