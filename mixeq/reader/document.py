"""Read a whole input: tokenize, split into equations, parse each, and sort
them by what they say (level-1 equation, coefficient equations, distributions,
covariance matrices). Parse failures become diagnostics."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader import glmm
from mixeq.reader import vocabulary as V
from mixeq.reader.gelman_hill import finish, read_distribution
from mixeq.reader.lines import Statement, split_statements
from mixeq.reader.parsed import Document, Equation, covariance_name
from mixeq.reader.parser import ParseError, parse_statement
from mixeq.reader.repair import suggest
from mixeq.reader.symbols import COEF, ERROR, classify
from mixeq.reader.syntax import Call, Group, Relation, Sym, is_zero
from mixeq.reader.terms import expand
from mixeq.reader.tokens import tokenize


def looks_like_latex(text: str) -> bool:
    return "\\" in text or "{" in text


def _column(source: str, offset: int) -> int:
    return offset - (source.rfind("\n", 0, offset) + 1) + 1


def parse_failure(doc: Document, st: Statement, err: ParseError) -> None:
    line = doc.source.count("\n", 0, err.offset) + 1
    col = _column(doc.source, err.offset)
    D.emit(doc.diagnostics, D.PARSE_ERROR, line, st.text,
           f"cannot read this equation: {err.message} (line {line}, column {col}).",
           suggest(st, err), col)


def sort_equation(doc: Document, st: Statement, tree) -> None:
    if not isinstance(tree, Relation):
        first = st.tokens[0]
        if first.kind == "NAME" and first.value.lower() in V.HEADING_WORDS:
            return  # a heading such as "Level-1 Model"
        D.emit(doc.diagnostics, D.NOT_AN_EQUATION, st.line, st.text,
               "this line has no '=' or '~', so it is neither an equation nor a distribution; "
               "write 'left side = right side' or delete the line.")
        return
    if tree.op == "~" and glmm.read_distribution(doc, st, tree):
        return
    if tree.op == "~":
        doc.distributions.append((st, tree))
        read_distribution(doc, st, tree)
        return
    if glmm.read_link(doc, st, tree) or glmm.read_linear_predictor(doc, st, tree):
        return
    if _variance_statement(doc, tree.lhs, tree.rhs):
        return
    if not isinstance(tree.lhs, Sym):
        D.emit(doc.diagnostics, D.NOT_AN_EQUATION, st.line, st.text,
               "the left side of this equation is not a single symbol: write the outcome "
               "(y_ij) or a coefficient (β_0j) on the left.")
        return
    sort_model_equation(doc, st, tree)


def _variance_statement(doc: Document, lhs, rhs) -> bool:
    """Read ``cov(U_0j, U_1j) = 0``, ``T = […]``, ``τ_01 = 0``; say True for these
    and for the other lines that are not model equations (σ² = …, j = 1, …, J)."""
    if isinstance(lhs, Call) and lhs.func.lower() == "cov" and is_zero(rhs) and len(lhs.args) == 2:
        doc.zero_covariances.append((lhs.args[0], lhs.args[1]))
        return True
    if not isinstance(lhs, Sym):
        return False
    if lhs.name in V.COVARIANCE_NAMES and isinstance(rhs, (Group, Call)):
        doc.covariance_defs[covariance_name(lhs)] = rhs
        return True
    if lhs.name in V.VARIANCE_NAMES or (lhs.sub is None and lhs.name in V.INDEX_LETTERS):
        if lhs.name == "tau" and is_zero(rhs) and lhs.sub is not None:
            doc.zero_covariances.append((lhs, None))
        return True
    return False


def sort_model_equation(doc: Document, st: Statement, tree: Relation) -> None:
    """``y_ij = …`` (a level-1 candidate) or ``β_0j = …`` (a coefficient's equation)."""
    lhs, rhs = tree.lhs, tree.rhs
    info = classify(lhs)
    if info.role == ERROR:
        D.emit(doc.diagnostics, D.NOT_AN_EQUATION, st.line, st.text,
               f"'{info.written}' is an error term; it belongs on the right side of an "
               "equation, not on the left.")
        return
    try:
        monomials = expand(rhs)
    except ParseError as err:
        parse_failure(doc, st, err)
        return
    eq = Equation(st, tree, info, monomials)
    (doc.definitions if info.role == COEF else doc.level1_candidates).append(eq)


def read_document(source: str, hints: dict | None = None) -> Document:
    """``hints``: what the prose said (glmm.hints: a GLMM's outcome, its cbind())."""
    doc = Document(source, looks_like_latex(source))
    for st in split_statements(source, tokenize(source)):
        try:
            tree = parse_statement(st)
        except ParseError as err:
            parse_failure(doc, st, err)
            continue
        sort_equation(doc, st, tree)
    glmm.finish(doc, hints)
    finish(doc)
    return doc
