"""One module per fitting engine the benchmark times in Python.

Each exposes ``NAME``, ``unavailable() -> str | None`` (why it cannot run at all),
``cannot(case, data) -> str | None`` (why it cannot fit this model),
``design(case, data)`` (build the model; None when ``SEPARATE_DESIGN`` is False)
and ``fit(case, data, built) -> FitOutcome``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

ENGINE_MODULES = {
    "mixeq": "benchmarks.engines.mixeq_engine",
    "mixedlm": "benchmarks.engines.mixedlm_engine",
    "statsmodels": "benchmarks.engines.statsmodels_engine",
}


@dataclass
class FitOutcome:
    objective: float
    converged: bool | None = None
    info: dict = field(default_factory=dict)


def engine(name: str):
    return importlib.import_module(ENGINE_MODULES[name])
