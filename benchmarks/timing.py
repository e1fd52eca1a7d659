"""The one timing routine every benchmark uses (LMMs in benchmarks/worker.py, GLMMs in
benchmarks/glmm.py, inference and parse/read times), so that what "median of the
repeats" means — the clock, the warm-up, the time budget, the laps — is defined once.

A run is a function ``run_once(watch)`` of a :class:`Stopwatch`: it may mark laps
(``watch.lap("design")``: the wall time from the run's start to here) and may call
``watch.restart()`` after setup that is not to be timed (a fresh fit before its
profile intervals). Its wall time (``time.perf_counter``) and CPU time
(``time.process_time``) are read when it returns; its value is kept.
"""
from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field


class Stopwatch:
    """The clocks of one timed run."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.restart()

    def restart(self) -> None:
        """Start the clocks again: what ran before is setup, not timed (laps are cleared)."""
        self.laps.clear()
        self._cpu0 = time.process_time()      # read first, so the wall clock leaves it out
        self._wall0 = time.perf_counter()

    def lap(self, name: str) -> None:
        """Record the wall time from the start to now under ``name``."""
        self.laps[name] = time.perf_counter() - self._wall0

    def read(self) -> tuple[float, float]:
        """(wall seconds, CPU seconds) since the start."""
        wall = time.perf_counter() - self._wall0
        return wall, time.process_time() - self._cpu0


@dataclass
class Timed:
    """The times of every run (in order), their laps, and the last run's value."""

    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    laps: dict[str, list[float]] = field(default_factory=dict)
    value: object = None

    @property
    def repeats(self) -> int:
        return len(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)

    def lap_median(self, name: str) -> float:
        return statistics.median(self.laps[name])

    def after_lap(self, name: str) -> list[float]:
        """Each run's time from lap ``name`` to its end (the fit after the design)."""
        return [total - lap for total, lap in zip(self.seconds, self.laps[name])]


def time_runs(run_once, repeats: int, *, budget_s: float = math.inf,
              warm_up: bool = False) -> Timed:
    """Call ``run_once(watch)`` ``repeats`` times (at least once), stopping early once
    ``budget_s`` seconds have passed since the first timed run began. With
    ``warm_up``, one untimed call first pays for imports and caches."""
    if warm_up:
        run_once(Stopwatch())
    timed = Timed()
    start = time.perf_counter()
    for _ in range(max(1, repeats)):
        watch = Stopwatch()
        timed.value = run_once(watch)
        wall, cpu = watch.read()
        timed.seconds.append(wall)
        timed.cpu_seconds.append(cpu)
        for name, at in watch.laps.items():
            timed.laps.setdefault(name, []).append(at)
        if time.perf_counter() - start > budget_s:
            break
    return timed
