"""One self-contained HTML page for a model or several compared (issue 12): the
formula and data, every form typeset with KaTeX (inlined, offline), the proof, the
fit and its pictures as inline SVG.

``mixeq.report.report(fit, path="model.html")``, ``fit.report(path)``,
``m.report(path)``; ``mixeq report FORMULA … --data F -o out.html`` from the shell."""
from __future__ import annotations

from mixeq.report.build import report, report_html
from mixeq.report.page import fragment, page

__all__ = ["fragment", "page", "report", "report_html"]
