"""The model the equations describe, before it becomes a ModelSpec: fixed
effects, random effects and predictors, each with where it was written."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.reader.parsed import Equation
from mixeq.reader.symbols import SymInfo


@dataclass
class Predictor:
    """A variable: ``level`` 1 (varies within clusters) or the index letters
    of the clusters it is constant within (``("j",)``)."""

    name: str
    order: int
    level1: bool
    letters: tuple[str, ...] = ()
    line: int | None = None  # where it is first written
    equation: str = ""


@dataclass
class FixedEffect:
    term: tuple[tuple[str, int], ...]  # ((name, power), …); () is the intercept
    coefficient: SymInfo | None
    equation: Equation
    remarked: bool = False  # written with a predictor already remarked on


@dataclass
class RandomEffect:
    term: tuple[tuple[str, int], ...]
    group: tuple[str, ...]  # index letters, inner first: ("j",), ("j", "k")
    symbol: SymInfo
    equation: Equation
    keys: set = field(default_factory=set)


@dataclass
class Owner:
    """The coefficient whose equation is being read: its corrected numbers and
    the index letters of the clusters it varies over."""

    numbers: tuple[str, ...]
    letters: tuple[str, ...]
    equation: Equation


@dataclass
class Structure:
    response: str = ""
    observation: str | None = None
    clusters: list[str] = field(default_factory=list)
    fixed: list[FixedEffect] = field(default_factory=list)
    random: list[RandomEffect] = field(default_factory=list)
    predictors: dict[str, Predictor] = field(default_factory=dict)
    residual: SymInfo | None = None
    also_written: list[Equation] = field(default_factory=list)  # e.g. the composite equation
    offsets: list[str] = field(default_factory=list)  # log(t_ij) with coefficient 1
