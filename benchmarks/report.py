"""Plain-text tables of one benchmark run."""
from __future__ import annotations

from benchmarks.targets import Target


def _ms(value) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.2f}" if value < 0.1 else f"{value * 1000:.0f}"


def _mb(value) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _row(cells, widths) -> str:
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                     for i, (c, w) in enumerate(zip(cells, widths)))


HEADER = ["model", "engine", "design ms", "fit ms", "total ms", "best ms", "runs", "vs mixeq",
          "peak RSS MB", "RSS+ MB", "traced MB", "objective"]


def record_cells(rec, mixeq_total) -> list[str]:
    if "total_s" not in rec:
        why = rec.get("skipped") or rec.get("error") or "?"
        label = "skipped" if "skipped" in rec else "ERROR"
        return [rec["case"], rec["engine"], f"{label}: {why}"]
    ratio = "-" if not mixeq_total else f"{rec['total_s'] / mixeq_total:.2f}x"
    rss_plus = None
    if rec.get("peak_rss_mb") is not None and rec.get("rss_before_mb") is not None:
        rss_plus = max(rec["peak_rss_mb"] - rec["rss_before_mb"], 0.0)
    return [rec["case"], rec["engine"], _ms(rec.get("design_s")), _ms(rec.get("fit_s")),
            _ms(rec["total_s"]), _ms(rec.get("min_total_s")), rec["repeats"], ratio, _mb(rec.get("peak_rss_mb")),
            _mb(rss_plus), _mb(rec.get("traced_peak_mb")), f"{rec['objective']:.6f}"]


def results_table(records) -> str:
    mixeq_total = {r["case"]: r["total_s"] for r in records
                   if r["engine"] == "mixeq" and "total_s" in r}
    rows = [record_cells(r, mixeq_total.get(r["case"])) for r in records]
    full = [r for r in rows if len(r) == len(HEADER)]
    widths = [max(len(str(r[i])) for r in [HEADER] + full) for i in range(len(HEADER))]
    lines = [_row(HEADER, widths), _row(["-" * w for w in widths], widths)]
    for r in rows:
        lines.append(_row(r, widths) if len(r) == len(HEADER)
                     else f"{r[0].ljust(widths[0])}  {r[1].rjust(widths[1])}  {r[2]}")
    return "\n".join(lines)


def targets_table(targets: list[Target]) -> str:
    width = max(len(t.description) for t in targets) if targets else 0
    return "\n".join(f"{t.status:4}  {t.description.ljust(width)}  {t.measured}"
                     for t in targets)


def results_markdown(records) -> str:
    """The results table as Markdown (for docs/benchmarks.md)."""
    mixeq_total = {r["case"]: r["total_s"] for r in records
                   if r["engine"] == "mixeq" and "total_s" in r}
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for rec in records:
        cells = record_cells(rec, mixeq_total.get(rec["case"]))
        if len(cells) < len(HEADER):
            cells = cells + [""] * (len(HEADER) - len(cells))
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def targets_markdown(targets: list[Target]) -> str:
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {t.description} | {t.measured} | {t.status} |" for t in targets]
    return "\n".join(lines)
