"""Unicode text for the display tree: sub/superscripts where Unicode has them,
matrices drawn over several lines with ⎡ ⎢ ⎣ brackets."""
from __future__ import annotations

import re
from dataclasses import dataclass

from mixeq import glyphs as G
from mixeq.design.names import dummy_name
from mixeq.equations.glm import FUNCTIONS
from mixeq.equations.latex import format_number, simple_token
from mixeq.equations.options import Options
from mixeq.equations.wrapping import INDENT, break_sum
from mixeq.equations.tree import (Add, Call, Document, Dots, Kron, Matrix, Mul, Neg, Num,
                                  Pow, Relation, Row, Sentence, Sym, Text, Transpose,
                                  needs_parens, split_sign)

GREEK = G.GREEK_LETTERS
SUB = G.SUBSCRIPTS
SUP = G.SUPERSCRIPTS
RELATIONS = {"=": "=", "~": "∼", ",": ",", "in": "∈", "|": "|"}
DOTS = {"v": "⋮", "h": "⋯", "d": "⋱", "l": "…"}


@dataclass
class Box:
    lines: list[str]
    baseline: int = 0

    @property
    def width(self) -> int:
        return max((len(s) for s in self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)


def text_box(s: str) -> Box:
    return Box([s], 0)


def hcat(*boxes: Box) -> Box:
    boxes = [b for b in boxes if b.lines]
    above = max(b.baseline for b in boxes)
    below = max(b.height - b.baseline - 1 for b in boxes)
    lines = [""] * (above + below + 1)
    for b in boxes:
        w = b.width
        top = above - b.baseline
        for r in range(len(lines)):
            k = r - top
            cell = b.lines[k] if 0 <= k < b.height else ""
            lines[r] += cell.ljust(w)
    return Box(lines, above)


def script(text: str, table: dict, mark: str) -> str:
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return mark + (text if len(text) == 1 else "(" + text + ")")


def delimit(box: Box, left: str, right: str) -> Box:
    if box.height == 1:
        return hcat(text_box(left), box, text_box(right))
    glyphs = {"[": "⎡⎢⎣", "]": "⎤⎥⎦", "(": "⎛⎜⎝", ")": "⎞⎟⎠"}

    def column(ch):
        top, mid, bot = glyphs[ch]
        return Box([top] + [mid] * (box.height - 2) + [bot], box.baseline)

    space = Box([" "] * box.height, box.baseline)
    return hcat(column(left), space, box, space, column(right))


_PLAIN_NAME = re.compile(r"^[^\W\d][\w.]*$")


class TextWriter:
    def __init__(self, opts: Options):
        self.opts = opts

    def node(self, n) -> Box:
        return getattr(self, "_" + type(n).__name__.lower())(n)

    def flat(self, n) -> str:
        return " ".join(s.strip() for s in self.node(n).lines)

    def _sym(self, s: Sym) -> Box:
        if s.kind == "greek":
            out = GREEK.get(s.base, s.base)
        else:
            base = s.base
            if s.kind == "var" and not _PLAIN_NAME.match(base) and "(" not in base:
                base = f"`{base}`"  # `my var`ᵢⱼ, `2nd`ᵢⱼ: one name, as R quotes it
            out = base if s.label is None else dummy_name(base, s.label)
        if s.sub:
            parts = [self.flat(t) if isinstance(t, Sym) else str(t) for t in s.sub]
            simple = all(simple_token(t) and not (isinstance(t, Sym) and t.sub)
                         for t in s.sub)
            out += script("".join(parts) if simple else ",".join(parts), SUB, "_")
        if s.sup is not None:
            sup = s.sup if isinstance(s.sup, str) else self.flat(s.sup)
            out += script(sup, SUP, "^")
        return text_box(out)

    def _num(self, n: Num) -> Box:
        return text_box(format_number(n.value, n.digits))

    def _text(self, t: Text) -> Box:
        return text_box(t.text)

    def _dots(self, d: Dots) -> Box:
        return text_box(DOTS[d.kind])

    def _signed(self, term) -> tuple[int, Box]:
        sign, body = split_sign(term)
        return sign, (self._factor(body) if isinstance(term, Neg) else self.node(body))

    def terms_box(self, terms, leading: bool = False) -> Box:
        pieces = []
        for k, term in enumerate(terms):
            sign, body = self._signed(term)
            if k == 0 and not leading:
                pieces += [text_box("-")] if sign < 0 else []
            else:
                pieces.append(text_box(" - " if sign < 0 else " + ")
                              if k else text_box("- " if sign < 0 else "+ "))
            pieces.append(body)
        return hcat(*pieces)

    def _seq(self, q) -> Box:
        pieces = []
        for k, item in enumerate(q.items):
            if k:
                pieces.append(text_box(", "))
            pieces.append(self.node(item))
        return hcat(*pieces)

    def _add(self, a: Add) -> Box:
        return self.terms_box(a.terms)

    def _factor(self, f) -> Box:
        box = self.node(f)
        if needs_parens(f):
            return delimit(box, "(", ")")
        return box

    def _mul(self, m: Mul) -> Box:
        sep = text_box("·" if m.dot else " ")
        pieces = []
        for k, f in enumerate(m.factors):
            if k:
                pieces.append(sep)
            pieces.append(self._factor(f))
        return hcat(*pieces)

    def _neg(self, n: Neg) -> Box:
        return hcat(text_box("-"), self._factor(n.arg))

    def _pow(self, p: Pow) -> Box:
        base = self._factor(p.base)
        exp = self.flat(p.exp)
        if base.height == 1:
            return text_box(base.lines[0] + script(exp, SUP, "^"))
        return hcat(base, text_box("^" + exp))

    def _call(self, c: Call) -> Box:
        pieces = []
        for k, a in enumerate(c.args):
            if k:
                pieces.append(text_box(", "))
            pieces.append(self.node(a))
        spelled = FUNCTIONS.get(c.name)  # the GLM's links and distributions (glm.py)
        left, right = ("[", "]") if c.brackets == "[]" else ("(", ")")
        return hcat(text_box(spelled[1] if spelled else c.name),
                    delimit(hcat(*pieces), left, right))

    def _matrix(self, m: Matrix) -> Box:
        cells = [[self.node(e) for e in row] for row in m.rows]
        ncol = max(len(r) for r in cells)
        widths = [max(r[c].width for r in cells if c < len(r)) for c in range(ncol)]
        numeric = [all(isinstance(r[c], (Num, Dots)) for r in m.rows if c < len(r))
                   and any(isinstance(r[c], Num) for r in m.rows if c < len(r))
                   for c in range(ncol)]  # numbers right-aligned, so decimals line up
        lines = []
        for row, entries in zip(cells, m.rows):
            h = max(b.height for b in row)
            for k in range(h):
                parts = []
                for c, b in enumerate(row):
                    s = b.lines[k] if k < b.height else ""
                    pad = widths[c] - len(s)
                    if numeric[c] and isinstance(entries[c], Num):
                        parts.append(" " * pad + s)
                    else:
                        parts.append(" " * (pad // 2) + s + " " * (pad - pad // 2))
                lines.append("  ".join(parts))
        body = Box(lines, (len(lines) - 1) // 2)
        return delimit(body, "(", ")") if m.paren else delimit(body, "[", "]")

    def _transpose(self, t: Transpose) -> Box:
        box = self._factor(t.arg) if not isinstance(t.arg, Mul) else \
            delimit(self.node(t.arg), "(", ")")
        if box.height == 1:
            return text_box(box.lines[0] + "′")
        lines = [ln.ljust(box.width) for ln in box.lines]
        lines[0] += "′"
        return Box(lines, box.baseline)

    def _kron(self, k: Kron) -> Box:
        return hcat(self._factor(k.left), text_box(" ⊗ "), self._factor(k.right))

    def _relation(self, r: Relation) -> Box:
        return hcat(self.node(r.lhs), text_box(f" {RELATIONS[r.rel]} "), self.node(r.rhs))

    def _sentence(self, s: Sentence) -> Box:
        return hcat(*(text_box(p) if isinstance(p, str) else self.node(p) for p in s.parts))

    def sentence(self, s: Sentence) -> str:
        return "".join(p if isinstance(p, str) else self.flat(p) for p in s.parts)

    # -- layout -----------------------------------------------------------------------
    def layout(self, doc: Document) -> tuple[dict, int, int]:
        """Each row's label, the label column's width and the relations' left-hand width."""
        rows = [(b, k, r) for b in doc.blocks for k, r in enumerate(b.rows)]
        labels = {id(r): (r.label or (b.title + ":" if k == 0 and b.title else ""))
                  for b, k, r in rows}
        lw = max((len(v) for v in labels.values()), default=0)
        lhs_w = max((self.node(r.relation.lhs).width for _, _, r in rows
                     if isinstance(r.relation, Relation)), default=0)
        return labels, lw, lhs_w

    def row_breaks(self, doc: Document) -> dict[int, list[int]]:
        """For every row (by ``id``), the terms of its right-hand sum that start a line:
        what the LaTeX writer breaks at too."""
        labels, lw, lhs_w = self.layout(doc)
        return {id(r): self.breaks(r.relation.rhs, self._head(r, labels[id(r)], lw, lhs_w).width)
                for b in doc.blocks for r in b.rows if isinstance(r.relation, Relation)}

    def breaks(self, rhs, head_width: int) -> list[int]:
        """Line starts of a sum after a head ``head_width`` wide (``[0]``: one line)."""
        width = self.opts.wrap
        if not width or not isinstance(rhs, Add):
            return [0]
        signed = [split_sign(t) for t in rhs.terms]
        sizes = [self._signed(t)[1].width for t in rhs.terms]
        return break_sum(sizes, signed[0][0] < 0, width - head_width,
                         width - head_width - INDENT)

    def document(self, doc: Document) -> str:
        labels, lw, lhs_w = self.layout(doc)
        out = []
        for block in doc.blocks:
            if out and (block.rows or block.sentences):
                out.append("")
            for row in block.rows:
                out.extend(self._row(row, labels[id(row)], lw, lhs_w))
            for sentence in block.sentences:
                out.extend(self.sentence_lines(sentence))
        return "\n".join(ln.rstrip() for ln in out)

    def sentence_lines(self, s: Sentence) -> list[str]:
        """``- sentence`` on one line, however long: prose is not broken in text, so a
        reader (mixeq's included) skips a sentence as the one line it is."""
        return ["- " + self.sentence(s)]

    def _head(self, row: Row, label: str, lw: int, lhs_w: int) -> Box:
        pad = (label.ljust(lw) + "  ") if lw else ""
        lhs = self.node(row.relation.lhs)
        lhs = hcat(text_box(" " * (lhs_w - lhs.width)), lhs) if lhs.width < lhs_w else lhs
        return hcat(text_box(pad), lhs, text_box(f" {RELATIONS[row.relation.rel]} "))

    def _row(self, row: Row, label: str, lw: int, lhs_w: int) -> list[str]:
        rel = row.relation
        remark = [text_box(",  "), self.node(row.remark)] if row.remark is not None else []
        if not isinstance(rel, Relation):
            pad = (label.ljust(lw) + "  ") if lw else ""
            box = hcat(text_box(pad), self.node(rel), *remark)
            return box.lines
        head = self._head(row, label, lw, lhs_w)
        chunks = self._chunks(rel.rhs, self.breaks(rel.rhs, head.width))
        first = hcat(head, chunks[0], *(remark if len(chunks) == 1 else []))
        lines = list(first.lines)
        for k, chunk in enumerate(chunks[1:], start=1):
            tail = remark if k == len(chunks) - 1 else []
            box = hcat(text_box(" " * (head.width + INDENT)), chunk, *tail)
            lines.extend(box.lines)
        return lines

    def _chunks(self, rhs, starts: list[int]) -> list[Box]:
        if len(starts) == 1:
            return [self.node(rhs)]
        terms = list(rhs.terms)
        ends = [*starts[1:], len(terms)]
        return [self.terms_box(terms[a:b], leading=k > 0)
                for k, (a, b) in enumerate(zip(starts, ends))]


def to_text(doc: Document, opts: Options) -> str:
    return TextWriter(opts).document(doc)


def node_text(node, opts: Options) -> str:
    return "\n".join(TextWriter(opts).node(node).lines)
