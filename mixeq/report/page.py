"""The page around the sections: one self-contained HTML5 document, responsive
(readable at 1280 px and at a phone's width), with KaTeX inlined."""
from __future__ import annotations

from mixeq.report.assets import katex_head
from mixeq.report.html import esc

CSS = """
:root { color-scheme: light; --fg: #1b1b1f; --muted: #5b5b66; --line: #d6d6de; --accent: #2a5db0;
        --diff: #fff1c2; --diff-fg: #8a1c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
header.top { border-bottom: 2px solid var(--accent); margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: .8rem 0 .3rem; } h2 { font-size: 1.35rem; margin-top: 2rem;
  border-bottom: 1px solid var(--line); } h3 { font-size: 1.1rem; margin-top: 1.4rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f3f6; padding: 0 .25em;
  border-radius: 3px; overflow-wrap: anywhere; }
nav.toc ul { display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; list-style: none; }
nav.toc a { color: var(--accent); }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; color: var(--muted); }
th, td { padding: .25rem .7rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-ok { color: #1d6b2f; font-weight: 600; } .status-FAILED { color: #a11; font-weight: 700; }
.mixeq-equations, .math { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.katex-display { margin: .6em 0; padding: .2em 0; }
.note, .muted { color: var(--muted); font-size: .92rem; }
figure.plot { margin: 1rem 0 1.6rem; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; }
figure.plot svg { display: block; width: 100%; max-width: 760px; height: auto; margin: 0 auto; }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .4rem; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
.side { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; min-width: 0; }
.side h4 { margin: .2rem 0; font-size: 1rem; } .side .katex { font-size: 1.05em; }
.side.differs { border-left: 4px solid var(--diff-fg); }
.legend-diff { color: #b3261e; font-weight: 600; }
@media (max-width: 600px) { main { padding: .6rem .6rem 3rem; } body { font-size: 15px; }
  .grid { grid-template-columns: 1fr; } th, td { padding: .2rem .4rem; } h1 { font-size: 1.25rem; } }
"""


def page(title: str, body: str, toc: list[tuple[str, str]] | None = None) -> str:
    """The whole document: head with KaTeX and styles, a table of contents, ``body``."""
    nav = ""
    if toc:
        links = "".join(f'<li><a href="#{esc(i)}">{esc(t)}</a></li>' for i, t in toc)
        nav = f'<nav class="toc" aria-label="Contents"><ul>{links}</ul></nav>'
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="mixeq">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n{katex_head()}</head>\n<body>\n<main>\n"
        f'<header class="top"><h1>{esc(title)}</h1>{nav}</header>\n{body}\n</main>\n</body>\n</html>\n')


def fragment(html: str) -> str:
    """An HTML fragment (Jupyter output, ``explain --format html`` pieces) that typesets
    its own math offline: KaTeX's styles and script precede it."""
    return katex_head() + html
