"""The one timing routine of the benchmarks (benchmarks/timing.py) and the records built on
it: the LMM worker's times (benchmarks/worker.py) and the GLMM benchmark's rows
(benchmarks/glmm.py), mixeq's checked against lme4's deviance of cbpp."""
from __future__ import annotations

import json
import time

import pytest
from conftest import DATA

from benchmarks import glmm, lme4_runner, worker
from benchmarks.timing import Stopwatch, Timed, time_runs


def test_every_repeat_is_timed_and_the_last_value_kept():
    calls = []

    def run_once(watch):
        calls.append(1)
        time.sleep(0.002)
        return len(calls)

    timed = time_runs(run_once, 4, warm_up=True)
    assert len(calls) == 5 and timed.repeats == 4    # the warm-up is not a repeat
    assert timed.value == 5
    assert all(s >= 0.002 for s in timed.seconds)
    assert timed.best <= timed.median
    assert len(timed.cpu_seconds) == 4 and timed.cpu_median < timed.median  # sleeping is not CPU


def test_setup_before_restart_is_not_timed_and_laps_are_kept():
    def run_once(watch):
        time.sleep(0.05)                  # setup
        watch.restart()
        time.sleep(0.005)
        watch.lap("first")
        time.sleep(0.005)

    timed = time_runs(run_once, 3)
    assert all(0.01 <= s < 0.05 for s in timed.seconds), timed.seconds
    assert all(0.005 <= a < s for a, s in zip(timed.laps["first"], timed.seconds))
    assert all(0.005 <= r < 0.05 for r in timed.after_lap("first"))


def test_the_budget_stops_the_repeats_after_at_least_one():
    timed = time_runs(lambda watch: time.sleep(0.02), 1000, budget_s=0.05)
    assert 2 <= timed.repeats <= 5
    assert time_runs(lambda watch: time.sleep(0.02), 1000, budget_s=0.0).repeats == 1
    assert time_runs(lambda watch: None, 0).repeats == 1


def test_a_stopwatch_reads_wall_and_cpu_time():
    watch = Stopwatch()
    time.sleep(0.01)
    wall, cpu = watch.read()
    assert wall >= 0.01 and 0 <= cpu < wall


def test_the_lmm_record_splits_design_and_fit():
    timed = Timed(seconds=[3.0, 5.0, 4.0], cpu_seconds=[1.0, 1.0, 1.0],
                  laps={"design": [1.0, 2.0, 1.0]})
    assert worker.times_record(timed, True) == {
        "design_s": 1.0, "fit_s": 3.0, "total_s": 4.0, "min_total_s": 3.0, "repeats": 3}
    one_call = worker.times_record(timed, False)
    assert one_call["design_s"] is None and one_call["fit_s"] is None
    assert one_call["total_s"] == 4.0


def test_a_glmm_row_writes_what_the_engine_gives_and_always_the_deviance():
    assert glmm.Row(1.5).as_dict() == {"seconds": 1.5, "deviance": None}
    assert glmm.Row(1.5, deviance=2.0, note="vb").as_dict() == {
        "seconds": 1.5, "deviance": 2.0, "note": "vb"}


def test_an_engine_s_reason_and_failure_are_recorded_not_raised():
    def prepare(key):
        if key == "none":
            return "no such model here"
        if key == "fails":
            def run_once(watch):
                raise ValueError("singular")
            return run_once
        return lambda watch: 7.0

    out = glmm.time_engine(prepare, 2, ["none", "fails", "ok"],
                           lambda timed: glmm.Row(timed.median, deviance=timed.value))
    assert out["none"] == "no such model here"
    assert out["fails"] == "failed: ValueError: singular"
    assert set(out["ok"]) == {"seconds", "deviance"} and out["ok"]["deviance"] == 7.0


def test_mixeq_s_row_times_fit_and_standard_errors_with_the_fit_alone_beside():
    ref = json.loads((DATA / "reference_glmm" / "cbpp_binomial.json").read_text())
    row = glmm.time_mixeq(2, ["cbpp"])["cbpp"]
    assert list(row) == ["seconds", "cpu_seconds", "best_seconds", "fit_only_seconds",
                         "deviance", "evaluations"]
    assert row["best_seconds"] <= row["seconds"]
    assert 0 < row["fit_only_seconds"] <= row["seconds"]
    assert row["deviance"] == pytest.approx(-2 * ref["logLik"], rel=1e-8)
    assert row["evaluations"] > 0


def test_lme4_s_rows_pass_through_the_same_record(monkeypatch):
    monkeypatch.setattr(lme4_runner, "run_rscript", lambda *a: {
        "version": "1.1.31", "cbpp": {"seconds": 0.1, "deviance": 184.05},
        "verbagg": {"seconds": 2.0, "deviance": 8000.0}})
    assert glmm.time_lme4(1, ["cbpp"]) == {"version": "1.1.31",
                                           "cbpp": {"seconds": 0.1, "deviance": 184.05}}
    monkeypatch.setattr(lme4_runner, "run_rscript", lambda *a: "Rscript not on PATH")
    assert glmm.time_lme4(1, ["cbpp"]) == "Rscript not on PATH"


def test_without_rscript_the_reason_is_given(monkeypatch):
    monkeypatch.setattr(lme4_runner.shutil, "which", lambda name: None)
    assert lme4_runner.run_rscript("lme4_glmm_bench.R", "x") == "Rscript not on PATH"
