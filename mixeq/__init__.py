"""mixeq: linear mixed models in every notation — lme4 formulas, multilevel
equations, composite and matrix forms — fitted by REML/ML like lme4."""
from __future__ import annotations

from mixeq.errors import (
    DataError,
    FitError,
    FormulaSyntaxError,
    GroupingFactorError,
    MixeqError,
    MixeqWarning,
    RenderError,
    UnknownColumnError,
)
from mixeq.model import Model
from mixeq.spec.parser import parse
from mixeq.spec.types import ModelSpec, RandomTerm

__version__ = "0.1.0"


def fit(formula, data, reml: bool = True, **options):
    """Fit a linear mixed model: ``mixeq.fit("y ~ x + (1 | g)", data=df)``."""
    return Model(formula, data).fit(reml=reml, **options)


def anova(*fits):
    """Likelihood-ratio tests between nested fits (REML fits are refitted by ML)."""
    from mixeq.fit import anova as _anova

    return _anova(*fits)


def equations(model, form: str = "multilevel", format: str = "latex", **options):
    """Write a model (formula, spec, Model or fit) in one notation and format."""
    from mixeq.equations import render

    return render(model, form=form, format=format, **options)


def read_equations(text: str, **options):
    """Read hand-written level-1/level-2 equations back (LaTeX or plain text)."""
    from mixeq.reader import read_equations as _read

    return _read(text, **options)


__all__ = [
    "DataError", "FitError", "FormulaSyntaxError", "GroupingFactorError",
    "MixeqError", "MixeqWarning", "Model", "ModelSpec", "RandomTerm",
    "RenderError", "UnknownColumnError", "anova", "equations", "fit", "parse",
    "read_equations",
]
