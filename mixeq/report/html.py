"""Small HTML builders: escaped text, tables from rows or frames, figures with
captions and alt text. Everything from the user (formulas, column names, levels)
passes through :func:`esc`; tables carry ``no-math`` so data is never typeset."""
from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd


def esc(text) -> str:
    return escape(str(text), quote=True)


def number(value, digits: int = 4) -> str:
    """Significant digits as R prints them; '—' for missing values."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v != 0 and (abs(v) < 1e-4 or abs(v) >= 1e7):
            return f"{v:.{digits - 1}e}"
        return f"{v:.{digits}g}" if abs(v) < 10 ** (digits - 1) else f"{v:.1f}"
    return esc(value)


def table(header: list[str], rows: list[list], caption: str = "", numeric_from: int = 1,
          right: frozenset = frozenset()) -> str:
    """A ``<table>`` with a caption and column headers; cells are escaped (numbers
    formatted); numbers and the columns in ``right`` (already formatted) align right."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = number(cell) if not isinstance(cell, str) else esc(cell)
            if i == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                num = (i >= numeric_from and not isinstance(cell, str)) or i in right
                cls = ' class="num"' if num else ""
                cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap no-math"><table>{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def frame_table(frame: pd.DataFrame, caption: str = "", index_name: str = "",
                right: frozenset = frozenset()) -> str:
    """A table of a frame; ``right``: names of columns already formatted as numbers."""
    rows = [[str(i), *[_cell(v) for v in r]] for i, r in zip(frame.index, frame.itertuples(index=False))]
    cols = frozenset(j + 1 for j, c in enumerate(frame.columns) if c in right)
    return table([index_name, *map(str, frame.columns)], rows, caption, right=cols)


def _cell(v):
    if isinstance(v, str) or v is None:
        return "" if v is None else v
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


def figure(svg: str, caption: str, alt: str, fig_id: str) -> str:
    """A ``<figure>`` holding inline SVG labelled by ``alt`` (role img), with its caption."""
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(alt)}" ', 1)
    return (f'<figure id="{esc(fig_id)}" class="plot no-math">{svg}'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def section(heading: str, body: str, level: int = 2, sec_id: str = "") -> str:
    ident = f' id="{esc(sec_id)}"' if sec_id else ""
    return f"<section{ident}><h{level}>{esc(heading)}</h{level}>\n{body}\n</section>"
