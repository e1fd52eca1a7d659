"""The composite equation and the matrix form of the model read, through the
equations renderers (``mixeq.equations.render``)."""
from __future__ import annotations

from mixeq.errors import MixeqError
from mixeq.spec.types import ModelSpec


def renderer_levels(levels: dict[str, dict]) -> dict[str, object]:
    """Our levels table in the renderer's ``levels=`` spelling (group or None)."""
    return {name: (info["group"] if info["level"] != 1 else None) for name, info in levels.items()}


def render_form(spec: ModelSpec, form: str, fmt: str, levels: dict[str, dict],
                notes: list[str], family: dict | None = None) -> str | None:
    """``family``: ``{"family": "binomial", "link": "logit"}`` for a GLMM read."""
    from mixeq.equations import render  # not at the top: mixeq.equations is loaded lazily

    try:
        eq = render(spec, form=form, format=fmt, levels=renderer_levels(levels),
                    **(family or {}))
    except MixeqError as exc:
        notes.append(f"{form} form: {exc}")
        return None
    except Exception as exc:  # a renderer bug must not hide the diagnostics
        notes.append(f"{form} form could not be rendered ({type(exc).__name__}: {exc})")
        return None
    return getattr(eq, fmt, None) or str(eq)
