"""Two or more models side by side: their equations with the rows that differ
marked, a table of what differs, and the likelihood-ratio test."""
from __future__ import annotations

import re
import warnings
from html import escape

from mixeq.errors import MixeqError
from mixeq.report.html import esc, table

DIFF_COLOR = "#b3261e"
_ROW_END = re.compile(r"\s*\\\\(\[[^\]]*\])?\s*$")


def top_level_cells(line: str) -> list[int]:
    """Positions just after each ``&`` outside braces and nested environments."""
    depth, out, i = 0, [], 0
    while i < len(line):
        if line.startswith(r"\begin", i):
            depth += 1
        elif line.startswith(r"\end", i):
            depth -= 1
        elif line[i] == "\\":
            i += 2
            continue
        elif line[i] == "{":
            depth += 1
        elif line[i] == "}":
            depth -= 1
        elif line[i] == "&" and depth == 0:
            out.append(i + 1)
        i += 1
    return out


def colour_row(line: str) -> str:
    """The row with every cell coloured (``\\color`` at the start of each cell)."""
    mark = rf"\color{{{DIFF_COLOR}}}"
    for pos in reversed(top_level_cells(line)):
        line = line[:pos] + mark + " " + line[pos:]
    return mark + " " + line


def _key(line: str) -> str:
    return _ROW_END.sub("", line).strip()


def mark_differences(latexes: list[str]) -> tuple[list[str], list[int]]:
    """Each model's LaTeX with the rows no other model has coloured; the count per model."""
    rows = [s.splitlines() for s in latexes]
    keys = [{_key(line) for line in r} for r in rows]
    out, counts = [], []
    for i, lines in enumerate(rows):
        others = [k for j, k in enumerate(keys) if j != i]
        marked, n = [], 0
        for line in lines:
            body = line.strip()
            if body.startswith((r"\begin{aligned}", r"\end{aligned}")) or all(_key(line) in k for k in others):
                marked.append(line)
            else:
                marked.append(colour_row(line))
                n += 1
        out.append("\n".join(marked))
        counts.append(n)
    return out, counts


def _latex(model, form: str) -> str:
    from mixeq.equations import render

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return render(model, form=form, format="latex").latex


def side_by_side(models, labels: list[str], form: str) -> str:
    marked, counts = mark_differences([_latex(m, form) for m in models])
    cells = []
    for label, tex, n, m in zip(labels, marked, counts, models):
        cls = " differs" if n else ""
        cells.append(f'<div class="side{cls}"><h4>{esc(label)}: <code>{esc(m.formula)}</code></h4>'
                     f'<div class="math">\\[{escape(tex, quote=False)}\\]</div>'
                     f'<p class="muted">{_rows(n)} from the other model(s)</p></div>')
    return f'<div class="grid">{"".join(cells)}</div>'


def _rows(n: int) -> str:
    return "1 row differs" if n == 1 else f"{n} rows differ"


def structure_table(models, labels: list[str]) -> str:
    facts = [("fixed-effect columns", lambda m: ", ".join(m.X.columns)),
             ("random-effect terms", lambda m: "; ".join(t.spec.canonical() for t in m.terms)),
             ("θ parameters", lambda m: str(sum(t.ntheta for t in m.terms))),
             ("random effects (q)", lambda m: str(sum(t.q for t in m.terms)))]
    rows = []
    for name, get in facts:
        values = [get(m) for m in models]
        rows.append([name + (" — differs" if len(set(values)) > 1 else ""), *values])
    return table(["", *labels], rows, "What each model has")


def compare_section(models, labels: list[str], fits=None) -> str:
    from mixeq.report.fit_summary import anova_section

    parts = ['<p>Rows that differ between the models are <span class="legend-diff">coloured red '
             "in the equations</span>, a model holding such rows has a red bar at its left and "
             "says how many; the table names every difference.</p>", structure_table(models, labels)]
    for form, title in (("multilevel", "Multilevel equations"), ("composite", "Composite equations")):
        try:
            parts.append(f"<h3>{title}</h3>" + side_by_side(models, labels, form))
        except MixeqError as exc:  # a form one of the models does not have
            parts.append(f'<p class="note">{esc(title)} not compared: {esc(exc)}</p>')
    if fits and all(f is not None for f in fits):
        parts.append("<h3>Likelihood-ratio test</h3>" + anova_section(fits))
    return "\n".join(parts)
