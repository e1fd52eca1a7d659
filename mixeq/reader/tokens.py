"""Tokenizer for equations typed as LaTeX, plain text or Unicode.

Every token keeps its offset in the input so that errors can point at it.
Subscripts and superscripts are read raw (``_{0j}`` → ``SUB "0j"``) because
their content is a list of indices, not an expression.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mixeq.design.names import dummy_name
from mixeq.reader import vocabulary as V

# Token kinds
NAME, NUMBER, SUB, SUP = "NAME", "NUMBER", "SUB", "SUP"
PLUS, MINUS, TIMES, EQ, SIM = "+", "-", "*", "=", "~"
LPAREN, RPAREN, LBRACK, RBRACK, LBRACE, RBRACE = "(", ")", "[", "]", "{", "}"
COMMA, SEMI, COLON, AMP, BAR, DOTS = ",", ";", ":", "&", "|", "..."
ROWSEP, NEWLINE, BEGIN, END, TEXT, UNKNOWN = "\\\\", "NEWLINE", "BEGIN", "END", "TEXT", "UNKNOWN"

_SINGLE = {
    "+": PLUS, "-": MINUS, "−": MINUS, "*": TIMES, "·": TIMES, "×": TIMES, "⋅": TIMES,
    "∙": TIMES, "=": EQ, "~": SIM, "∼": SIM, "(": LPAREN, ")": RPAREN, "[": LBRACK,
    "]": RBRACK, "{": LBRACE, "}": RBRACE, ",": COMMA, ";": SEMI, ":": COLON,
    "&": AMP, "|": BAR, "…": DOTS, "⋯": DOTS, "⋮": DOTS, "⋱": DOTS,
}
_ESCAPES = (("\\_", "_"), ("\\hat{}", "^"), ("\\textasciicircum{}", "^"), ("\\^{}", "^"),
            ("\\ ", " "), ("\\,", " "), ("\\&", "&"), ("\\%", "%"))
_WRAPPER = r"\\(?:text|operatorname|mathrm|textrm|mathit|textit)\s*"
_LABELLED = re.compile(  # _{\text{Public}}, _{\text{Public},j}, _\text{Public}
    r"[ \t]*_[ \t]*(?:\{[ \t]*" + _WRAPPER + r"\{(?P<label>[^{}]*)\}(?P<rest>[^{}]*)\}"
    r"|" + _WRAPPER + r"\{(?P<label2>[^{}]*)\})")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.]*$")
_INDEX_LIKE = re.compile(r"^(?:[a-z]{1,3}|\d+[a-z]{0,3})$")  # _{\text{ij}}, _{\text{0j}}: indices
_SKIPPED = set(" \t\r\f\v$\u00a0\u2009\u200a\u2002\u2003\ufeff\u200b\u2060")


@dataclass(frozen=True)
class Token:
    """One token: ``kind``, normalised ``value``, and its span ``start:end`` in
    the input. For SUB/SUP, ``inner`` is the span of the raw content (without
    braces) and ``braced`` says whether it was written in braces."""

    kind: str
    value: str
    start: int
    end: int
    inner: tuple[int, int] | None = None
    braced: bool = False


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.tokens: list[Token] = []
        self._closing: dict[int, int] | None = None

    def closing(self) -> dict[int, int]:
        """Offset of each "(" → its ")" on the same line (one pass over the text,
        so finding a call's end stays linear however deep the nesting)."""
        if self._closing is None:
            self._closing, stack = {}, []
            for k, ch in enumerate(self.text):
                if ch == "(":
                    stack.append(k)
                elif ch == ")" and stack:
                    self._closing[stack.pop()] = k
                elif ch == "\n":
                    stack.clear()
        return self._closing

    # -- helpers --------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    def emit(self, kind, value, start, end, inner=None, braced=False):
        self.tokens.append(Token(kind, value, start, end, inner, braced))

    def skip_spaces(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def read_braced(self) -> tuple[str, int, int] | None:
        """If a ``{…}`` group starts here, consume it: (content, inner start, inner end)."""
        self.skip_spaces()
        if self.peek() != "{":
            return None
        depth, j = 0, self.i
        while j < len(self.text):
            ch = self.text[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    start = self.i + 1
                    self.i = j + 1
                    return self.text[start:j], start, j
            j += 1
        return None  # unbalanced: let the parser report the lone "{"

    def read_word(self) -> str:
        j = self.i
        while j < len(self.text) and self.text[j].isascii() and self.text[j].isalpha():
            j += 1
        word, self.i = self.text[self.i:j], j
        return word

    # -- main loop ------------------------------------------------------------
    def run(self) -> list[Token]:
        text = self.text
        while self.i < len(text):
            ch, start = text[self.i], self.i
            if ch == "%" or (ch == "#"):
                while self.i < len(text) and text[self.i] != "\n":
                    self.i += 1
            elif ch == "\n":
                self.emit(NEWLINE, "\n", start, start + 1)
                self.i += 1
            elif ch in _SKIPPED:
                self.i += 1
            elif ch == "\\":
                self.command()
            elif ch in V.SUBSCRIPT_CHARS or ch in V.SUPERSCRIPT_CHARS:
                self.unicode_script(start)
            elif ch in V.UNICODE_GREEK:
                self.i += 1
                self.emit(NAME, V.UNICODE_GREEK[ch], start, self.i)
            elif ch.isalpha():
                self.name()
            elif ch == "`" and "`" in text[self.i + 1:].split("\n", 1)[0]:
                self.quoted_name()
            elif ch.isascii() and ch.isdigit() or (ch == "." and self.peek(1).isdigit()):
                self.number()
            elif ch == ".":
                self.dots()
            elif ch in ("_", "^"):
                self.i += 1
                self.script(SUB if ch == "_" else SUP, start)
            elif ch in ("'", "′", "’"):
                self.i += 1
                self.emit(SUP, "'", start, self.i, (start, self.i))
            elif ch in _SINGLE:
                self.i += 1
                self.emit(_SINGLE[ch], ch, start, self.i)
            else:
                self.i += 1
                self.emit(UNKNOWN, ch, start, self.i)
        return self.tokens

    def name(self) -> None:
        start, text = self.i, self.text
        j = start
        while j < len(text) and (text[j].isalnum() and text[j] not in V.SUBSCRIPT_CHARS
                                 and text[j] not in V.SUPERSCRIPT_CHARS
                                 and text[j] not in V.UNICODE_GREEK):
            j += 1
        j = self._underscore_parts(j)
        j = self._call_name(j)
        self.i = max(j, start + 1)
        self.emit(NAME, text[start:self.i], start, self.i)
        self.level_label()

    def level_label(self) -> None:
        """``\\operatorname{sector}_{\\operatorname{Public}}`` (as equatiomatic writes a
        dummy), ``\\text{sector}_{\\text{Public}, j}``: a level written as a name in the
        subscript makes the name the dummy (:func:`mixeq.design.names.dummy_name`, the
        spelling mixeq's renderers use); what follows it in the subscript is its index."""
        found = _LABELLED.match(self.text, self.i)
        last = self.tokens[-1]
        if found is None or last.value in V.SYMBOL_NAMES:
            return
        label = (found.group("label") or found.group("label2") or "").strip()
        for escaped, plain in _ESCAPES:
            label = label.replace(escaped, plain)
        if not _LABEL.match(label) or _INDEX_LIKE.match(label):
            return
        self.tokens[-1] = Token(NAME, dummy_name(last.value, label), last.start, found.end())
        self.i = found.end()
        rest = found.group("rest")
        if rest is not None and rest.strip(" ,"):
            a = found.start("rest") + len(rest) - len(rest.lstrip(" ,"))
            b = found.end("rest")
            self.emit(SUB, self.text[a:b].strip(), a, b, (a, b), True)

    def quoted_name(self) -> None:
        """Text output writes a column name that is not one word in backticks, as R
        does: ```my var`ᵢⱼ``, ```2nd`ᵢⱼ``; the name is the text between them."""
        start = self.i
        end = self.text.index("`", start + 1)
        self.i = end + 1
        j = self._underscore_parts(self.i)
        self.i = max(j, self.i)
        content = self.text[start + 1:end] + self.text[end + 1:self.i]
        if content.strip():
            self.emit(NAME, content, start, self.i)

    def _call_name(self, j: int) -> int:
        """Text output writes a formulaic term as a name: ``I(x ** 2)ᵢⱼ``, a logical
        term's dummy as ``I(x > 5)_TRUEᵢⱼ`` (R's column ``I(x > 5)TRUE``) and a contrast
        column as ``C(f, sum)_1ᵢⱼ``, ``C(k, poly)_.Lᵢⱼ``."""
        text = self.text
        if j >= len(text) or text[j] != "(":
            return j
        k = self.closing().get(j)
        if k is None:
            return j
        after = self._underscore_parts(k + 1)
        if after == k + 1 and text.startswith("_", after):  # poly's C(k, poly)_.L, _^4
            end = after + 1
            while end < len(text) and text[end].isascii() and (text[end].isalnum()
                                                               or text[end] in ".^"):
                end += 1
            after = end if end > after + 1 else after
        return after if after < len(text) and (text[after] in V.SUBSCRIPT_CHARS or
                                               text.startswith("_(", after)) else j

    def _underscore_parts(self, j: int) -> int:
        """Text output writes a factor's dummy as ``recipe_Bⱼ`` or ``f_mid_(j[i])``:
        an ``_part`` followed by a Unicode or parenthesised subscript is in the name.
        Typed, a dummy is ``sector_Public_j`` or ``sector_Public``: a part followed by
        another ``_part`` (the subscript) is in the name unless it could be an index
        itself (digits, one lower-case letter: ``b_0_j``), and so is a last part that no
        index is spelt like (``Public``: a capital and more letters). The names of
        coefficients and error terms keep their subscripts (``gamma_0_1``)."""
        text = self.text
        end = j
        base = text[self.i:j]
        while j < len(text) and text[j] == "_":
            k = j + 1
            while k < len(text) and text[k].isascii() and text[k].isalnum():
                k += 1
            if k == j + 1:
                break
            part = text[j + 1:k]
            j = k
            if k < len(text) and (text[k] in V.SUBSCRIPT_CHARS or text.startswith("_(", k)):
                end = k
            elif base not in V.SYMBOL_NAMES and _name_part(part, text[k:k + 2]):
                end = k
        return end

    def number(self) -> None:
        start, text = self.i, self.text
        j = start
        while j < len(text) and ((text[j].isascii() and text[j].isdigit())
                                 or (text[j] == "." and text[j + 1:j + 2].isdigit())):
            j += 1
        self.i = j
        self.emit(NUMBER, text[start:j], start, j)

    def dots(self) -> None:
        start = self.i
        while self.peek() == ".":
            self.i += 1
        if self.i - start >= 2:
            self.emit(DOTS, "...", start, self.i)
        # a lone "." (end of sentence, \left.) is dropped

    def script(self, kind: str, start: int) -> None:
        """Content of ``_`` or ``^``: a braced group, a command, or a run of
        digits and lower-case letters (``x_ij``, ``b_0j``)."""
        self.skip_spaces()
        braced = self.read_braced()
        if braced is None and self.peek() == "{":
            self.emit(UNKNOWN, "{ without its closing }", self.i, self.i + 1)
            self.i += 1
            return
        if braced is not None:
            content, a, b = braced
            self.emit(kind, content, start, self.i, (a, b), True)
            return
        if self.peek() == "\\":
            self.command_script(kind, start)
        else:
            self.bare_script(kind, start)

    def command_script(self, kind: str, start: int) -> None:
        """``_\\alpha``, or ``_\\text{school}`` (the wrapper's content)."""
        a = self.i
        self.i += 1
        word = self.read_word()
        if word in V.NAME_WRAPPERS:
            inner = self.read_braced()
            if inner is not None:
                self.emit(kind, inner[0], start, self.i, (inner[1], inner[2]), True)
                return
        self.emit(kind, "\\" + word, start, self.i, (a, self.i))

    def bare_script(self, kind: str, start: int) -> None:
        """Unbraced: ``τ_(π00)``, digits of a power, ``ij``, ``X_J``, ``a_j[i]``."""
        a = self.i
        first = self.peek()
        if first == "(":  # text spellings τ_(π00), τ^(plate)
            close = self.text.find(")", a)
            if close != -1 and "\n" not in self.text[a:close]:
                self.i = close + 1
                self.emit(kind, self.text[a + 1:close], start, self.i, (a + 1, close), True)
                return
        if kind == SUP:
            if first.isdigit():
                while self.peek().isdigit():
                    self.i += 1
            elif first:
                self.i += 1
        else:
            while self.peek() and (self.peek().isdigit() or self.peek().islower()) \
                    and self.peek().isascii():
                self.i += 1
            if self.i == a and first and first not in " \n":
                self.i += 1  # one other character: X_J, x_*
            if self.text[self.i:self.i + 1] == "[" and self.text[self.i + 2:self.i + 3] == "]" \
                    and self.text[self.i + 1:self.i + 2].isalpha():
                self.i += 3  # Gelman–Hill a_j[i]: the cluster of observation i
        self.emit(kind, self.text[a:self.i], start, self.i, (a, self.i))

    def unicode_script(self, start: int) -> None:
        table = V.SUBSCRIPT_CHARS if self.text[self.i] in V.SUBSCRIPT_CHARS else V.SUPERSCRIPT_CHARS
        kind = SUB if table is V.SUBSCRIPT_CHARS else SUP
        value = []
        while self.peek() and self.peek() in table:
            value.append(table[self.peek()])
            self.i += 1
        self.emit(kind, "".join(value), start, self.i, (start, self.i))

    def command(self) -> None:
        start = self.i
        nxt = self.peek(1)
        if nxt == "\\":
            self.i += 2
            self.skip_spaces()
            if self.peek() == "[":  # \\[4pt]
                close = self.text.find("]", self.i)
                if close != -1:
                    self.i = close + 1
            self.emit(ROWSEP, "\\\\", start, self.i)
            return
        if not (nxt.isascii() and nxt.isalpha()):
            self.i += 2
            if nxt in ("{", "}"):
                self.emit(LPAREN if nxt == "{" else RPAREN, nxt, start, self.i)
            elif nxt == "|":
                self.emit(BAR, "|", start, self.i)
            elif nxt in ("[", "]", "(", ")"):
                self.emit(NEWLINE, "\n", start, self.i)  # \[ … \] display math
            elif nxt == "_":
                self.emit(UNKNOWN, "\\_", start, self.i)
            return  # \, \; \! \: and "\ " are spacing
        self.i += 1
        word = self.read_word()
        self.named_command(word, start)

    def named_command(self, word: str, start: int) -> None:
        if word in V.GREEK:
            self.emit(NAME, word, start, self.i)
        elif word in ("begin", "end"):
            env = self.read_braced()
            name = env[0].strip() if env else ""
            if word == "begin" and name == "array":
                self.read_braced()  # column specification
            if name.rstrip("*") in V.MATRIX_ENVIRONMENTS:
                self.emit(BEGIN if word == "begin" else END, name, start, self.i)
            else:
                self.emit(NEWLINE, "\n", start, self.i)
        elif word in V.IGNORED_COMMANDS:
            return
        elif word in V.IGNORED_WITH_ARGUMENT:
            self.read_braced()
        elif word in V.NAME_WRAPPERS:
            self.wrapped_name(word, start)
        elif word in V.ACCENTS:
            self.accented_name(word, start)
        elif word in V.TIMES_COMMANDS:
            self.emit(TIMES, "*", start, self.i)
        elif word in V.SIM_COMMANDS:
            self.emit(SIM, "~", start, self.i)
        elif word in V.DOTS_COMMANDS:
            self.emit(DOTS, "...", start, self.i)
        elif word in V.BAR_COMMANDS:
            self.emit(BAR, "|", start, self.i)
        elif word in ("prime",):
            self.emit(SUP, "'", start, self.i, (start, self.i))
        elif word in ("newline", "cr"):
            self.emit(ROWSEP, "\\\\", start, self.i)
        elif word in ("langle", "lbrace", "lbrack", "lparen"):
            self.emit(LPAREN, "(", start, self.i)
        elif word in ("rangle", "rbrace", "rbrack", "rparen"):
            self.emit(RPAREN, ")", start, self.i)
        elif word in V.FUNCTION_COMMANDS:
            self.emit(NAME, word, start, self.i)
        else:
            self.emit(UNKNOWN, "\\" + word, start, self.i)

    def wrapped_name(self, word: str, start: int) -> None:
        saved = self.i
        group = self.read_braced()
        if group is None:
            return  # \mathbf T: the next token is the name
        content = group[0].strip()
        for escaped, plain in _ESCAPES:
            content = content.replace(escaped, plain)
        plain = content.replace("_", "").replace(".", "")
        if content and plain.isalnum() and not content[0].isdigit() and "__" not in content:
            self.emit(NAME, content, start, self.i)
            self.level_label()
        elif content.startswith("\\") and content[1:] in V.GREEK:
            self.emit(NAME, content[1:], start, self.i)
        elif content and content.replace(".", "").isdigit():
            self.emit(NUMBER, content, start, self.i)
        elif word in ("operatorname", "mathrm") and content and "\\" not in content \
                and "$" not in content:
            self.emit(NAME, content, start, self.i)  # a formulaic term: I(x ** 2)
        elif word in ("text", "mbox", "textrm", "textit", "textbf", "emph", "textsf"):
            self.emit(TEXT, content, start, self.i)
        else:
            self.i = saved  # a structured argument: read it as ordinary tokens

    def accented_name(self, word: str, start: int) -> None:
        group = self.read_braced()
        if group is None:
            self.skip_spaces()
            if self.peek().isalpha():
                content = self.peek()
                self.i += 1
            else:
                return
        else:
            content = group[0].strip()
            if content.startswith("\\"):
                content = content[1:]
            for wrapper in V.NAME_WRAPPERS:
                if content.startswith(wrapper + "{") and content.endswith("}"):
                    content = content[len(wrapper) + 1:-1]
        self.emit(NAME, content + V.ACCENTS[word], start, self.i)


def _name_part(part: str, after: str) -> bool:
    """``Public`` in ``sector_Public_j`` or ``sector_Public``: part of a dummy's name, not
    an index (``after``: the two characters that follow the part)."""
    if after[:1] == "_" and after[1:2].isascii() and after[1:2].isalnum():
        return not part.isdigit() and not (len(part) == 1 and part.islower())
    return len(part) > 1 and any(ch.isupper() for ch in part) and part[0].isalpha()


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (comments dropped, spacing commands ignored)."""
    return _Scanner(text).run()
