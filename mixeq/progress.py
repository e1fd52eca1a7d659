"""Progress of long fits on a terminal: the optimiser's evaluations and current
criterion, drawn by tqdm on standard error once a fit has run for a second.
Silent when standard error is not a terminal, under ``quiet()`` (the CLI's
``--quiet``) or with the environment variable ``MIXEQ_QUIET`` set."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

DELAY = 1.0  # seconds before a bar appears: short fits never show one
MININTERVAL = 0.1  # seconds between redraws
_QUIET = [False]


@contextmanager
def quiet(on: bool = True):
    """No progress bars inside the block (``with mixeq.progress.quiet(): fit(...)``)."""
    before = _QUIET[0]
    _QUIET[0] = bool(on)
    try:
        yield
    finally:
        _QUIET[0] = before


def enabled() -> bool:
    stream = sys.stderr
    return not (_QUIET[0] or os.environ.get("MIXEQ_QUIET")) and bool(
        getattr(stream, "isatty", None) and stream.isatty())


class OptimiserProgress:
    """Call with each criterion value (returns it); ``close()`` when the optimiser stops."""

    def __init__(self):
        from tqdm import tqdm

        self.bar = tqdm(desc="fitting", unit=" evaluations", delay=DELAY, leave=False,
                        mininterval=MININTERVAL,
                        file=sys.stderr, dynamic_ncols=True)
        self.best = float("inf")

    def __call__(self, value: float) -> float:
        self.best = min(self.best, value)
        self.bar.set_postfix_str(f"criterion {self.best:.8g}", refresh=False)
        self.bar.update(1)
        return value

    def close(self) -> None:
        self.bar.close()


def optimiser_progress() -> OptimiserProgress | None:
    """A progress bar for one optimisation, or None where progress is silent."""
    return OptimiserProgress() if enabled() else None
