"""Fitting linear mixed models by REML and ML (issue 4).

``fit_model(model, reml=True)`` minimises lme4's profiled criterion over θ with a
blocked (or, for small models, dense) Cholesky factor and nlopt's BOBYQA;
``anova(*fits)`` compares nested fits by likelihood-ratio tests.
"""
from mixeq.fitting.anova import anova
from mixeq.fitting.engine import fit_model
from mixeq.fitting.result import FitResult

__all__ = ["FitResult", "anova", "fit_model"]
