"""The matrix form of one cluster and the one-observation form, as people write them
and as mixeq writes them, read with the reader's own tokens (reader/tokens.py):

    [y_1j; ⋮; y_{n_j j}] = [1 X_1j; ⋮] · [γ_00; γ_10] + [1 X_1j; ⋮] · [U_0j; U_1j] + [ε_1j; ⋮]
    Y_j = X_j β + Z_j b_j + ε_j   with   Y_j = […], X_j = […], β = […], Z_j = […], …
    y_1j = 1·γ_00 + X_1j·γ_10 + 1·U_0j + X_1j·U_1j + ε_1j

Row 1 of a matrix form, multiplied out, is the one-observation equation; with the row
number replaced by the observation index it is a composite equation, which the reader
checks against the level equations (its ``composite-mismatch``). :func:`rewrite` puts
that composite line in place of each form (same line number, other lines of the form
blanked); reader/matrix_remarks.py afterwards names what is wrong column by column.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.reader import tokens as T
from mixeq.reader.lines import Statement, split_statements
from mixeq.reader.parser import ParseError, parse_statement
from mixeq.reader.symbols import ERROR, VAR, classify, parse_index
from mixeq.reader.syntax import Num, Sym, symbols_of
from mixeq.reader.vocabulary import LINKS, SUBSCRIPT_CHARS

_TO_SUBSCRIPT = {plain: sub for sub, plain in SUBSCRIPT_CHARS.items()}


@dataclass
class Cell:
    """One cell of a matrix or vector: its tokens, its text as written and its parse."""

    tokens: list[T.Token]
    text: str
    node: object | None = None

    @property
    def is_dots(self) -> bool:
        return all(t.kind == T.DOTS for t in self.tokens)

    def __str__(self) -> str:
        return self.text


@dataclass
class Written:
    """One matrix form: Y's rows, the (matrix rows, vector entries) pairs — X_j with β
    first, then each Z_j with its b_j — and ε's entries; ``composite`` is row 1 multiplied
    out with the observation index (empty when a matrix and its vector do not pair up:
    ``shape`` says how), ``text`` the form as written."""

    line: int
    text: str
    y: list[list[Cell]]
    pairs: list[tuple[list[list[Cell]], list[Cell]]] = field(default_factory=list)
    residual: list[Cell] | None = None
    composite: str = ""
    shape: tuple[int, int] | None = None
    elided: bool = False  # columns left out (⋯): not a whole model
    # where: (the matrix, "X_j" or "Z_j"; the columns written before the ⋯; all written)
    elided_at: tuple[str, int, int] | None = None
    effects: dict[str, list[Cell]] = field(default_factory=dict)  # b_j's symbol → entries
    offsets: list[list[Cell]] = field(default_factory=list)  # o_j: added with coefficient 1
    link: str = ""  # a GLMM's link as written: logit(E[Y_j | b_j]) = …
    uses: set[str] = field(default_factory=set)  # definitions it uses besides its own symbols


# -- reading a statement's tokens as a skeleton: matrices, symbols, operators ---------
@dataclass
class _Item:
    kind: str  # "M" (a matrix or vector), "S" (a symbol), or a token kind
    key: str = ""
    rows: list[list[Cell]] | None = None
    tokens: list[T.Token] = field(default_factory=list)


def _cell(tokens: list[T.Token], source: str, line: int) -> Cell:
    text = source[tokens[0].start:tokens[-1].end] if tokens else ""
    cell = Cell(tokens, text.strip())
    if tokens and not cell.is_dots:
        try:
            cell.node = parse_statement(Statement(tokens, line, text, tokens[0].start))
        except (ParseError, RecursionError):
            cell.node = None
    return cell


def _matrix(tokens: list[T.Token], k: int, source: str, line: int):
    """The matrix starting at ``tokens[k]`` (``\\begin{bmatrix}`` or a text ``[a, b; c, d]``):
    (its rows of cells without the rows of dots, the index after it) or None."""
    opener = tokens[k].kind
    closer, cell_sep, row_sep = ((T.END, (T.AMP,), (T.ROWSEP,)) if opener == T.BEGIN
                                 else (T.RBRACK, (T.COMMA,), (T.SEMI, T.ROWSEP)))
    rows: list[list[list[T.Token]]] = [[[]]]
    depth, j = 0, k + 1
    while j < len(tokens):
        tok = tokens[j]
        if tok.kind in (T.BEGIN, T.LBRACK, T.LPAREN, T.LBRACE):
            depth += 1
        elif tok.kind in (T.END, T.RBRACK, T.RPAREN, T.RBRACE):
            if depth == 0:
                break
            depth -= 1
        if depth == 0 and tok.kind in cell_sep:
            rows[-1].append([])
        elif depth == 0 and tok.kind in row_sep:
            rows.append([[]])
        elif tok.kind not in (T.NEWLINE, T.EQ, T.SIM):
            rows[-1][-1].append(tok)
        else:
            return None  # a relation inside: not a matrix
        j += 1
    if j >= len(tokens) or tokens[j].kind != closer:
        return None
    cells = [[_cell(c, source, line) for c in row] for row in rows]
    cells = [row for row in cells if any(c.tokens for c in row)
             and not all(c.is_dots or not c.tokens for c in row)]
    return (cells, j + 1) if cells else None


def _symbol_key(tokens: list[T.Token]) -> str:
    return "|".join(t.value.replace(" ", "") for t in tokens)


def skeleton(st: Statement, source: str) -> list[_Item]:
    """The statement as matrices, symbols (a name with its scripts) and operators."""
    toks, items, k = st.tokens, [], 0
    while k < len(toks):
        tok = toks[k]
        if tok.kind in (T.BEGIN, T.LBRACK):
            found = _matrix(toks, k, source, st.line)
            if found is not None:
                items.append(_Item("M", rows=found[0], tokens=toks[k:found[1]]))
                k = found[1]
                continue
        if tok.kind == T.NAME:
            j = k + 1
            while j < len(toks) and toks[j].kind in (T.SUB, T.SUP):
                j += 1
            items.append(_Item("S", _symbol_key(toks[k:j]), tokens=toks[k:j]))
            k = j
            continue
        items.append(_Item(tok.kind, tokens=[tok]))
        k += 1
    return items


def _terms(items: list[_Item]) -> list[list[_Item]] | None:
    """``A B + C D + E`` → [[A, B], [C, D], [E]] (None when anything else is written)."""
    terms: list[list[_Item]] = [[]]
    for item in items:
        if item.kind == T.PLUS:
            terms.append([])
        elif item.kind == T.TIMES:
            continue
        elif item.kind in ("M", "S"):
            terms[-1].append(item)
        else:
            return None
    if any(not t or len(t) > 2 for t in terms):
        return None
    return terms


# -- the forms --------------------------------------------------------------------------
def _vector(rows: list[list[Cell]]) -> list[Cell]:
    return [c for row in rows for c in row if c.tokens and not c.is_dots]


def _written(st: Statement, y_rows, terms, resolve) -> Written | None:
    w = Written(st.line, st.text.strip(), y_rows)
    for term in terms:
        blocks = [resolve(item) for item in term]
        if any(b is None for b in blocks):
            return None
        if len(blocks) == 2:
            w.pairs.append((blocks[0], _vector(blocks[1])))
        elif _is_residual(_vector(blocks[0])):
            w.residual = _vector(blocks[0])
        else:
            w.offsets.append(_vector(blocks[0]))  # o_j = [log(t_1j); …]
    return w if w.pairs else None


def _is_residual(vector: list[Cell]) -> bool:
    syms = symbols_of(vector[0].node) if vector else []
    return len(syms) == 1 and classify(syms[0]).role == ERROR


def inline_form(st: Statement, items: list[_Item]) -> Written | None:
    """``[y] = [X] · [β] + [Z] · [b] + [ε]`` written with the matrices themselves."""
    if len(items) < 3 or items[0].kind != "M" or items[1].kind != T.EQ:
        return None
    terms = _terms(items[2:])
    if terms is None or any(i.kind != "M" for t in terms for i in t):
        return None
    return _written(st, items[0].rows, terms, lambda item: item.rows)


def symbolic_form(st: Statement, items: list[_Item], defs: dict) -> Written | None:
    """``Y_j = X_j β + Z_j b_j + ε_j`` with each symbol defined as a matrix elsewhere."""
    if len(items) < 3 or items[0].kind != "S" or items[1].kind != T.EQ \
            or items[0].key not in defs:
        return None
    terms = _terms(items[2:])
    if terms is None or any(i.kind != "S" or i.key not in defs for t in terms for i in t):
        return None
    w = _written(st, defs[items[0].key][1], terms, lambda item: defs[item.key][1])
    if w is not None:
        w.effects = {t[1].key: _vector(defs[t[1].key][1]) for t in terms[1:] if len(t) == 2}
    return w


def _distribution(st: Statement, items: list[_Item], effects: dict) -> tuple | None:
    """``b_j ~ N(0, T)``: the span of ``b_j`` and the vector it stands for, written
    ``(U_0j, U_1j)'`` so that the covariance reader pairs T with the random effects."""
    if len(items) < 2 or items[0].kind != "S" or items[1].kind != T.SIM \
            or items[0].key not in effects:
        return None
    entries = [c.text for c in effects[items[0].key]]
    vector = entries[0] if len(entries) == 1 else "(" + ", ".join(entries) + ")'"
    return items[0].tokens[0].start, items[0].tokens[-1].end, vector


def glmm_form(st: Statement, items: list[_Item], defs: dict, source: str) -> Written | None:
    """``logit(E[Y_j | b_j]) = o_j + X_j β + Z_j b_j`` (a GLMM's matrix form): the link
    of the mean of Y_j, which is defined as a matrix elsewhere."""
    eq = next((k for k, i in enumerate(items) if i.kind == T.EQ), None)
    if eq is None or not items or items[0].kind != "S" or not _is_link(items[0].tokens):
        return None
    y_key = next((key for item in items[:eq] for key in _keys_in(item) if key in defs),
                  None) or next((key for key in defs if key.split("|")[0] == "Y"), None)
    # logit(E[Y_j | b_j]) = …, or logit(p_j) = … with p_j the vector of Y_j's means
    terms = _terms(items[eq + 1:])
    if y_key is None or terms is None or \
            any(i.kind != "S" or i.key not in defs for t in terms for i in t):
        return None
    w = _written(st, defs[y_key][1], terms, lambda item: defs[item.key][1])
    if w is None:
        return None
    w.effects = {t[1].key: _vector(defs[t[1].key][1]) for t in terms[1:] if len(t) == 2}
    w.uses = {y_key}
    opening = next(i for i in items[:eq] if i.kind == T.LPAREN)
    w.link = source[items[0].tokens[0].start:opening.tokens[0].start]
    return w


def _is_link(tokens: list[T.Token]) -> bool:
    name = tokens[0].value
    inverse = any(t.kind == T.SUP and t.value.strip() == "-1" for t in tokens[1:])
    return (name + "^-1" if inverse else name) in LINKS


def _keys_in(item: _Item) -> list[str]:
    """The symbols inside an item (``Y_j`` inside ``[Y_j | b_j]``)."""
    if item.kind == "S":
        return [item.key]
    toks, out = item.tokens, []
    for k, tok in enumerate(toks):
        if tok.kind == T.NAME:
            j = k + 1
            while j < len(toks) and toks[j].kind in (T.SUB, T.SUP):
                j += 1
            out.append(_symbol_key(toks[k:j]))
    return out


def definitions(statements: list[Statement], skeletons: list[list[_Item]]) -> dict:
    """``X_j = [ … ]``: symbol key → (its statement, the matrix's rows)."""
    out = {}
    for st, items in zip(statements, skeletons, strict=True):
        if len(items) == 3 and items[0].kind == "S" and items[1].kind == T.EQ \
                and items[2].kind == "M":
            out.setdefault(items[0].key, (st, items[2].rows))
    return out


# -- row 1 with the observation index -------------------------------------------------
@dataclass(frozen=True)
class Row:
    """Row ``number`` of the cluster with index ``letters``; ``obs`` replaces the number."""

    number: str
    letters: tuple[str, ...]
    obs: str


def row_index(tok: T.Token) -> tuple[str, tuple[str, ...]] | None:
    """``_{1j}`` → ("1", ("j",)): the row number and the cluster letters of a subscript."""
    idx = parse_index(tok.value)
    if len(idx.numbers) != 1 or not idx.letters:
        return None
    return idx.numbers[0], idx.letters


def _name_before(tokens: list[T.Token], k: int) -> str | None:
    j = k - 1
    while j >= 0 and tokens[j].kind in (T.RBRACE, T.SUP):
        j -= 1
    return tokens[j].value if j >= 0 and tokens[j].kind == T.NAME else None


def _new_subscript(tok: T.Token, source: str, row: Row) -> tuple[int, int, str]:
    a, b = tok.inner or (tok.start, tok.end)
    written = source[a:b]
    if written and all(ch in SUBSCRIPT_CHARS for ch in written):
        plain = "".join(SUBSCRIPT_CHARS[ch] for ch in written).replace(row.number, row.obs, 1)
        if all(ch in _TO_SUBSCRIPT for ch in plain):
            return a, b, "".join(_TO_SUBSCRIPT[ch] for ch in plain)
        return tok.start, tok.end, f"_({plain})"
    return a, b, written.replace(row.number, row.obs, 1)


def generic(tokens: list[T.Token], source: str, row: Row, names: set | None = None,
            drop_ones: bool = False) -> str:
    """The text of ``tokens`` with row ``row.number`` of the cluster written with the
    observation index (X_{1j} → X_{ij}) — only for ``names`` when given, so that r_{1i},
    a random effect of person i, stays as it is; ``drop_ones``: ``1 ·`` factors out."""
    if not tokens:
        return ""
    start = tokens[0].start
    edits = []
    for k, tok in enumerate(tokens):
        if tok.kind == T.SUB and row_index(tok) == (row.number, row.letters):
            name = _name_before(tokens, k)
            if name is not None and (names is None or name in names):
                edits.append(_new_subscript(tok, source, row))
        elif drop_ones and tok.kind == T.NUMBER and tok.value == "1" and k + 2 < len(tokens) \
                and tokens[k + 1].kind == T.TIMES and (k == 0 or tokens[k - 1].kind in (
                    T.EQ, T.PLUS, T.MINUS)):
            edits.append((tok.start, tokens[k + 2].start, ""))
    text = source[start:tokens[-1].end]
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a - start] + new + text[b - start:]
    return text


def _product(cell: Cell, coef: Cell, source: str, row: Row, times: str) -> str:
    if isinstance(cell.node, Num) and cell.node.value in ("1", "1.0"):
        return coef.text
    if isinstance(cell.node, Num) and cell.node.value.strip("0.") == "":
        return ""
    return f"{coef.text} {times} {generic(cell.tokens, source, row)}"


def observation_letter(tokens: list[T.Token], outcome: str, letters: tuple[str, ...]) -> str:
    """The observation index the level-1 equation uses (``y_{ij}`` → i, ``Y_{ti}`` → t)."""
    for k, tok in enumerate(tokens):
        if tok.kind == T.SUB and _name_before(tokens, k) == outcome:
            idx = parse_index(tok.value)
            if not idx.numbers and len(idx.letters) == len(letters) + 1 \
                    and idx.letters[1:] == letters:
                return idx.letters[0]
    return "i" if "i" not in letters else "t"


def composite_of(w: Written, tokens: list[T.Token], source: str, times: str) -> None:
    """Row 1 of the matrix form multiplied out, with the observation index."""
    first = w.y[0][0] if w.y and w.y[0] else None
    sub = next((t for t in (first.tokens if first else []) if t.kind == T.SUB), None)
    found = row_index(sub) if sub is not None else None
    name = _name_before(first.tokens, first.tokens.index(sub)) if found else None
    if found is None or name is None:
        w.pairs = []
        return
    row = Row(found[0], found[1], observation_letter(tokens, name, found[1]))
    terms = [generic(o[0].tokens, source, row) for o in w.offsets if o]
    for n, (rows, vector) in enumerate(w.pairs):
        cells = [c for c in rows[0] if not c.is_dots]
        if len(cells) != len(rows[0]):
            w.elided = True  # X_j = [1 x_1j ⋯ z_1j]: the columns between are not written
            before = next(k for k, c in enumerate(rows[0]) if c.is_dots)
            w.elided_at = ("X_j" if n == 0 else "Z_j", before, len(cells))
            return
        if len(cells) != len(vector):
            w.shape = (len(cells), len(vector))
            return
        terms += [_product(c, v, source, row, times) for c, v in zip(cells, vector)]
    if w.residual:
        terms.append(generic(w.residual[0].tokens, source, row))
    y = generic(first.tokens, source, row)
    lhs = f"{w.link}(E[{y}])" if w.link else y
    w.composite = lhs + " = " + " + ".join(t for t in terms if t)


def observation_line(st: Statement, tokens: list[T.Token], source: str) -> str | None:
    """``y_{1j} = 1 · γ_00 + X_{1j} · γ_10 + …`` → the composite line (None for other lines)."""
    toks = st.tokens
    k = next((j for j, t in enumerate(toks) if t.kind in (T.EQ, T.SIM)), None)
    if k is None or toks[k].kind != T.EQ or k < 2:
        return None
    linked = toks[0].kind == T.NAME and _is_link(toks[:2])  # logit(p_1j) = …: a GLMM's
    subs = [j for j in range(k) if toks[j].kind == T.SUB]
    if len(subs) != 1 or (not linked and subs[0] != k - 1) or any(
            t.kind not in _LHS for t in toks[:k]):
        return None
    found = row_index(toks[subs[0]])
    name = _name_before(toks, subs[0])
    if found is None or name is None:
        return None
    if not linked and classify(Sym(name, 0, 0)).role != VAR:
        return None  # b_1j = …: a coefficient's equation
    row = Row(found[0], found[1], observation_letter(tokens, name, found[1]))
    names = {name} | _observed_names(tokens, row) | _row_variables(toks, row)
    return generic(toks, source, row, names, drop_ones=True)


_LHS = (T.NAME, T.SUB, T.SUP, T.LBRACE, T.RBRACE, T.LPAREN, T.RPAREN)


def _observed_names(tokens: list[T.Token], row: Row) -> set[str]:
    """Names written with the observation index somewhere: ``a_{ti}``, ``e_{ti}``."""
    out = set()
    for k, tok in enumerate(tokens):
        if tok.kind == T.SUB:
            idx = parse_index(tok.value)
            if not idx.numbers and idx.letters == (row.obs, *row.letters):
                name = _name_before(tokens, k)
                if name is not None:
                    out.add(name)
    return out


def _row_variables(tokens: list[T.Token], row: Row) -> set[str]:
    """Without a level-1 equation to say which names carry the observation index: the
    variables (and the residual) written with the row number — not coefficients and
    random effects, whose subscripts may look like row 1 (U_1j)."""
    out = set()
    for k, tok in enumerate(tokens):
        if tok.kind == T.SUB and row_index(tok) == (row.number, row.letters):
            name = _name_before(tokens, k)
            if name is None:
                continue
            info = classify(Sym(name, 0, 0))
            if info.role == VAR or (info.role == ERROR and info.base == "e"):
                out.add(name)
    return out


# -- the rewrite ------------------------------------------------------------------------
def _replace(chars: list[str], start: int, end: int, new: str) -> None:
    """Put ``new`` at ``start`` and blank the rest of ``start:end`` (newlines kept)."""
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "
    first_line_end = next((k for k in range(start, end) if chars[k] == "\n"), end)
    chars[start:first_line_end] = list(new.ljust(first_line_end - start))


def rewrite(text: str) -> tuple[str, list[Written], dict[int, str]]:
    """(text with matrix and observation forms as composite lines, the matrix forms read,
    the observation equations: line → as written)."""
    tokens = T.tokenize(text)
    statements = split_statements(text, tokens)
    skeletons = [skeleton(st, text) for st in statements]
    defs = definitions(statements, skeletons)
    times = "\\cdot" if "\\" in text else "·"
    chars = list(text)
    spans: list[tuple[int, int, str]] = []
    written, observations, consumed = [], {}, set()
    for st, items in zip(statements, skeletons, strict=True):
        w = inline_form(st, items) or symbolic_form(st, items, defs) \
            or glmm_form(st, items, defs, text)
        if w is not None:
            composite_of(w, tokens, text, times)
        if w is not None and (w.composite or w.shape or w.elided):
            written.append(w)
            spans.append((st.start, _end(st), w.composite))
            consumed |= {key for i in items for key in _keys_in(i) if key in defs} | w.uses
            continue
        obs = observation_line(st, tokens, text)
        if obs is not None:
            observations[st.line] = st.text.strip()
            spans.append((st.start, _end(st), obs))
    for key in consumed:  # the definitions of a symbolic matrix form are part of it
        st = defs[key][0]
        spans.append((st.start, _end(st), ""))
    effects = {k: v for w in written for k, v in w.effects.items()}
    for st, items in zip(statements, skeletons, strict=True):
        found = _distribution(st, items, effects)
        if found is not None:
            spans.append(found)
    for start, end, new in sorted(spans, reverse=True):
        _replace(chars, start, end, new)
    return "".join(chars), written, observations


def _end(st: Statement) -> int:
    return st.tokens[-1].end
