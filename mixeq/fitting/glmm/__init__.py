"""Generalized linear mixed models as lme4's glmer: the predictor (predictor.py),
the response (response.py), PIRLS with the Laplace and adaptive Gauss–Hermite
deviances (pirls.py), the two-stage fit (fit.py) and its result (result.py)."""
from mixeq.fitting.glmm.fit import fit_glmm

__all__ = ["fit_glmm"]
