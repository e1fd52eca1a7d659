"""BLAS threads during a fit.

OpenBLAS spins its threads. On this 2-core machine, busy with other work, two
threads were several times slower than one for the dense blocks of the crossed
models (one ``dpotrf`` of InstEval's block: 21–37 ms on one thread, 39 ms to
1.6 s on two; the crossed 50,000-row fit: 0.4 s on one, 2–7 s on two), and even
probing two threads now and then cost more than it could save. So the fit runs
BLAS on one thread unless told otherwise (``fit(blas_threads=None)`` on an idle
machine lets OpenBLAS use every core).
"""
from __future__ import annotations

import contextlib

_CONTROLLER = None


def controller():
    """threadpoolctl's controller (made after scipy.linalg is loaded, to see its BLAS)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # fits are right without it, only slower on a busy machine
            return None
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


def limit(threads: int | None):
    """A context capping BLAS at ``threads`` (``None``: leave the pools alone)."""
    ctl = controller() if threads is not None else None
    if ctl is None:
        return contextlib.nullcontext()
    return BlasLimit([lib for lib in ctl.lib_controllers if lib.user_api == "blas"], int(threads))


class BlasLimit:
    """threadpoolctl's ``limit(limits=n, user_api="blas")`` for the BLAS libraries found
    once: each set to n threads inside, its own count restored after (threadpoolctl's
    limiter inspects every library again on each use: ~20 µs per fit)."""

    def __init__(self, libs: list, threads: int):
        self.libs, self.threads, self.saved = libs, threads, []

    def __enter__(self):
        self.saved = [lib.get_num_threads() for lib in self.libs]
        for lib, old in zip(self.libs, self.saved):
            if old != self.threads:
                lib.set_num_threads(self.threads)
        return self

    def __exit__(self, *exc) -> None:
        for lib, old in zip(self.libs, self.saved):
            if old != self.threads and old is not None:
                lib.set_num_threads(old)
