"""Inference for linear mixed models (issue 11): Satterthwaite and Kenward–Roger df,
F tests per term, confidence intervals (Wald, profile, bootstrap), simulation.

All access to the fitter's internals goes through ``access.py``.
"""
from mixeq.inference.anova3 import term_anova
from mixeq.inference.coeftable import coef_table

__all__ = ["coef_table", "term_anova"]
