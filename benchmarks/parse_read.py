"""Parse and read times of large inputs (issue 8, "no hang"): formulas and equation
documents of about 10 KB and 100 KB.

    python benchmarks/parse_read.py [--repeats 5] [--json out.json]

For each input shape: the size, the median time of ``mixeq.parse`` (formulas) or
``mixeq.read_equations`` (equations, with the composite and matrix forms rendered),
and the ratio of the 100 KB time to the 10 KB time (10 means linear in the length).
Not a test: figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import mixeq  # noqa: E402
from benchmarks.timing import time_runs  # noqa: E402


def _fill(make, size: int) -> str:
    """The input of the shape ``make(n)`` whose length first reaches ``size``."""
    n = 1
    while len(make(n)) < size:
        n = max(n + 1, int(n * size / max(len(make(n)), 1)))
    return make(n)


# Formulas stay within mixeq's limits (100,000 characters, 2,000 terms): long column
# names, as survey data have, make 100 KB of formula out of at most 2,000 terms.
_LONG = "wave_{:04d}_score_on_the_reading_comprehension_test_items"
FORMULAS = {
    "sum of columns": lambda n: "y ~ " + " + ".join(
        _LONG.format(k) for k in range(n)) + " + (1 | g)",
    "sum of transforms": lambda n: "y ~ " + " + ".join(
        f"log({_LONG.format(k)[:44]} + 1e-3)" for k in range(n)) + " + (1 | g)",
    "interactions": lambda n: "y ~ " + " + ".join(
        f"{_LONG.format(k)[:28]}:{_LONG.format(k + 1)[:22]}" for k in range(n)) + " + (1 | g)",
    "random terms": lambda n: "y ~ x + " + " + ".join(
        f"(1 + x | {_LONG.format(k)[:40]})" for k in range(n)),
}
EQUATIONS = {
    "level-1 sum, level-2 equations": lambda n: (
        r"y_{ij} = \beta_{0j} + " + " + ".join(rf"\beta_{{{k}j}} x{k}_{{ij}}" for k in range(1, n))
        + r" + e_{ij}" "\n" r"\beta_{0j} = \gamma_{00} + u_{0j}" "\n"
        + "\n".join(rf"\beta_{{{k}j}} = \gamma_{{{k}0}}" for k in range(1, n))),
    "many level-2 equations": lambda n: (
        r"y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + e_{ij}" "\n"
        + "\n".join(rf"\beta_{{{k}j}} = \gamma_{{{k}0}} + u_{{{k}j}}" for k in range(n))),
    r"nested \sim N(": lambda n: r"y_i \sim " + "N(" * n + "0, 1" + ")" * n,
}


def _parse(text) -> str:
    try:
        mixeq.parse(text)
        return "parsed"
    except mixeq.MixeqError:  # beyond a limit: the time of the refusal
        return "refused"


def _read(text) -> str:
    return "read" if mixeq.read_equations(text).spec is not None else "diagnosed"


def run(repeats: int) -> list[dict]:
    mixeq.read_equations(EQUATIONS["many level-2 equations"](3))  # imports not timed
    _parse(FORMULAS["sum of transforms"](3))
    rows = []
    for kind, table, call in (("formula", FORMULAS, _parse),
                              ("equations", EQUATIONS, _read)):
        for shape, make in table.items():
            row = {"kind": kind, "shape": shape}
            for label, size in (("10KB", 9_900), ("100KB", 99_000)):
                text = _fill(make, size)
                row[f"bytes_{label}"] = len(text.encode())
                row[f"seconds_{label}"] = time_runs(lambda watch: call(text), repeats).median
                row[f"outcome_{label}"] = call(text)
            row["ratio"] = row["seconds_100KB"] / row["seconds_10KB"]
            rows.append(row)
            print(f"{kind:9s} {shape:32s} {row['bytes_10KB']:>7,} B {row['seconds_10KB']:7.3f} s   "
                  f"{row['bytes_100KB']:>8,} B {row['seconds_100KB']:7.3f} s   "
                  f"ratio {row['ratio']:5.1f}  ({row['outcome_10KB']}, {row['outcome_100KB']})",
                  flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    rows = run(args.repeats)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
