"""The three reports the issue names, written once per test session: seedlike
(one model), sleepstudy (two models compared) and Penicillin (crossed factors)."""
from __future__ import annotations

import warnings

import pytest

import mixeq
from conftest import load_dataset, load_reference  # noqa: F401

SLEEP = ["Reaction ~ Days + (Days | Subject)", "Reaction ~ Days + (Days || Subject)"]


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seed = mixeq.fit("y ~ x * m + (1 + x | school)", load_dataset("seedlike"))
        paths["seedlike"] = out / "seedlike.html"
        seed.report(paths["seedlike"])
        sleep = load_dataset("sleepstudy")
        fits = [mixeq.fit(f, sleep) for f in SLEEP]
        paths["sleepstudy"] = out / "sleepstudy.html"
        mixeq.report.report(*fits, path=paths["sleepstudy"])
        pen = mixeq.fit("diameter ~ 1 + (1 | plate) + (1 | sample)", load_dataset("Penicillin"))
        paths["penicillin"] = out / "penicillin.html"
        pen.report(paths["penicillin"])
    return paths
