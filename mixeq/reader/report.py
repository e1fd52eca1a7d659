"""The human-readable report of ``mixeq check``."""
from __future__ import annotations

from mixeq.reader.result import ReadResult


def text_report(result: ReadResult) -> str:
    out: list[str] = []
    if result.formula:
        out += ["lme4 formula:", f"  {result.formula}", ""]
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


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
