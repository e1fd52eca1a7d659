"""Run one benchmark process and read its peak memory from the kernel
(``wait4`` gives this child's own ``ru_maxrss``, so peaks of models do not mix)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class ChildResult:
    payload: dict
    peak_rss_mb: float | None
    wall_s: float


def _drain(stream, sink: list[str]) -> threading.Thread:
    thread = threading.Thread(target=lambda: sink.append(stream.read()), daemon=True)
    thread.start()
    return thread


def _wait(pid: int, start: float, timeout_s: float):
    """(exit status, rusage, timed_out) of child ``pid``, killing it after ``timeout_s``."""
    timed_out = False
    while True:
        done, status, rusage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, rusage, timed_out
        if not timed_out and time.perf_counter() - start > timeout_s:
            os.killpg(pid, signal.SIGKILL)
            timed_out = True
        time.sleep(0.02)


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "RAYON_NUM_THREADS")


def child_environment(threads: int | None) -> dict[str, str]:
    """This process's environment, with every engine's thread pools capped
    at ``threads`` when it is given (BLAS, OpenMP, Rust's rayon)."""
    env = dict(os.environ)
    if threads:
        env.update({name: str(threads) for name in THREAD_VARIABLES})
    return env


def run_child(cmd: list[str], cwd: str, timeout_s: float,
              threads: int | None = None) -> ChildResult:
    """Run ``cmd``; its last stdout line holding a JSON object is the result."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=child_environment(threads))
    out: list[str] = []
    err: list[str] = []
    readers = [_drain(proc.stdout, out), _drain(proc.stderr, err)]
    try:
        status, rusage, timed_out = _wait(proc.pid, start, timeout_s)
    except KeyboardInterrupt:  # the child runs in its own session: stop it too
        os.killpg(proc.pid, signal.SIGKILL)
        os.wait4(proc.pid, 0)
        raise
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    for reader in readers:
        reader.join(timeout=5)
    wall = time.perf_counter() - start
    payload = _payload("".join(out), "".join(err), proc.returncode, timed_out, timeout_s)
    return ChildResult(payload, rusage.ru_maxrss / 1024.0, wall)


def _payload(out: str, err: str, code: int, timed_out: bool, timeout_s: float) -> dict:
    if timed_out:
        return {"skipped": f"timed out after {timeout_s:.0f} s"}
    lines = [ln for ln in out.strip().splitlines() if ln.strip().startswith("{")]
    if lines:
        try:
            return json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    tail = " ".join(err.strip().splitlines()[-3:])
    return {"error": f"exit {code}: {tail[:300]}"}
