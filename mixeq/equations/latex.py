"""LaTeX (amsmath ``aligned``/``bmatrix``, valid in KaTeX and MathJax) for the
display tree."""
from __future__ import annotations

from mixeq.design.names import dummy_name
from mixeq.glyphs import GREEK_LETTERS, greek_latex
from mixeq.equations.glm import FUNCTIONS
from mixeq.equations.options import Options
from mixeq.equations.wrapping import break_sentence
from mixeq.equations.tree import (Add, Call, Document, Dots, Kron, Matrix, Mul, Neg,
                                  Num, Pow, Relation, Row, Sentence, Sym, Text, Transpose,
                                  needs_parens, split_sign)

_ESCAPE = {"_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
           "{": r"\{", "}": r"\}", "~": r"\sim ", "^": r"\hat{}", "\\": r"\backslash "}
_TEXT_ESCAPE = {**_ESCAPE, "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                "\\": r"\textbackslash{}", "×": r"$\times$", "…": r"$\dots$", "–": "--",
                "·": r"$\cdot$", "′": "'", "⊗": r"$\otimes$", "²": r"$^2$",
                **{ch: "$" + greek_latex(name) + "$" for name, ch in GREEK_LETTERS.items()},
                # pdflatex's OT1 text font prints | < > as other glyphs (— ¡ ¿): math
                "|": r"$|$", "<": r"$<$", ">": r"$>$"}
# A display name inside \operatorname/\mathit/\mathrm: its spaces kept (math mode drops them)
_NAME_ESCAPE = {**_ESCAPE, " ": r"\ "}
_RELATIONS = {"=": "=", "~": r"\sim", ",": ",", "in": r"\in", "|": r"\mid"}
_FUNCTIONS = {"log": r"\log", "exp": r"\exp", "diag": r"\operatorname{diag}"}
_DOTS = {"v": r"\vdots", "h": r"\cdots", "d": r"\ddots", "l": r"\ldots"}


def escape(text: str, table=_ESCAPE) -> str:
    return "".join(table.get(ch, ch) for ch in text)


def simple_token(t) -> bool:
    """Tokens written side by side (β_{0j}); others are separated by commas."""
    if isinstance(t, Sym):
        return True
    return isinstance(t, str) and (len(t) == 1 or t.startswith("(") or "[" in t)


def format_number(value: float, digits: int | None) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    if digits is None:
        return f"{value:.6g}"
    return f"{value:.{digits}f}"


class LatexWriter:
    def __init__(self, opts: Options):
        self.opts = opts

    # -- nodes ------------------------------------------------------------------
    def node(self, n) -> str:
        method = getattr(self, "_" + type(n).__name__.lower(), None)
        if method is None:
            raise TypeError(f"no LaTeX for {type(n).__name__}")
        return method(n)

    def _sym(self, s: Sym) -> str:
        out = self._base(s)
        if s.sub:
            out += "_{" + self._subscript(s.sub) + "}"
        if s.sup is not None:
            sup = s.sup if not isinstance(s.sup, str) else s.sup
            if isinstance(sup, str):
                text = sup if len(sup) == 1 else r"\text{" + escape(sup, _TEXT_ESCAPE) + "}"
            else:
                text = self.node(sup)
            out += "^{" + text + "}"
        return out

    def _base(self, s: Sym) -> str:
        if s.kind == "greek":
            return greek_latex(s.base)
        name = s.base if s.label is None else dummy_name(s.base, s.label)
        if s.kind == "var":
            style = self.opts.variables
            if len(name) == 1 and name.isalpha() and style != "operatorname":
                return name
            if style == "italic":
                return r"\mathit{" + escape(name, _NAME_ESCAPE) + "}"
            # braced: an ordinary atom, so a following + keeps its binary spacing (TeX
            # makes a Bin after an Op atom such as \operatorname{} an Ord: "Days+x")
            return r"{\operatorname{" + escape(name, _NAME_ESCAPE) + "}}"
        if s.kind == "text":
            return r"\text{" + escape(name, _TEXT_ESCAPE) + "}"
        return name if len(name) == 1 else r"\mathrm{" + escape(name, _NAME_ESCAPE) + "}"

    def _subscript(self, tokens) -> str:
        parts = [self.node(t) if isinstance(t, Sym) else escape(str(t)) for t in tokens]
        simple = all(simple_token(t) for t in tokens)
        return "".join(parts) if simple else ",".join(parts)

    def _num(self, n: Num) -> str:
        return format_number(n.value, n.digits if n.digits is not None else None)

    def _text(self, t: Text) -> str:
        return r"\text{" + escape(t.text, _TEXT_ESCAPE) + "}"

    def _dots(self, d: Dots) -> str:
        return _DOTS[d.kind]

    def _seq(self, q) -> str:
        return ", ".join(self.node(i) for i in q.items)

    def _add(self, a: Add) -> str:
        out = ""
        for k, term in enumerate(a.terms):
            sign, body = self._signed(term)
            if k == 0:
                out = ("-" if sign < 0 else "") + body
            else:
                out += (" - " if sign < 0 else " + ") + body
        return out

    def _signed(self, term) -> tuple[int, str]:
        sign, body = split_sign(term)
        return sign, (self._factor(body) if isinstance(term, Neg) else self.node(body))

    def _factor(self, f) -> str:
        text = self.node(f)
        if needs_parens(f):
            return r"\left(" + text + r"\right)"
        return text

    def _mul(self, m: Mul) -> str:
        sep = r" \cdot " if m.dot else " "
        return sep.join(self._factor(f) for f in m.factors)

    def _neg(self, n: Neg) -> str:
        return "-" + self._factor(n.arg)

    def _pow(self, p: Pow) -> str:
        base = self._factor(p.base)
        if isinstance(p.base, Sym) and (p.base.sub or p.base.sup is not None):
            base = "{" + base + "}"
        return base + "^{" + self.node(p.exp) + "}"

    def _call(self, c: Call) -> str:
        if c.name == "sqrt" and len(c.args) == 1:
            return r"\sqrt{" + self.node(c.args[0]) + "}"
        if c.name == "abs" and len(c.args) == 1:
            return r"\left|" + self.node(c.args[0]) + r"\right|"
        spelled = FUNCTIONS.get(c.name)  # the GLM's links and distributions (glm.py)
        name = spelled[0] if spelled else c.name if len(c.name) == 1 else _FUNCTIONS.get(
            c.name, r"\operatorname{" + escape(c.name) + "}")
        left, right = (r"\left[", r"\right]") if c.brackets == "[]" else (r"\left(", r"\right)")
        return name + left + ", ".join(self.node(a) for a in c.args) + right

    def _matrix(self, m: Matrix) -> str:
        env = "pmatrix" if m.paren else "bmatrix"
        rows = [" & ".join(self.node(e) for e in row) for row in m.rows]
        return rf"\begin{{{env}}} " + r" \\ ".join(rows) + rf" \end{{{env}}}"

    def _transpose(self, t: Transpose) -> str:
        inner = self.node(t.arg)
        if isinstance(t.arg, (Add, Mul)):
            inner = r"\left(" + inner + r"\right)"
        elif isinstance(t.arg, Sym) and t.arg.sup is not None:
            inner = "{" + inner + "}"
        return inner + r"^{\prime}"

    def _kron(self, k: Kron) -> str:
        return self._factor(k.left) + r" \otimes " + self._factor(k.right)

    def _relation(self, r: Relation) -> str:
        return self.node(r.lhs) + " " + _RELATIONS[r.rel] + " " + self.node(r.rhs)

    def _sentence(self, s: Sentence) -> str:
        out = ""
        for part in s.parts:
            out += escape(part, _TEXT_ESCAPE) if isinstance(part, str) \
                else "$" + self.node(part) + "$"
        return r"\text{" + out + "}"

    # -- layout ---------------------------------------------------------------------
    def row_lines(self, row: Row, labelled: bool, label: str,
                  starts: list[int] | None = None) -> list[str]:
        """A row's lines: ``lhs &= …`` and, where the sum breaks (``starts``, the text
        writer's breaks), continuation lines ``&\\quad + …``."""
        rel = row.relation
        head = ("&" + (r"\text{" + escape(label, _TEXT_ESCAPE) + "}" if label else "")
                + " & ") if labelled else ""
        if not isinstance(rel, Relation):
            line = head + "& " + self.node(rel)
            return [line + self._remark(row)]
        chunks = self._chunks(rel.rhs, starts or [0])
        lhs = self.node(rel.lhs)
        first = f"{head}{lhs} &{_RELATIONS[rel.rel]} {chunks[0]}"
        cont = ("& & " if labelled else "") + r"&\quad "
        lines = [first] + [cont + c for c in chunks[1:]]
        lines[-1] += self._remark(row)
        return lines

    def _remark(self, row: Row) -> str:
        if row.remark is None:
            return ""
        return r",\quad " + self.node(row.remark)

    def _chunks(self, rhs, starts: list[int]) -> list[str]:
        if len(starts) == 1:
            return [self.node(rhs)]
        terms = list(rhs.terms)
        chunks = [self._add(Add(tuple(terms[:starts[1]])))]
        for a, b in zip(starts[1:], [*starts[2:], len(terms)]):
            pieces = []
            for term in terms[a:b]:
                sign, body = self._signed(term)
                pieces.append(("- " if sign < 0 else "+ ") + body)
            chunks.append(" ".join(pieces))
        return chunks

    def _sentence_lines(self, s: Sentence, text) -> list[Sentence]:
        """One line per sentence (``\\text{…}`` does not wrap), each broken at the
        wrap width as the text format breaks it."""
        pieces = split_sentences(s)
        if not self.opts.wrap:
            return pieces
        measure = (lambda n: len(text.flat(n)))
        return [line for p in pieces for line in break_sentence(p, self.opts.wrap, measure)]

    def document(self, doc: Document) -> str:
        from mixeq.equations.text import TextWriter  # text imports this module

        text = TextWriter(self.opts)
        breaks = text.row_breaks(doc)
        labelled = any(b.title for b in doc.blocks if b.rows)
        lines: list[tuple[bool, str]] = []  # (starts a new block, text)
        for block in doc.blocks:
            new = []
            for k, row in enumerate(block.rows):
                label = (block.title + ":") if (k == 0 and block.title) else ""
                new.extend(self.row_lines(row, labelled, row.label or label,
                                          breaks.get(id(row))))
            for sentence in block.sentences:
                for k, piece in enumerate(self._sentence_lines(sentence, text)):
                    new.append(("& & " if labelled else "") + "&" + (r"\quad " if k else "")
                               + self._sentence(piece))
            lines.extend((n == 0 and bool(lines), text) for n, text in enumerate(new))
        out = lines[0][1] if lines else ""
        for gap, text in lines[1:]:
            out += (" \\\\[4pt]\n" if gap else " \\\\\n") + text
        return "\\begin{aligned}\n" + out + "\n\\end{aligned}"


def split_sentences(s: Sentence) -> list[Sentence]:
    """Prose of several sentences, one line each: ``\\text{…}`` does not wrap."""
    merged: list = []
    for part in s.parts:  # adjacent words first: a sentence may end where a part does
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    lines, current = [], []
    for part in merged:
        if not isinstance(part, str) or ". " not in part:
            current.append(part)
            continue
        pieces = part.split(". ")
        for piece in pieces[:-1]:
            current.append(piece + ".")
            lines.append(current)
            current = []
        current.append(pieces[-1])
    lines.append(current)
    return [Sentence(tuple(p for p in line if p != "")) for line in lines if any(
        not isinstance(p, str) or p.strip() for p in line)]


def to_latex(doc: Document, opts: Options) -> str:
    return LatexWriter(opts).document(doc)


def node_latex(node, opts: Options) -> str:
    return LatexWriter(opts).node(node)

