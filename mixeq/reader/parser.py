"""Recursive-descent parser for one equation (a :class:`Statement`).

Grammar (juxtaposition is multiplication)::

    statement := expr (("=" | "~") expr)?
    expr      := ["+" | "-"] term (("+" | "-") term)*
    term      := factor (["*"] factor)*
    factor    := atom (SUB | SUP)*
    atom      := NAME | NUMBER | FUNC "(" list ")" | "(" list ")" | "[" list "]"
               | "{" expr "}" | BEGIN cells END
"""
from __future__ import annotations

from mixeq.reader import tokens as T
from mixeq.reader.lines import Statement
from mixeq.reader.syntax import Call, Group, Num, Prod, Relation, Script, Sum, Sym
from mixeq.reader.vocabulary import FUNCTIONS


class ParseError(Exception):
    """``message`` about the token at ``offset`` (in the whole input)."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


_FACTOR_START = (T.NAME, T.NUMBER, T.LPAREN, T.LBRACK, T.LBRACE, T.BEGIN)
_CLOSERS = {T.LPAREN: T.RPAREN, T.LBRACK: T.RBRACK, T.LBRACE: T.RBRACE}


def _describe(tok: T.Token | None) -> str:
    if tok is None:
        return "the end of the equation"
    if tok.kind == T.UNKNOWN and tok.value.startswith("{ "):
        return "'{' without its closing '}'"
    if tok.kind == T.UNKNOWN and tok.value.startswith("\\"):
        return f"the command {tok.value}, which mixeq does not read in model equations"
    if tok.kind == T.UNKNOWN:
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

    def fail(self, message: str) -> ParseError:
        tok = self.peek()
        offset = tok.start if tok is not None else self.end_offset
        return ParseError(message, offset)

    def expect(self, kind: str, what: str) -> T.Token:
        if not self.at(kind):
            raise self.fail(f"expected {what} but found {_describe(self.peek())}")
        return self.take()

    # -- grammar --------------------------------------------------------------
    def statement(self):
        lhs = self.expr()
        if self.at(T.EQ, T.SIM):
            op = self.take()
            if self.peek() is None:
                raise self.fail(f"nothing after '{op.value}'")
            rhs = self.expr()
            node = Relation(lhs, op.kind, rhs, (op.start, op.end))
        else:
            node = lhs
        if self.peek() is not None:
            tok = self.peek()
            if tok.kind in (T.EQ, T.SIM):
                raise self.fail("a second '=' or '~' in one equation: "
                                "put each equation on its own line")
            raise self.fail(f"unexpected {_describe(tok)}")
        return node

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
                raise self.fail(f"expected a term after '{op.value}' "
                                f"but found {_describe(self.peek())}")
            terms.append((-1 if op.kind == T.MINUS else 1, self.term()))
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return Sum(terms, start, self.toks[self.k - 1].end)

    def term(self):
        if not self.at(*_FACTOR_START):
            raise self.fail(f"expected a term but found {_describe(self.peek())}")
        factors = [self.factor()]
        while self.at(T.TIMES, *_FACTOR_START):
            if self.at(T.TIMES):
                op = self.take()
                if not self.at(*_FACTOR_START):
                    raise self.fail(f"expected a factor after '{op.value}' "
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
                    raise ParseError(f"'{node.name}' has two subscripts: "
                                     "write them in one pair of braces",
                                     tok.start)
                node.sub = script
            elif node.sup is None:
                node.sup = script
            else:
                raise ParseError(f"'{node.name}' has two superscripts", tok.start)
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
        raise ParseError(f"a {'subscript' if tok.kind == T.SUB else 'superscript'} here "
                         "does not belong to a symbol", tok.start)

    def atom(self):
        tok = self.take()
        if tok.kind == T.NAME:
            if tok.value in FUNCTIONS and self.at(T.LPAREN):
                return self.call(tok)
            return Sym(tok.value, tok.start, tok.end)
        if tok.kind == T.NUMBER:
            return Num(tok.value, tok.start, tok.end)
        if tok.kind == T.LBRACE:
            if self.at(T.RBRACE):
                raise ParseError("empty braces '{}'", tok.start)
            inner = self.expr()
            self.expect(T.RBRACE, "'}' to close the '{'")
            return inner
        if tok.kind in (T.LPAREN, T.LBRACK):
            return self.bracket(tok)
        if tok.kind == T.BEGIN:
            return self.matrix(tok)
        raise ParseError(f"unexpected {_describe(tok)}", tok.start)

    def call(self, name: T.Token) -> Call:
        self.take()  # "("
        args = [self.expr()]
        while self.at(T.COMMA):
            self.take()
            args.append(self.expr())
        close = self.expect(T.RPAREN, f"')' to close {name.value}(")
        return Call(name.value, args, name.start, close.end)

    def bracket(self, open_tok: T.Token) -> Group:
        closer = _CLOSERS[open_tok.kind]
        rows: list[list[object | None]] = [[]]
        while True:
            if self.at(closer) and not rows[-1] and len(rows) == 1:
                raise self.fail(f"empty '{open_tok.value}{closer}'")
            rows[-1].append(self.expr())
            if self.at(T.COMMA):
                self.take()
            elif self.at(T.SEMI):
                self.take()
                rows.append([])
            else:
                break
        close = self.expect(closer, f"'{closer}' to close the '{open_tok.value}'")
        return Group(rows, open_tok.value, open_tok.start, close.end)

    def matrix(self, begin: T.Token) -> Group:
        rows: list[list[object | None]] = [[]]
        cell_open = True
        while not self.at(T.END):
            if self.peek() is None:
                env = begin.value
                raise ParseError(f"\\begin{{{env}}} without \\end{{{env}}}", begin.start)
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
            raise ParseError(f"empty \\begin{{{begin.value}}}", begin.start)
        return Group(rows, begin.value, begin.start, end.end)


def _start(node) -> int:
    return node.start


def _end(node) -> int:
    return node.end


def parse_statement(statement: Statement):
    """Parse one equation; raises :class:`ParseError` with the offset."""
    if not statement.tokens:
        raise ParseError("empty equation", statement.start)
    return _Parser(statement).statement()
