"""Pictures of a model and its fit, as matplotlib Figures (Agg, no pyplot state):
Z's and Λθ's non-zero patterns (lme4's ``image(getME(m, "Z"))``), a caterpillar
plot of the conditional modes (lme4's ``dotplot(ranef(m, condVar = TRUE))``),
residuals against fitted values and normal QQ plots.

``m.plot.z()``, ``m.plot.lambda_theta()``, ``fit.plot.caterpillar()``,
``fit.plot.residuals()``, ``fit.plot.qq()``; ``to_svg(fig)`` for inline SVG."""
from __future__ import annotations

from mixeq.plot.accessor import FitPlots, ModelPlots
from mixeq.plot.caterpillar import caterpillar
from mixeq.plot.diagnostics import qq, residuals
from mixeq.plot.figure import to_svg
from mixeq.plot.sparsity import lambda_theta, z_pattern

__all__ = ["FitPlots", "ModelPlots", "caterpillar", "lambda_theta", "qq", "residuals",
           "to_svg", "z_pattern"]
