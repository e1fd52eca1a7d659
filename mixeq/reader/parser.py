"""Recursive-descent parser for one equation (a :class:`Statement`).

Grammar (juxtaposition is multiplication)::

    statement := expr ["|" expr ("," expr)*] (("=" | "~") expr ["=" expr])?
    expr      := ["+" | "-"] term (("+" | "-") term)*
    term      := factor (["*"] factor)*
    factor    := atom (SUB | SUP)*
    atom      := NAME | NUMBER | FUNC ["^-1"] "(" args ")" | "(" list ")" | "[" list "]"
               | "{" expr "}" | BEGIN cells END
    args      := expr ["=" expr] ("," expr)*          (Pr(y_i = 1))

``y_ij | β_0j ~ Bernoulli(p_ij)`` keeps what it is conditioned on in ``Relation.given``;
``logit(p_ij) = η_ij = β_0j + …`` (a link, its linear predictor's name, the predictor)
keeps the name in ``Relation.middle``.
"""
from __future__ import annotations

from mixeq.reader import tokens as T
from mixeq.reader.lines import Statement
from mixeq.reader.syntax import Call, Group, Num, Prod, Relation, Script, Sum, Sym
from mixeq.reader.vocabulary import FUNCTIONS, INVERTIBLE, LINKS


# What went wrong (ParseError.kind): the grammar rule that failed.
UNCLOSED = "unclosed"                    # a bracket or brace without its closer (``closer``)
MISSING_TERM = "missing-term"            # '+' or '-' with no term after it
MISSING_FACTOR = "missing-factor"        # '*' with no factor after it
NO_TERM = "no-term"                      # a term expected where something else stands
NOTHING_AFTER_RELATION = "nothing-after-relation"
SECOND_RELATION = "second-relation"      # two '=' or '~' in one equation
UNEXPECTED = "unexpected"                # a token that cannot stand here
EMPTY = "empty"                          # an empty equation, '{}', '()', matrix
DOUBLE_SCRIPT = "double-script"          # two subscripts (or superscripts) on one symbol
STRAY_SCRIPT = "stray-script"            # a subscript that belongs to no symbol
UNCLOSED_ENVIRONMENT = "unclosed-environment"
NOT_A_TERM = "not-a-term"                # a vector or function as a term of a model equation

# What was found where it went wrong (ParseError.found): the token's kind of trouble.
FOUND_END = "end"                        # the end of the equation
FOUND_OPEN_BRACE = "open-brace"          # a '{' without its closing '}'
FOUND_COMMAND = "command"                # a LaTeX command mixeq does not read
FOUND_FOREIGN = "foreign"                # a character outside the equation language
FOUND_TOKEN = "token"                    # an ordinary token in the wrong place


class ParseError(Exception):
    """A structured parse failure: ``kind`` (the rule that failed, above), ``found``
    (what stood there), ``closer`` (for UNCLOSED: the missing ``)``, ``]`` or ``}``),
    ``message`` (a sentence) about the token at ``offset`` (in the whole input)."""

    def __init__(self, kind: str, message: str, offset: int, found: str | None = None,
                 closer: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.offset = offset
        self.found = found
        self.closer = closer


_FACTOR_START = (T.NAME, T.NUMBER, T.LPAREN, T.LBRACK, T.LBRACE, T.BEGIN)
_CLOSERS = {T.LPAREN: T.RPAREN, T.LBRACK: T.RBRACK, T.LBRACE: T.RBRACE}


def _found(tok: T.Token | None) -> str:
    if tok is None:
        return FOUND_END
    if tok.kind == T.UNKNOWN and tok.value.startswith("{ "):
        return FOUND_OPEN_BRACE
    if tok.kind == T.UNKNOWN and tok.value.startswith("\\"):
        return FOUND_COMMAND
    if tok.kind == T.UNKNOWN:
        return FOUND_FOREIGN
    return FOUND_TOKEN


def _describe(tok: T.Token | None) -> str:
    found = _found(tok)
    if found == FOUND_END:
        return "the end of the equation"
    if found == FOUND_OPEN_BRACE:
        return "'{' without its closing '}'"
    if found == FOUND_COMMAND:
        return f"the command {tok.value}, which mixeq does not read in model equations"
    if found == FOUND_FOREIGN:
        return f"'{tok.value}', which is not part of the equation language"
    if tok.kind in (T.SUB, T.SUP):
        return f"'{'_' if tok.kind == T.SUB else '^'}{tok.value}'"
    return f"'{tok.value}'"


class _Parser:
    def __init__(self, statement: Statement):
        self.toks = statement.tokens
        self.k = 0
        self.end_offset = self.toks[-1].end if self.toks else statement.start

    # -- token access ---------------------------------------------------------
    def peek(self, ahead: int = 0) -> T.Token | None:
        j = self.k + ahead
        return self.toks[j] if j < len(self.toks) else None

    def at(self, *kinds: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in kinds

    def take(self) -> T.Token:
        tok = self.toks[self.k]
        self.k += 1
        return tok

    def fail(self, kind: str, message: str, closer: str | None = None) -> ParseError:
        """A ParseError of ``kind`` at the next token (what was found there recorded)."""
        tok = self.peek()
        offset = tok.start if tok is not None else self.end_offset
        return ParseError(kind, message, offset, _found(tok), closer)

    def expect_closer(self, kind: str, what: str) -> T.Token:
        if not self.at(kind):
            raise self.fail(UNCLOSED, f"expected {what} but found {_describe(self.peek())}",
                            closer=kind)
        return self.take()

    # -- grammar --------------------------------------------------------------
    def statement(self):
        lhs = self.expr()
        given = self.given() if self.at(T.BAR) else []
        if self.at(T.EQ, T.SIM):
            op = self.take()
            if self.peek() is None:
                raise self.fail(NOTHING_AFTER_RELATION, f"nothing after '{op.value}'")
            rhs = self.expr()
            node = Relation(lhs, op.kind, rhs, (op.start, op.end), given)
            if op.kind == T.EQ and self.at(T.EQ) and _is_link(lhs) and isinstance(rhs, Sym):
                self.take()  # logit(p_ij) = η_ij = β_0j + …
                node = Relation(lhs, op.kind, self.expr(), (op.start, op.end), given, rhs)
        else:
            node = lhs
        if self.peek() is not None:
            tok = self.peek()
            if tok.kind in (T.EQ, T.SIM):
                raise self.fail(SECOND_RELATION, "a second '=' or '~' in one equation: "
                                "put each equation on its own line")
            raise self.fail(UNEXPECTED, f"unexpected {_describe(tok)}")
        return node

    def given(self) -> list:
        """``| β_0j, β_1j``: what a distribution is conditioned on."""
        self.take()
        items = [self.expr()]
        while self.at(T.COMMA):
            self.take()
            items.append(self.expr())
        return items

    def expr(self):
        start = self.peek().start if self.peek() else self.end_offset
        terms: list[tuple[int, object]] = []
        sign = 1
        if self.at(T.PLUS, T.MINUS):
            sign = -1 if self.take().kind == T.MINUS else 1
        terms.append((sign, self.term()))
        while self.at(T.PLUS, T.MINUS):
            op = self.take()
            if not self.at(*_FACTOR_START):
                raise self.fail(MISSING_TERM, f"expected a term after '{op.value}' "
                                f"but found {_describe(self.peek())}")
            terms.append((-1 if op.kind == T.MINUS else 1, self.term()))
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return Sum(terms, start, self.toks[self.k - 1].end)

    def term(self):
        if not self.at(*_FACTOR_START):
            raise self.fail(NO_TERM, f"expected a term but found {_describe(self.peek())}")
        factors = [self.factor()]
        while self.at(T.TIMES, *_FACTOR_START):
            if self.at(T.TIMES):
                op = self.take()
                if not self.at(*_FACTOR_START):
                    raise self.fail(MISSING_FACTOR, f"expected a factor after '{op.value}' "
                                    f"but found {_describe(self.peek())}")
            factors.append(self.factor())
        if len(factors) == 1:
            return factors[0]
        return Prod(factors, _start(factors[0]), _end(factors[-1]))

    def factor(self):
        node = self.atom()
        while self.at(T.SUB, T.SUP):
            tok = self.take()
            script = Script(tok.value.strip(), tok.inner or (tok.start, tok.end), tok.braced)
            node = self.attach(node, tok, script)
        return node

    def attach(self, node, tok: T.Token, script: Script):
        if isinstance(node, Sym):
            if tok.kind == T.SUB:
                if node.sub is not None:
                    raise ParseError(DOUBLE_SCRIPT, f"'{node.name}' has two subscripts: "
                                     "write them in one pair of braces",
                                     tok.start)
                node.sub = script
            elif node.sup is None:
                node.sup = script
            else:
                raise ParseError(DOUBLE_SCRIPT, f"'{node.name}' has two superscripts",
                                 tok.start)
            node.end = tok.end
            return node
        if isinstance(node, Group) and tok.kind == T.SUP:
            if script.raw in ("'", "T", "\\top", "\\prime", "\\intercal", "\\mathsf{T}"):
                node.transposed = True
            else:
                node.sup = script
            node.end = tok.end
            return node
        if isinstance(node, Num) and tok.kind == T.SUP:
            return node
        raise ParseError(STRAY_SCRIPT, f"a {'subscript' if tok.kind == T.SUB else 'superscript'}"
                         " here does not belong to a symbol", tok.start)

    def atom(self):
        tok = self.take()
        if tok.kind == T.NAME:
            if tok.value in FUNCTIONS and self.at(T.LPAREN):
                return self.call(tok)
            if tok.value == "sqrt" and self.at(T.LBRACE):
                return self.braced_call(tok)  # LaTeX's \sqrt{z_ij}: sqrt(z)
            if tok.value in INVERTIBLE and self.at(T.SUP) and self.peek().value.strip() == "-1" \
                    and self.peek(1) is not None and self.peek(1).kind == T.LPAREN:
                self.take()  # logit^{-1}(…), Φ⁻¹(…): the inverse function
                return self.call(tok, tok.value + "^-1")
            return Sym(tok.value, tok.start, tok.end)
        if tok.kind == T.NUMBER:
            return Num(tok.value, tok.start, tok.end)
        if tok.kind == T.LBRACE:
            if self.at(T.RBRACE):
                raise ParseError(EMPTY, "empty braces '{}'", tok.start)
            inner = self.expr()
            self.expect_closer(T.RBRACE, "'}' to close the '{'")
            return inner
        if tok.kind in (T.LPAREN, T.LBRACK):
            return self.bracket(tok)
        if tok.kind == T.BEGIN:
            return self.matrix(tok)
        raise ParseError(UNEXPECTED, f"unexpected {_describe(tok)}", tok.start, _found(tok))

    def call(self, name: T.Token, func: str | None = None) -> Call:
        self.take()  # "("
        args = [self.argument()]
        while self.at(T.COMMA):
            self.take()
            args.append(self.argument())
        close = self.expect_closer(T.RPAREN, f"')' to close {name.value}(")
        return Call(func or name.value, args, name.start, close.end)

    def braced_call(self, name: T.Token) -> Call:
        """A function whose LaTeX argument is a brace group (``\\sqrt{z_{ij}}``)."""
        self.take()  # "{"
        arg = self.expr()
        close = self.expect_closer(T.RBRACE, f"'}}' to close \\{name.value}{{")
        return Call(name.value, [arg], name.start, close.end)

    def argument(self):
        """An argument: an expression, or ``y_i = 1`` inside ``Pr(…)``."""
        left = self.expr()
        if self.at(T.EQ):
            op = self.take()
            return Relation(left, op.kind, self.expr(), (op.start, op.end))
        return left

    def bracket(self, open_tok: T.Token) -> Group:
        closer = _CLOSERS[open_tok.kind]
        rows: list[list[object | None]] = [[]]
        while True:
            if self.at(closer) and not rows[-1] and len(rows) == 1:
                raise self.fail(EMPTY, f"empty '{open_tok.value}{closer}'")
            rows[-1].append(self.expr())
            if self.at(T.BAR):  # E[y_ij | b_j]: what the mean is conditioned on
                self.given()
            if self.at(T.COMMA):
                self.take()
            elif self.at(T.SEMI):
                self.take()
                rows.append([])
            else:
                break
        close = self.expect_closer(closer, f"'{closer}' to close the '{open_tok.value}'")
        return Group(rows, open_tok.value, open_tok.start, close.end)

    def matrix(self, begin: T.Token) -> Group:
        rows: list[list[object | None]] = [[]]
        cell_open = True
        while not self.at(T.END):
            if self.peek() is None:
                env = begin.value
                raise ParseError(UNCLOSED_ENVIRONMENT, f"\\begin{{{env}}} without \\end{{{env}}}",
                                 begin.start)
            if self.at(T.AMP):
                self.take()
                if cell_open:
                    rows[-1].append(None)
                cell_open = True
            elif self.at(T.ROWSEP):
                self.take()
                if cell_open and rows[-1]:
                    rows[-1].append(None)
                rows.append([])
                cell_open = True
            elif self.at(T.DOTS, T.COMMA):
                self.take()
                cell_open = False
                rows[-1].append(None)
            else:
                rows[-1].append(self.expr())
                cell_open = False
        end = self.take()
        rows = [r for r in rows if r]
        if not rows:
            raise ParseError(EMPTY, f"empty \\begin{{{begin.value}}}", begin.start)
        return Group(rows, begin.value, begin.start, end.end)


def _is_link(node) -> bool:
    """``logit(p_ij)``, ``Φ⁻¹(p_ij)``, ``log(λ_ij)``: a link applied to a mean."""
    return isinstance(node, Call) and node.func in LINKS


def _start(node) -> int:
    return node.start


def _end(node) -> int:
    return node.end


def parse_statement(statement: Statement):
    """Parse one equation; raises :class:`ParseError` with the offset."""
    if not statement.tokens:
        raise ParseError(EMPTY, "empty equation", statement.start)
    return _Parser(statement).statement()
