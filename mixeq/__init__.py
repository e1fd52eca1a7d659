"""mixeq: linear mixed models in every notation — lme4 formulas, multilevel
equations, composite and matrix forms — fitted by REML/ML like lme4."""
from __future__ import annotations

from mixeq.errors import (
    DataError,
    FitError,
    FormulaSyntaxError,
    GroupingFactorError,
    InferenceError,
    MixeqError,
    MixeqWarning,
    RenderError,
    UnknownColumnError,
)
from mixeq.fitting.family import Binomial, Family, Gaussian, Poisson
from mixeq.model import Model
from mixeq.spec.parser import parse
from mixeq.spec.types import ModelSpec, RandomTerm

__version__ = "0.1.0"


def fit(formula, data, reml: bool | None = None, family=None, weights=None, offset=None,
        link: str | None = None, transforms=None, **options):
    """Fit a mixed model: ``mixeq.fit("y ~ x + (1 | g)", data=df)`` (lmer), or a GLMM
    with ``family="binomial"`` / ``"poisson"`` / ``mixeq.Binomial(link="probit")`` (glmer);
    ``weights``, ``offset``: a column name or one value per row (functions of your own
    in the formula: ``transforms={"logit": f}``)."""
    return Model(formula, data, transforms=transforms, family=family, weights=weights,
                 offset=offset, link=link).fit(reml=reml, **options)


def anova(*fits, type=None, ddf: str = "satterthwaite"):
    """Two or more fits: likelihood-ratio tests (REML fits are refitted by ML).
    One fit (or ``type=3``/``type=1``): F tests per fixed-effect term as lmerTest's
    ``anova(m, type, ddf)`` with Satterthwaite or Kenward–Roger denominator df (a GLMM:
    Wald chi-square tests per term, as car's ``Anova``)."""
    if type is not None or len(fits) == 1:
        if len(fits) != 1:
            raise FitError(f"F tests per term take one fit, got {len(fits)}; "
                           "call mixeq.anova(fit, type=3) for each, or drop type= to compare fits")
        from mixeq.inference import term_anova

        return term_anova(fits[0], type=3 if type is None else type, ddf=ddf)
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


_SUBPACKAGES = ("datasets", "design", "equations", "fitting", "plot", "progress", "reader", "report",
                "spec")


def __getattr__(name):
    """``mixeq.equations``, ``mixeq.fitting`` … import on first use (SymPy and nlopt
    load only when needed)."""
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"mixeq.{name}")
    raise AttributeError(f"module 'mixeq' has no attribute {name!r}")


__all__ = [
    "Binomial", "Family", "Gaussian", "Poisson",
    "DataError", "FitError", "FormulaSyntaxError", "GroupingFactorError", "InferenceError",
    "MixeqError", "MixeqWarning", "Model", "ModelSpec", "RandomTerm",
    "RenderError", "UnknownColumnError", "anova", "fit", "parse",
    "read_equations", "render", "verify",
]
