"""Timing and memory helpers for one benchmark process."""
from __future__ import annotations

import statistics
import time
import tracemalloc
from dataclasses import dataclass, field


def current_rss_mb() -> float:
    """Resident memory of this process now (Linux /proc), in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


@dataclass
class Timings:
    design: list[float] = field(default_factory=list)
    fit: list[float] = field(default_factory=list)

    @property
    def total(self) -> list[float]:
        return [d + f for d, f in zip(self.design, self.fit)]

    def medians(self, design_separate: bool) -> dict:
        return {
            "design_s": statistics.median(self.design) if design_separate else None,
            "fit_s": statistics.median(self.fit) if design_separate else None,
            "total_s": statistics.median(self.total),
            "min_total_s": min(self.total),
            "repeats": len(self.fit),
        }


def repeat_timed(run_once, max_repeats: int, budget_s: float) -> tuple[Timings, object]:
    """Call ``run_once() -> (design_s, fit_s, outcome)`` up to ``max_repeats``
    times, stopping once ``budget_s`` seconds have been spent (at least once)."""
    timings = Timings()
    start = time.perf_counter()
    outcome = None
    for _ in range(max_repeats):
        design_s, fit_s, outcome = run_once()
        timings.design.append(design_s)
        timings.fit.append(fit_s)
        if time.perf_counter() - start > budget_s:
            break
    return timings, outcome


def traced_peak_mb(run_once) -> float:
    """Peak of the memory Python and numpy allocate during ``run_once()`` (MB)."""
    tracemalloc.start()
    try:
        run_once()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6
