"""The benchmark models: what to fit, on which data, and how the alternatives
that cannot read an lme4 formula express the same model."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StatsmodelsForm:
    """The model as statsmodels' MixedLM writes it: one grouping factor with
    ``re_formula`` and variance components nested in it. Crossed factors use a
    single all-ones group (``groups=None``)."""

    fixed: str
    groups: str | None
    re_formula: str
    vc: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    dataset: str
    formula: str
    reml: bool
    statsmodels: StatsmodelsForm | None
    reference: str | None = None  # tests/data/reference/<id>.json fitted by lme4
    small: bool = True  # many repeats; warm up on the case itself

    @property
    def objective_name(self) -> str:
        return "REML criterion" if self.reml else "deviance"


CASES = [
    Case("sleepstudy", "sleepstudy", "Reaction ~ Days + (Days | Subject)", True,
         StatsmodelsForm("Reaction ~ Days", "Subject", "~Days"), "sleepstudy_slope_reml"),
    Case("penicillin", "Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", True,
         StatsmodelsForm("diameter ~ 1", None, "0",
                         {"plate": "0 + C(plate)", "sample": "0 + C(sample)"}),
         "penicillin_crossed"),
    Case("pastes", "Pastes", "strength ~ 1 + (1 | batch/cask)", True,
         StatsmodelsForm("strength ~ 1", "batch", "1", {"cask": "0 + C(cask)"}),
         "pastes_nested"),
    Case("insteval", "InstEval", "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)", True,
         StatsmodelsForm("y ~ 1 + service", None, "0",
                         {"s": "0 + C(s)", "d": "0 + C(d)", "dept": "0 + C(dept)"}),
         "insteval_crossed", small=False),
    Case("synthetic_crossed", "synthetic_crossed", "y ~ x + (1 | a) + (1 | b)", True,
         StatsmodelsForm("y ~ x", None, "0", {"a": "0 + C(a)", "b": "0 + C(b)"}),
         small=False),
    Case("synthetic_slopes", "synthetic_slopes", "y ~ x + (1 + x | g)", True,
         StatsmodelsForm("y ~ x", "g", "~x"), small=False),
]

BY_NAME = {c.name: c for c in CASES}
