"""``render(obj, form, format, **options)``: the model in one notation."""
from __future__ import annotations

import importlib

from mixeq.equations.equation import FORMATS, Equation
from mixeq.equations.options import make_options
from mixeq.equations.source import model_info
from mixeq.equations.symbolic import SymbolicModel
from mixeq.errors import RenderError

FORMS = ("multilevel", "gelman-hill", "composite", "matrix", "stacked", "observation",
         "explain")
_MODULES = {"multilevel": "multilevel", "gelman-hill": "gelman_hill",
            "composite": "composite", "matrix": "matrix", "stacked": "stacked",
            "observation": "observation", "explain": "explain"}
_ALIASES = {"gelman_hill": "gelman-hill", "gh": "gelman-hill", "equatiomatic": "gelman-hill",
            "rb": "multilevel", "mixed": "composite", "single": "composite"}


def symbolic_model(obj, **options) -> SymbolicModel:
    _refuse_glmm(obj)
    opts = make_options(options)
    return SymbolicModel(model_info(obj, opts.levels), opts)


def _refuse_glmm(obj) -> None:
    """GLMM notations (logit(p_ij) = …, no ε) are not written yet: writing a binomial or
    Poisson model as a Gaussian one would be wrong, so say so instead."""
    model = obj if hasattr(obj, "is_glmm") else getattr(obj, "model", None)
    if getattr(model, "is_glmm", False):
        raise RenderError(
            f"equations of a generalized mixed model ({model.family}) are not written yet: "
            "mixeq writes linear mixed models only; the fit itself (summary, estimates) works")


def check_form(form: str) -> str:
    form = _ALIASES.get(form, form)
    if form not in FORMS:
        raise RenderError(f"unknown form {form!r}; choose one of {', '.join(FORMS)}")
    return form


def build_document(sm: SymbolicModel, form: str):
    module = importlib.import_module(f"mixeq.equations.forms.{_MODULES[check_form(form)]}")
    doc = module.build(sm)
    if sm.opts.use_estimates:
        from mixeq.equations.estimates import apply_estimates

        doc = apply_estimates(doc, sm)
    return doc


def render(obj, form: str = "multilevel", format: str = "latex", **options) -> Equation:
    """Write ``obj`` (formula, ModelSpec, Model or fit) as ``form`` in ``format``."""
    form = check_form(form)
    if format not in FORMATS:
        raise RenderError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    sm = symbolic_model(obj, **options)
    return Equation(build_document(sm, form), format, sm.opts)
