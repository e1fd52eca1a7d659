"""Benchmarks of mixeq against lme4, mixedlm and statsmodels (see docs/benchmarks.md)."""
