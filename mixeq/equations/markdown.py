"""Markdown: the equations in a ``$$`` block, sentences as a list with inline
math, notes as a quote."""
from __future__ import annotations

from mixeq.equations.latex import LatexWriter, escape
from mixeq.equations.options import Options
from mixeq.equations.tree import Block, Document, Sentence


def sentence_markdown(s: Sentence, writer: LatexWriter) -> str:
    return "".join(p if isinstance(p, str) else "$" + writer.node(p) + "$" for p in s.parts)


def to_markdown(doc: Document, opts: Options) -> str:
    writer = LatexWriter(opts)
    math = Document(doc.form, [Block(b.title, b.rows) for b in doc.blocks if b.rows])
    out = []
    if math.blocks:
        out.append("$$\n" + writer.document(math) + "\n$$")
    bullets = [sentence_markdown(s, writer) for b in doc.blocks for s in b.sentences]
    if bullets:
        out.append("\n".join("- " + b for b in bullets))
    if doc.notes:
        out.append("\n".join("> " + n for n in doc.notes))
    return "\n\n".join(out) + "\n"


__all__ = ["to_markdown", "escape"]
