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
    from mixeq.fitting import anova as _anova

    return _anova(*fits)


def render(model, form: str = "multilevel", format: str = "latex", **options):
    """Write a model (formula, spec, Model or fit) in one notation and format:
    ``mixeq.render("y ~ x * m + (1 + x | school)", form="composite", format="text")``."""
    from mixeq.equations import render as _render

    return _render(model, form=form, format=format, **options)


def verify(model, **options):
    """Check with SymPy that every notation of a model is the same model."""
    from mixeq.equations import verify as _verify

    return _verify(model, **options)


def read_equations(text: str, **options):
    """Read hand-written level-1/level-2 equations back (LaTeX or plain text)."""
    from mixeq.reader import read_equations as _read

    return _read(text, **options)


_SUBPACKAGES = ("datasets", "design", "equations", "fitting", "reader", "spec")


def __getattr__(name):
    """``mixeq.equations``, ``mixeq.fitting`` … import on first use (SymPy and nlopt
    load only when needed)."""
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"mixeq.{name}")
    raise AttributeError(f"module 'mixeq' has no attribute {name!r}")


__all__ = [
    "DataError", "FitError", "FormulaSyntaxError", "GroupingFactorError",
    "MixeqError", "MixeqWarning", "Model", "ModelSpec", "RandomTerm",
    "RenderError", "UnknownColumnError", "anova", "fit", "parse",
    "read_equations", "render", "verify",
]
