"""``report(*models_or_fits, path=…)``: one self-contained HTML page — formula and
data, every form typeset, the proof, the fit and its pictures; for two or more
models also their equations side by side and the likelihood-ratio test."""
from __future__ import annotations

from pathlib import Path

from mixeq.errors import MixeqError
from mixeq.report.compare import compare_section
from mixeq.report.data_summary import data_summary
from mixeq.report.figures import fit_figures, model_figures
from mixeq.report.fit_summary import fit_section
from mixeq.report.forms import forms_section, proof_section
from mixeq.report.html import esc, section
from mixeq.report.page import page


def split(subject):
    """(model, fit or None) of a Model or a fit."""
    if hasattr(subject, "fixef") and hasattr(subject, "model"):
        return subject.model, subject
    if hasattr(subject, "Z") and hasattr(subject, "terms"):
        return subject, None
    raise MixeqError(f"report() takes Models or fits, not a {type(subject).__name__}; "
                     "e.g. mixeq.Model(formula, data).fit().report('model.html')")


def model_part(subject, prefix: str, heading: str, cluster=None, group=None) -> str:
    model, fit = split(subject)
    forms, _ = forms_section(fit or model, model, prefix, use_estimates=fit is not None,
                             cluster=cluster, group=group)
    parts = [f'<p>Formula: <code class="no-math">{esc(model.formula)}</code>'
             f' (lme4: <code class="no-math">{esc(model.spec.canonical())}</code>)</p>',
             section("Data", data_summary(model), 3, f"{prefix}-data"),
             section("Equations", forms, 3, f"{prefix}-forms"),
             section("Proof that the forms agree", proof_section(model), 3, f"{prefix}-proof")]
    if fit is not None:
        parts.append(section("Fit" + (" (REML)" if fit.reml else " (ML)"), fit_section(fit), 3,
                             f"{prefix}-fit"))
    pictures = model_figures(model, prefix, fit) + (fit_figures(fit, prefix) if fit is not None else "")
    parts.append(section("Pictures", pictures, 3, f"{prefix}-pictures"))
    return section(heading, "\n".join(parts), 2, prefix)


def report_html(*subjects, title: str | None = None, labels: list[str] | None = None,
                cluster=None, group: str | None = None) -> str:
    """The page as a string; ``cluster`` (of grouping factor ``group``): the cluster
    whose numbers the matrix form shows (default: the first level of the finest factor)."""
    if not subjects:
        raise MixeqError("report() needs at least one model or fit")
    pairs = [split(s) for s in subjects]
    labels = list(labels) if labels else [f"Model {i + 1}" for i in range(len(subjects))]
    if len(labels) != len(subjects):
        raise MixeqError(f"{len(labels)} labels for {len(subjects)} models: give one label per model")
    body, toc = [], []
    if len(subjects) > 1:
        fits = [f for _, f in pairs]
        body.append(section("Comparison", compare_section([m for m, _ in pairs], labels,
                                                          fits if all(fits) else None), 2, "compare"))
        toc.append(("compare", "Comparison"))
    for i, (subject, label) in enumerate(zip(subjects, labels)):
        prefix = f"m{i + 1}"
        heading = label if len(subjects) > 1 else "Model"
        body.append(model_part(subject, prefix, heading, cluster, group))
        toc += [(prefix, heading)] if len(subjects) > 1 else \
            [(f"{prefix}-{k}", t) for k, t in (("data", "Data"), ("forms", "Equations"),
                                                ("proof", "Proof"), ("fit", "Fit"),
                                                ("pictures", "Pictures"))
             if k != "fit" or pairs[0][1] is not None]
    title = title or ("mixeq: " + " vs ".join(m.formula for m, _ in pairs))
    return page(title, "\n".join(body), toc)


def report(*subjects, path=None, title: str | None = None, labels: list[str] | None = None,
           cluster=None, group: str | None = None) -> str:
    """Write the report of one or more Models/fits to ``path`` (if given); return its HTML."""
    html = report_html(*subjects, title=title, labels=labels, cluster=cluster, group=group)
    if path is not None:
        Path(path).write_text(html, encoding="utf-8")
    return html
