"""HTML: a fragment with the equations as display math ``\\[ … \\]`` (the same
LaTeX as the ``latex`` format, HTML-escaped), sentences as a list with inline
math ``\\( … \\)`` and notes as paragraphs. KaTeX's auto-render or MathJax
typesets it; nothing else is needed."""
from __future__ import annotations

from html import escape

from mixeq.equations.latex import LatexWriter
from mixeq.equations.options import Options
from mixeq.equations.tree import Block, Document, Sentence


def sentence_html(s: Sentence, writer: LatexWriter) -> str:
    return "".join(escape(p, quote=False) if isinstance(p, str)
                   else r"\(" + escape(writer.node(p), quote=False) + r"\)" for p in s.parts)


def to_html(doc: Document, opts: Options) -> str:
    writer = LatexWriter(opts)
    math = Document(doc.form, [Block(b.title, b.rows) for b in doc.blocks if b.rows])
    out = [f'<div class="mixeq-equations" data-form="{escape(doc.form)}">']
    if math.blocks:
        out.append('<div class="math display">\\[\n' + escape(writer.document(math), quote=False)
                   + "\n\\]</div>")
    items = [sentence_html(s, writer) for b in doc.blocks for s in b.sentences]
    if items:
        out.append("<ul>\n" + "\n".join(f"<li>{i}</li>" for i in items) + "\n</ul>")
    out += [f'<p class="note">Note: {escape(n, quote=False)}</p>' for n in doc.notes]
    out.append("</div>")
    return "\n".join(out) + "\n"
