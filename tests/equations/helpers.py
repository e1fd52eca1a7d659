"""Shared by the equation tests: the reference models and a batched KaTeX check."""
from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from functools import lru_cache
from pathlib import Path

import pytest

import mixeq
from conftest import load_dataset

ROOT = Path(__file__).resolve().parents[2]
KATEX_SCRIPT = Path(__file__).with_name("katex_check.js")

# The models the issue names: id → (formula, data set)
MODELS = {
    "textbook": ("y ~ x * m + (1 + x | school)", "seedlike"),
    "sleepstudy_slope": ("Reaction ~ Days + (Days | Subject)", "sleepstudy"),
    "dyestuff": ("Yield ~ 1 + (1 | Batch)", "Dyestuff"),
    "sleepstudy_uncorrelated": ("Reaction ~ Days + (Days || Subject)", "sleepstudy"),
    "pastes_nested": ("strength ~ 1 + (1 | batch/cask)", "Pastes"),
    "penicillin_crossed": ("diameter ~ 1 + (1 | plate) + (1 | sample)", "Penicillin"),
    "cake_factor": ("angle ~ recipe * temperature + (1 | recipe:replicate)", "cake"),
}


@lru_cache(maxsize=None)
def model(model_id: str) -> mixeq.Model:
    formula, dataset = MODELS[model_id]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(formula, load_dataset(dataset))


def katex_available() -> bool:
    return shutil.which("node") is not None and (ROOT / "node_modules" / "katex").is_dir()


def katex_errors(expressions: list[str]) -> list:
    """Render every expression with KaTeX in one node process: None or the error."""
    if not katex_available():
        pytest.skip("KaTeX check needs node and node_modules/katex (run `npm ci`)")
    done = subprocess.run(["node", str(KATEX_SCRIPT)], input=json.dumps(expressions),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_katex_renders(named: dict[str, str]):
    names = list(named)
    errors = katex_errors([named[n] for n in names])
    bad = {n: e for n, e in zip(names, errors) if e}
    assert not bad, "KaTeX cannot render:\n" + "\n".join(f"{n}: {e}" for n, e in bad.items())
