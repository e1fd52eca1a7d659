"""Figures without pyplot's global state (safe in servers and threads) and their
SVG text for inline use in HTML."""
from __future__ import annotations

import io
import re

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def new_figure(width: float, height: float) -> Figure:
    """A Figure on the Agg canvas (no display needed), sized in inches."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (no XML prologue, doctype or metadata),
    scalable to its container's width; its text as text, in the page's fonts."""
    buf = io.StringIO()
    # text as <text> (selectable, read by screen readers, faster than glyph paths)
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = _METADATA.sub("", _PROLOGUE.sub("", buf.getvalue(), count=1))
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    return svg.strip()
