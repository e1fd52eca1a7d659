"""Memory helpers for one benchmark process (the timing: benchmarks/timing.py)."""
from __future__ import annotations

import tracemalloc


def current_rss_mb() -> float:
    """Resident memory of this process now (Linux /proc), in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def traced_peak_mb(run_once) -> float:
    """Peak of the memory Python and numpy allocate during ``run_once()`` (MB)."""
    tracemalloc.start()
    try:
        run_once()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6
