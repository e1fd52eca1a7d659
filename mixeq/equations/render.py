"""``render(obj, form, format, **options)``: the model in one notation."""
from __future__ import annotations

from mixeq.equations.equation import Equation
from mixeq.equations.formats import output_format
from mixeq.equations.forms.registry import FORMS, form as form_record
from mixeq.equations.options import make_options
from mixeq.equations.source import model_info
from mixeq.equations.symbolic import SymbolicModel

__all__ = ["FORMS", "render", "symbolic_model", "check_form", "build_document"]


def symbolic_model(obj, **options) -> SymbolicModel:
    opts = make_options(options)
    return SymbolicModel(model_info(obj, opts.levels, opts.family, opts.link), opts)


def check_form(form: str) -> str:
    """The form's name in the forms table (an alias resolved); unknown: RenderError."""
    return form_record(form).name


def build_document(sm: SymbolicModel, form: str):
    doc = form_record(form).build(sm)
    if sm.opts.use_estimates:
        from mixeq.equations.estimates import apply_estimates

        doc = apply_estimates(doc, sm)
    return doc


def render(obj, form: str = "multilevel", format: str = "latex", **options) -> Equation:
    """Write ``obj`` (formula, ModelSpec, Model or fit) as ``form`` in ``format``."""
    form = check_form(form)
    output_format(format)  # an unknown format fails before any work
    sm = symbolic_model(obj, **options)
    return Equation(build_document(sm, form), format, sm.opts)
