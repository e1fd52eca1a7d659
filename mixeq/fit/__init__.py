"""Fitting linear mixed models by REML and ML (issue 4).

``fit_model(model, reml=True)`` minimises lme4's profiled criterion over θ with a
blocked (or, for small models, dense) Cholesky factor and nlopt's BOBYQA;
``anova(*fits)`` compares nested fits by likelihood-ratio tests.

This package shares its name with the function ``mixeq.fit(formula, data)``;
importing it replaces that attribute of ``mixeq`` with this module, so the module
is made callable with the same signature and ``mixeq.fit(...)`` works either way.
"""
import sys
import types

from mixeq.fit.anova import anova
from mixeq.fit.engine import fit_model
from mixeq.fit.result import FitResult

__all__ = ["FitResult", "anova", "fit_model"]


class _CallableModule(types.ModuleType):
    def __call__(self, formula, data, reml: bool = True, **options):
        """``mixeq.fit("y ~ x + (1 | g)", data=df, reml=True)``."""
        from mixeq.model import Model

        return Model(formula, data).fit(reml=reml, **options)


sys.modules[__name__].__class__ = _CallableModule
