"""Every form of the model, typeset: each rendered by mixeq.equations in its
``html`` format (LaTeX between \\[ \\] and \\( \\)) and typeset by the page's KaTeX."""
from __future__ import annotations

import warnings

from mixeq.errors import MixeqError
from mixeq.report.html import esc


def chosen_cluster(model, cluster=None, group: str | None = None) -> tuple[str, str] | None:
    """(group, level) shown by the matrix form: ``cluster`` of ``group`` (default the
    finest factor, the first term's), or that factor's first level."""
    if not model.terms:
        return None
    terms = {t.group: t for t in model.terms}
    if group is not None and group not in terms:
        raise MixeqError(f"no grouping factor {group!r} for the matrix form's cluster; "
                         f"the model has {', '.join(terms)}")
    term = terms[group] if group is not None else model.terms[0]
    if cluster is None:
        return term.group, str(term.levels[0])
    if str(cluster) not in map(str, term.levels):
        shown = ", ".join(map(str, term.levels[:5])) + (", …" if term.nlevels > 5 else "")
        raise MixeqError(f"no cluster {cluster!r} in grouping factor {term.group!r} "
                         f"(its levels: {shown})")
    return term.group, str(cluster)


def render_form(subject, form: str, **options) -> str:
    from mixeq.equations import render

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return render(subject, form=form, format="html", **options).html


def form_html(subject, form: str, cluster, **options) -> str:
    """One form's HTML, or a note saying why this model has no such form."""
    if form in ("matrix", "observation") and cluster is not None:
        options = {**options, "group": cluster[0], "cluster": cluster[1]}
    try:
        return render_form(subject, form, **options)
    except MixeqError as exc:
        return f'<p class="note">Not shown for this model: {esc(exc)}</p>'


def forms_section(subject, model, prefix: str, use_estimates: bool,
                  cluster=None, group: str | None = None) -> tuple[str, list[str]]:
    """(HTML, form names) for every form; with a fit, the composite form also with its estimates."""
    from mixeq.equations.forms.registry import FORMS, form as form_record

    cluster = chosen_cluster(model, cluster, group)
    parts = []
    for form in FORMS:
        title = esc(form_record(form).title)
        if form == "matrix" and cluster:
            title += f" ({esc(cluster[0])} {esc(cluster[1])}, with its numbers)"
        parts.append(f'<section id="{prefix}-form-{form}"><h3>{title}</h3>'
                     f"\n{form_html(model, form, cluster)}</section>")
    if use_estimates:
        parts.append(f'<section id="{prefix}-form-estimates"><h3>Composite, with the estimates</h3>'
                     f"\n{form_html(subject, 'composite', None, use_estimates=True)}</section>")
    return "\n".join(parts), list(FORMS)


def proof_section(model) -> str:
    """verify()'s checks as a table: check, status, detail."""
    from mixeq.equations import verify

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = verify(model)
    except MixeqError as exc:
        return f'<p class="note">The proof could not be run: {esc(exc)}</p>'
    checks = list(getattr(report, "checks", []) or [])
    if not checks:
        return f'<pre class="no-math">{esc(report)}</pre>'
    rows = []
    for c in checks:
        status = str(getattr(c, "status", "ok" if getattr(c, "ok", False) else "FAILED"))
        rows.append(f'<tr><th scope="row">{esc(getattr(c, "name", c))}</th>'
                    f'<td class="status-{esc(status)}">{esc(status)}</td>'
                    f'<td>{esc(getattr(c, "detail", ""))}</td></tr>')
    verdict = "every form is the same model" if getattr(report, "ok", False) \
        else "THE FORMS DISAGREE"
    return (f'<p><strong>{esc(verdict)}</strong> (SymPy, {len(checks)} checks).</p>'
            '<div class="table-wrap no-math"><table><caption>Checks of verify()</caption>'
            '<thead><tr><th scope="col">check</th><th scope="col">status</th>'
            '<th scope="col">detail</th></tr></thead><tbody>' + "".join(rows)
            + "</tbody></table></div>")
