"""The human-readable report of ``mixeq check``."""
from __future__ import annotations

from mixeq.reader.result import ReadResult


def text_report(result: ReadResult) -> str:
    out: list[str] = []
    if result.formula:
        out += ["lme4 formula:", f"  {result.formula}", ""]
    if result.family:
        out += ["Family and link:", f"  {result.family}, {result.link} link", "lme4 call:",
                f"  {result.glmer}", ""]
    if result.levels:
        levels = ", ".join(
            f"{name}: level {info['level']}" + (f" ({info['group']})" if info.get("group") else "")
            for name, info in result.levels.items())
        out += ["Predictors:", f"  {levels}", ""]
    if result.composite:
        out += ["Composite equation:", _indent(result.composite), ""]
    if result.matrix:
        title = ("Matrix form for cluster j:" if result.matrix_form == "matrix"
                 else "Matrix form, stacked over all clusters:")
        out += [title, _indent(result.matrix), ""]
    for note in result.notes:
        out.append(f"Note: {note}")
    if result.diagnostics:
        out.append(f"{len(result.diagnostics)} remark(s):")
        for d in result.diagnostics:
            out += ["", str(d)]
    elif result.spec is not None:
        out.append("No remarks: the equations are consistent.")
    return "\n".join(out).rstrip() + "\n"


def html_report(result: ReadResult) -> str:
    """The report as an HTML fragment for a notebook: the formula, the forms (as
    display math for KaTeX/MathJax when they are LaTeX, else preformatted) and the
    remarks as a table."""
    from html import escape

    def block(text: str) -> str:
        if result.format == "latex":
            return f"<div class=\"math\">\\[{escape(text)}\\]</div>"
        return f"<pre>{escape(text)}</pre>"

    parts = ['<div class="mixeq-read">']
    parts.append(f"<p>lme4 formula: <code>{escape(result.formula)}</code></p>" if result.formula
                 else "<p><b>No model could be read.</b></p>")
    if result.family:
        parts.append(f"<p>Family: {escape(result.family)}, {escape(result.link)} link "
                     f"(<code>{escape(result.glmer)}</code>)</p>")
    if result.composite:
        parts += ["<p>Composite equation:</p>", block(result.composite)]
    if result.matrix:
        parts += ["<p>Matrix form:</p>", block(result.matrix)]
    for note in result.notes:
        parts.append(f'<p class="note">Note: {escape(note)}</p>')
    if result.diagnostics:
        rows = "".join(
            f"<tr><td><code>{escape(d.code)}</code></td><td>{d.line or ''}</td>"
            f"<td>{escape(d.message)}</td><td><pre>{escape(d.corrected or '')}</pre></td></tr>"
            for d in result.diagnostics)
        parts.append("<table><thead><tr><th>code</th><th>line</th><th>remark</th>"
                     f"<th>corrected</th></tr></thead><tbody>{rows}</tbody></table>")
    elif result.spec is not None:
        parts.append("<p>No remarks: the equations are consistent.</p>")
    parts.append("</div>")
    return "".join(parts)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
