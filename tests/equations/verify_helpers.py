"""What the verify() tests of R-coded columns share (test_verify_contrasts.py,
test_verify_logical.py): the checks' names, a model built quietly, and a planted
break that renames or relabels every symbol of one base."""
from __future__ import annotations

import dataclasses
import warnings

import mixeq
from design.r_names import sleep_names
from mixeq.equations.tree import Sym

X_CHECK = "columns of X rebuilt from the equations' symbols"
Z_CHECK = "columns of Z rebuilt from the equations' symbols"


def quiet_model(formula: str) -> mixeq.Model:
    """The model on the R-names sleepstudy data; R's coding may drop aliased columns
    (a rank-deficiency warning, as lme4's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(formula, sleep_names())


def relabel(base: str, new_base: str | None = None, label=None):
    """Every symbol of ``base`` renamed, or given another level (``label``)."""
    def fn(n):
        if isinstance(n, Sym) and n.base == base:
            return dataclasses.replace(n, base=new_base or base,
                                       label=n.label if label is None else label(n.label))
        return n
    return fn
