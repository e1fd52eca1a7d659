"""One model in every notation: multilevel (Raudenbush–Bryk), Gelman–Hill,
composite, matrix, stacked, per-observation and an explanation of Z, in LaTeX,
Unicode text or Markdown — and a SymPy proof that they are the same model.

``render(obj, form="multilevel", format="latex", **options)`` and ``verify(obj)``.
The package itself is callable, so that ``mixeq.equations(model, form, format)``
keeps working once this subpackage is imported (which rebinds the name
``mixeq.equations`` from the top-level function to this module).
"""
from __future__ import annotations

import sys
import types

from mixeq.equations.equation import FORMATS, Equation
from mixeq.equations.render import FORMS, render, symbolic_model


def verify(obj, **options):
    """Prove with SymPy that the forms of ``obj`` are the same model."""
    from mixeq.equations.proof import verify as _verify

    return _verify(obj, **options)


class _CallablePackage(types.ModuleType):
    def __call__(self, obj, form: str = "multilevel", format: str = "latex", **options):
        """``mixeq.equations(obj, form, format)``: the same as :func:`render`."""
        return render(obj, form=form, format=format, **options)


sys.modules[__name__].__class__ = _CallablePackage

__all__ = ["Equation", "FORMATS", "FORMS", "render", "symbolic_model", "verify"]
