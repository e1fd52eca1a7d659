"""The data-free model specification: what a formula says, nothing about data."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.spec.aliases import r_name


def quote_name(name: str) -> str:
    """A column name as a formula writes it: ``x``, ``class``, or ```my col```,
    ```if``` in backticks, as R does (:func:`mixeq.spec.aliases.r_name`)."""
    return r_name(name)


def _term_key(term: str) -> frozenset[str]:
    """Interaction terms compare as sets of factors: ``x:m`` equals ``m:x``."""
    return frozenset(part.strip() for part in term.split(":"))


class ByKey:
    """Equality, hash and text of a spec by its structure: ``key()`` (the same model
    written another way — ``x:m`` for ``m:x``, terms in another order — is equal) and
    ``canonical()``. The dataclasses below take ``eq=False`` so that these stand."""

    __slots__ = ()

    def key(self) -> tuple:
        raise NotImplementedError

    def canonical(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __str__(self) -> str:
        return self.canonical()


@dataclass(frozen=True, eq=False)
class RandomTerm(ByKey):
    """One random-effects term ``(expr | group)`` after expanding ``||`` and ``/``.

    ``intercept`` says whether the term has a random intercept; ``terms`` are the
    other terms of the left side in formulaic's canonical spelling (``x``,
    ``x:z``, ``I(x ** 2)``, a factor ``f``), in order; ``group`` is the tuple of
    factor names whose interaction defines the grouping (``("batch",)``, or
    ``("cask", "batch")`` for ``cask:batch``).
    """

    intercept: bool
    terms: tuple[str, ...]
    group: tuple[str, ...]

    @property
    def group_name(self) -> str:
        """lme4's name of the grouping factor: ``cask:batch``."""
        return ":".join(self.group)

    def lhs(self) -> str:
        """The left side of the bar in canonical form: ``1 + x`` or ``0 + x``."""
        parts = ["1" if self.intercept else "0", *self.terms]
        return " + ".join(parts)

    def canonical(self) -> str:
        return f"({self.lhs()} | {':'.join(quote_name(g) for g in self.group)})"

    def key(self) -> tuple:
        """Structural identity: intercept, set of terms, set of grouping factors."""
        return (
            self.intercept,
            frozenset(_term_key(t) for t in self.terms),
            frozenset(self.group),
        )


@dataclass(frozen=True, eq=False)
class ModelSpec(ByKey):
    """A parsed mixed-model formula, with no data attached.

    ``fixed`` holds the fixed-effect terms in formulaic's order (by degree, then
    as written) without the intercept, which ``intercept`` records.
    ``random`` holds the random-effects terms as written after expansion of
    ``||`` and ``/``. ``formula`` is the text the user typed (not part of
    equality). ``offsets`` are the expressions of ``offset(…)`` terms (added to
    the linear predictor with coefficient 1, never columns of X).
    """

    response: str
    intercept: bool
    fixed: tuple[str, ...]
    random: tuple[RandomTerm, ...]
    formula: str = field(default="", compare=False)
    offsets: tuple[str, ...] = ()

    def fixed_formula(self) -> str:
        """The fixed part as a formulaic right-hand side: ``1 + x + m + x:m``."""
        return " + ".join(["1" if self.intercept else "0", *self.fixed])

    def canonical(self) -> str:
        parts = [self.fixed_formula(), *(f"offset({o})" for o in self.offsets),
                 *(r.canonical() for r in self.random)]
        return f"{self.response} ~ " + " + ".join(parts)

    @property
    def group_names(self) -> tuple[str, ...]:
        """Distinct grouping factors in order of first appearance."""
        seen: dict[str, None] = {}
        for r in self.random:
            seen.setdefault(r.group_name, None)
        return tuple(seen)

    @property
    def is_mixed(self) -> bool:
        return bool(self.random)

    def key(self) -> tuple:
        return (
            self.response.strip(),
            self.intercept,
            frozenset(_term_key(t) for t in self.fixed),
            frozenset(r.key() for r in self.random),
            self.offsets,
        )
