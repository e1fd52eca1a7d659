"""``mixeq check --format html``: what the hand-written equations say — the lme4
formula, the composite and matrix forms typeset, every diagnostic with its corrected
equation — as one self-contained page (the report's KaTeX, offline)."""
from __future__ import annotations

from html import escape

from mixeq.report.html import esc, section, table
from mixeq.report.page import page


def _math(latex: str | None) -> str:
    return f'<div class="math">\\[{escape(latex, quote=False)}\\]</div>' if latex else ""


def check_page(found: dict, source: str) -> str:
    """The page for ``read_equations(...).to_dict()`` (LaTeX forms) of the file ``source``."""
    parts = [section("lme4 formula", f'<p><code class="no-math">{esc(found.get("formula") or "—")}</code></p>')]
    if found.get("composite"):
        parts.append(section("Composite equation", _math(found["composite"])))
    if found.get("matrix"):
        parts.append(section("Matrix form for cluster j", _math(found["matrix"])))
    diagnostics = found.get("diagnostics") or []
    items = []
    for d in diagnostics:
        where = ", ".join(f"{k} {d[k]}" for k in ("line", "column") if d.get(k) is not None)
        fix = (f'<p>Corrected:</p><pre class="no-math">{esc(d["corrected"])}</pre>'
               if d.get("corrected") else "")
        written = f'<pre class="no-math">{esc(d["equation"])}</pre>' if d.get("equation") else ""
        items.append(f'<li class="no-math"><strong>[{esc(d.get("code", ""))}]</strong> {esc(where)}: '
                     f'{esc(d.get("message", ""))}{written}{fix}</li>')
    body = "<ol>" + "".join(items) + "</ol>" if items else "<p>No remarks: the equations are consistent.</p>"
    parts.append(section(f"Remarks ({len(diagnostics)})", body))
    levels = found.get("levels") or {}
    if levels:
        rows = [[name, f"level {v.get('level')}", v.get("group") or "—"] for name, v in levels.items()]
        parts.append(section("Predictors", table(["predictor", "level", "constant within"], rows)))
    return page(f"mixeq check: {source}", "\n".join(parts))
