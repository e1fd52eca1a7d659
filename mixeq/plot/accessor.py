"""``m.plot`` and ``fit.plot``: the pictures of a model and of its fit."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelPlots:
    """``m.plot.z()``: Z's non-zeros; ``m.plot.lambda_theta()``: Λθ's pattern."""

    model: object

    def z(self, **kw):
        from mixeq.plot.sparsity import z_pattern

        return z_pattern(self.model, **kw)

    def lambda_theta(self, **kw):
        from mixeq.plot.sparsity import lambda_theta

        return lambda_theta(self.model, None, **kw)


@dataclass(frozen=True)
class FitPlots:
    """``fit.plot.caterpillar()``, ``.residuals()``, ``.qq()``, ``.z()``, ``.lambda_theta()``
    (Λ at the estimated θ)."""

    fit: object

    def z(self, **kw):
        return ModelPlots(self.fit.model).z(**kw)

    def lambda_theta(self, **kw):
        from mixeq.plot.sparsity import lambda_theta

        return lambda_theta(self.fit.model, self.fit.theta, **kw)

    def caterpillar(self, group: str | None = None, **kw):
        from mixeq.plot.caterpillar import caterpillar

        return caterpillar(self.fit, group, **kw)

    def residuals(self, **kw):
        from mixeq.plot.diagnostics import residuals

        return residuals(self.fit, **kw)

    def qq(self, **kw):
        from mixeq.plot.diagnostics import qq

        return qq(self.fit, **kw)
