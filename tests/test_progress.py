"""Progress of a fit: a bar with evaluations and criterion on a terminal, nothing
when standard error is not a terminal or under quiet()."""
from __future__ import annotations

import io
import warnings

import mixeq
import mixeq.progress as progress
from conftest import load_dataset


class Terminal(io.StringIO):
    def isatty(self):
        return True


def _fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.fit("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"))


def test_bar_on_a_terminal(monkeypatch):
    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "MININTERVAL", 0.0)
    monkeypatch.delenv("MIXEQ_QUIET", raising=False)
    fit = _fit()
    out = term.getvalue()
    assert "fitting: 1 evaluations" in out  # counted from the first
    assert "criterion 1743.628" in out  # lme4's REML criterion at its optimum: 1743.628
    assert fit.objective < 1743.6283


def test_silent_when_not_a_terminal_or_quiet(monkeypatch):
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    _fit()
    assert plain.getvalue() == ""
    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    with progress.quiet():
        _fit()
    assert term.getvalue() == ""
    monkeypatch.setenv("MIXEQ_QUIET", "1")
    _fit()
    assert term.getvalue() == ""
