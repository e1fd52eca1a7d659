"""Where a variable first stands as a whole operand of a formula (R's terms() order of an
interaction's variables, parser._first_appearance), found by scanning occurrences: the same
answer as the operand pattern it replaces (written out here as the specification) on fixed
and drawn formulas, and linear in the formula's length."""
from __future__ import annotations

import random
import re

import pytest

from mixeq.spec.parser import _first_appearance


def operand_pattern(name: str, source: str) -> int:
    """The specification: an operator, an opening bracket that is not a call's, or the start
    before the name (white space aside); an operator, ')' or the end after it."""
    found = re.search(rf"(?:^|[~+:*/|-]|(?<![\w.])\()\s*{re.escape(name)}\s*(?=$|[+:*/|)^-])",
                      source)
    return found.end() - len(name) if found else len(source)


@pytest.mark.parametrize("name,source,where", [
    ("a", "y ~ sqrt(a) + b:a", 16),      # inside sqrt() is not the variable a
    ("a", "y ~ (a | g)", 6),             # a bracket that is no call's (+ the space after)
    ("a", "y ~ f(a) + b", 12),           # only inside a call: not found
    ("x", "y ~ x.1 + x", 10),            # x.1 is another name
    ("x", "y ~ log(x)+ x\n", 13),
    ("b", "y ~ a:b  + c", 8),            # (its position plus the white space after it)
    ("é", "y ~ ké + (é)", 10),
    ("a", "y ~ _a + .a + a^2", 14),
])
def test_fixed_cases(name, source, where):
    assert _first_appearance(name, source) == where == operand_pattern(name, source)


def test_drawn_formulas_agree_with_the_operand_pattern():
    rng = random.Random(20261202)
    pieces = ["a", "b", "x", "(", ")", "+", ":", "*", "/", "|", "-", "~", " ", "sqrt(", ".",
              "_", "^", "\n", "1", "\t"]
    for _ in range(3000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 16)))
        for name in ("a", "x", "a:b", "sqrt(a)"):
            assert _first_appearance(name, source) == operand_pattern(name, source), (name, source)


def test_a_long_sum_of_interactions_finds_each_variable_where_it_first_stands():
    names = [f"wave_{k:04d}_score" for k in range(400)]
    source = "y ~ " + " + ".join(f"{a}:{b}" for a, b in zip(names, names[1:])) + " + (1 | g)"
    where = [_first_appearance(n, source) for n in names]
    assert where == [operand_pattern(n, source) for n in names]
    assert where == sorted(where) and where[0] == source.index(names[0])
    assert _first_appearance("wave_0000", source) == len(source)   # a prefix is no operand
