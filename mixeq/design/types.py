"""Plain data structures for a model's matrices (what lme4's mkReTrms returns)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from mixeq.spec.aliases import Aliases
import pandas as pd
import scipy.sparse as sp

from mixeq.spec.types import RandomTerm


@dataclass
class ReTerm:
    """One random-effects term: its grouping factor and its per-row term matrix.

    ``codes[i]`` is the level (0 … nlevels-1) of observation ``i``; ``levels`` are
    the level labels in lme4's order; ``matrix`` (n × k) is the model matrix of the
    term's left side, with ``columns`` its lme4 column names (``(Intercept)``,
    ``Days``). Its Z block is the Khatri–Rao product of the indicator matrix of
    ``codes`` and ``matrix``: columns level-major (level 1's k columns first).
    """

    spec: RandomTerm
    group: str
    codes: np.ndarray
    levels: list[str]
    columns: list[str]
    matrix: np.ndarray
    model_spec: object = None  # formulaic ModelSpec of the left side, to rebuild it on new data

    @property
    def nlevels(self) -> int:
        return len(self.levels)

    @property
    def ncols(self) -> int:
        return self.matrix.shape[1]

    @property
    def q(self) -> int:
        """Number of columns of this term's block of Z (levels × term columns)."""
        return self.nlevels * self.ncols

    @property
    def ntheta(self) -> int:
        """Parameters of the relative covariance factor (lower triangle)."""
        k = self.ncols
        return k * (k + 1) // 2

    def theta_names(self) -> list[str]:
        """lme4's names: ``Subject.(Intercept)``, ``Subject.Days.(Intercept)``, ``Subject.Days``."""
        names = []
        for j in range(self.ncols):
            for i in range(j, self.ncols):
                if i == j:
                    names.append(f"{self.group}.{self.columns[i]}")
                else:
                    names.append(f"{self.group}.{self.columns[i]}.{self.columns[j]}")
        return names

    def Z(self) -> sp.csc_matrix:
        """This term's block of Z, sparse, explicit zeros removed (as lme4 stores it)."""
        n, k = self.matrix.shape
        rows = np.repeat(np.arange(n), k)
        cols = (self.codes[:, None] * k + np.arange(k)[None, :]).ravel()
        block = sp.csc_matrix(
            (self.matrix.ravel(), (rows, cols)), shape=(n, self.q)
        )
        block.eliminate_zeros()
        return block

    def z_columns(self) -> list[tuple[str, str, str]]:
        """(group, level, term column) for each column of this term's Z block."""
        return [(self.group, lev, col) for lev in self.levels for col in self.columns]


@dataclass
class PredictorLevel:
    """Where a predictor varies: ``level`` 1 varies within clusters; 2, 3 … are
    constant within ``group`` (the highest such grouping factor)."""

    name: str
    level: int
    group: str | None
    constant_within: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"level": self.level, "group": self.group,
                "constant_within": list(self.constant_within)}

    def __str__(self) -> str:
        return "level 1" if self.group is None else f"level {self.level} ({self.group})"


@dataclass
class GroupingFactor:
    """A grouping factor's levels, codes and place in the hierarchy.

    ``level`` is 2 for the finest grouping factors and one more for each factor
    nested inside it; ``nested_in`` names the grouping factors whose every level
    contains whole levels of this one.
    """

    name: str
    codes: np.ndarray
    levels: list[str]
    level: int = 2
    nested_in: tuple[str, ...] = ()

    @property
    def nlevels(self) -> int:
        return len(self.levels)


@dataclass
class Design:
    """Everything lme4's ``lFormula`` builds: response, X, random-effects terms.

    ``terms`` are ordered as lme4 orders them (decreasing number of levels, ties
    in formula order); ``Z`` stacks their blocks horizontally in that order.
    ``predictors`` are the columns the fixed and random parts use (not the
    response); their ``levels`` are found when first asked for (the equations and
    reports need them, a fit does not).
    """

    y: pd.Series
    X: pd.DataFrame
    terms: list[ReTerm]
    groups: dict[str, GroupingFactor]
    predictors: list[str]
    data: pd.DataFrame
    dropped_rows: int = 0
    dropped_index: list = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    x_model_spec: object = None  # formulaic ModelSpec of the fixed part, to rebuild X on new data
    offset: np.ndarray | None = None  # sum of the offset(…) terms per row, or None
    context: dict = field(default_factory=dict)  # the functions terms are evaluated with
    trials: np.ndarray | None = None  # binomial: trials per row (cbind's s + f), else None
    aliases: Aliases = field(default_factory=Aliases)  # columns formulaic sees under aliases

    @cached_property
    def levels(self) -> dict[str, PredictorLevel]:
        """Each predictor's level: the grouping factors it is constant within."""
        from mixeq.design.levels import predictor_levels

        return predictor_levels(self.predictors, self.data, self.groups)

    @property
    def Z(self) -> sp.csc_matrix:
        n = len(self.y)
        if not self.terms:
            return sp.csc_matrix((n, 0))
        return sp.hstack([t.Z() for t in self.terms], format="csc")

    @property
    def Z_columns(self) -> list[tuple[str, str, str]]:
        return [c for t in self.terms for c in t.z_columns()]
