"""One model in every notation: multilevel (Raudenbush–Bryk), Gelman–Hill,
composite, matrix, stacked, per-observation and an explanation of Z, in LaTeX,
Unicode text or Markdown — and a SymPy proof that they are the same model.

``render(obj, form="multilevel", format="latex", **options)`` and ``verify(obj)``."""
from __future__ import annotations

from mixeq.equations.equation import FORMATS, Equation
from mixeq.equations.render import FORMS, render, symbolic_model


def verify(obj, **options):
    """Prove with SymPy that the forms of ``obj`` are the same model."""
    from mixeq.equations.proof import verify as _verify

    return _verify(obj, **options)


__all__ = ["Equation", "FORMATS", "FORMS", "render", "symbolic_model", "verify"]
