"""The composite equation and the matrix form of the model read, through the
equations renderers (``mixeq.equations.render``)."""
from __future__ import annotations

from mixeq.errors import MixeqError
from mixeq.reader.assemble import offset_expression
from mixeq.spec.types import ModelSpec


def renderer_levels(levels: dict[str, dict], spec: ModelSpec | None = None) -> dict[str, object]:
    """Our levels table in the renderer's ``levels=`` spelling (group or None); with
    ``spec``, without the variables that are only offsets (``log(t_ij)``, coefficient 1):
    ``levels=`` names predictors, and an offset is not one."""
    only_offsets = _only_offsets(spec) if spec is not None else set()
    return {name: (info["group"] if info["level"] != 1 else None)
            for name, info in levels.items()
            if name not in only_offsets and offset_expression(name) not in only_offsets}


def _only_offsets(spec: ModelSpec) -> set[str]:
    used = {part for term in (*spec.fixed, *(t for r in spec.random for t in r.terms))
            for part in term.split(":")}
    return set(spec.offsets) - used


def render_form(spec: ModelSpec, form: str, fmt: str, levels: dict[str, dict],
                notes: list[str], family: dict | None = None) -> str | None:
    """``family``: ``{"family": "binomial", "link": "logit"}`` for a GLMM read."""
    from mixeq.equations import render  # not at the top: mixeq.equations is loaded lazily

    try:
        eq = render(spec, form=form, format=fmt, levels=renderer_levels(levels, spec),
                    **(family or {}))
    except MixeqError as exc:
        notes.append(f"{form} form: {exc}")
        return None
    except Exception as exc:  # a renderer bug must not hide the diagnostics
        notes.append(f"{form} form could not be rendered ({type(exc).__name__}: {exc})")
        return None
    return getattr(eq, fmt, None) or str(eq)
