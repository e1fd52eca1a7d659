"""``read_equations(text)``: hand-written multilevel equations → the model in
every form, plus what is wrong with them."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.agreement import check_agreement
from mixeq.reader.assemble import build_spec, exact_letters, glm_response, predictor_levels
from mixeq.reader.walk import build_structure
from mixeq.reader.covariance import blocks
from mixeq.reader.document import looks_like_latex, read_document
from mixeq.reader.drawn import undraw
from mixeq.reader.glmm import hints as glm_hints
from mixeq.reader.legend import nested_names, read_legend
from mixeq.reader.matrix_form import rewrite
from mixeq.reader.matrix_remarks import elided_alone, explain as explain_forms
from mixeq.reader.prose import clean
from mixeq.reader.render import render_form
from mixeq.reader.result import ReadResult
from mixeq.spec.limits import MAX_DEPTH


def _read_model(text: str, group_map: dict[str, str], hints: dict, with_data: bool = False):
    legend, cleaned = read_legend(text)
    mapping = {**legend, **group_map}
    doc = read_document(undraw(cleaned), hints)
    doc.guess_factors = not with_data  # with data, the data says which names are dummies
    nested = nested_names(text)
    doc.exact_groups = {k for k, name in nested.items() if mapping.get(k) == name}
    structure = build_structure(doc)
    if structure is None:
        return doc, None, {}, mapping, {}
    exact = exact_letters(doc)
    spec = build_spec(structure, blocks(structure, doc), mapping, glm_response(doc), exact)
    check_agreement(structure, spec, doc, mapping)
    places = {p.name: (p.line, p.equation) for p in structure.predictors.values()}
    return doc, spec, predictor_levels(structure, mapping, exact), mapping, places


def read_equations(text: str, group_map: dict[str, str] | None = None, data=None,
                   format: str | None = None, render: bool = True) -> ReadResult:
    """Read level-1/level-2 equations (LaTeX, plain text or Unicode).

    ``group_map`` names the grouping factor of an index letter (``{"j": "school"}``);
    ``data`` (a DataFrame) matches variable names to its columns and checks each
    predictor's level; ``format`` is the format of the composite and matrix forms
    (default: LaTeX for LaTeX input, text otherwise). Never raises on bad input:
    every problem is a diagnostic.
    """
    if not isinstance(text, str):
        raise TypeError("read_equations expects the equations as a string")
    fmt = format or ("latex" if looks_like_latex(text) else "text")
    if _nesting(text) > MAX_DEPTH:
        return _failure(D.PARSE_ERROR, f"the equations are nested more than {MAX_DEPTH} "
                        "brackets deep; mixeq refuses such input: remove redundant brackets.", fmt)
    try:
        legend, _ = read_legend(text)  # index legends live in prose: read them first
        source, matrices, observations = rewrite(undraw(clean(text)))
        doc, spec, levels, mapping, places = _read_model(
            source, {**legend, **(group_map or {})}, glm_hints(text), data is not None)
    except RecursionError:
        return _failure(D.PARSE_ERROR, "the equations are nested too deeply to read.", fmt)
    except Exception as exc:  # a bug in the reader: still an answer, not a traceback
        return _failure(D.INTERNAL_ERROR,
                        f"mixeq could not read these equations ({type(exc).__name__}: {exc}); "
                        "this is a bug in mixeq, please report it with the input.", fmt)
    diagnostics = list(doc.diagnostics)
    if spec is None:
        diagnostics = elided_alone(diagnostics, matrices)
    notes: list[str] = []
    if spec is not None and (matrices or observations):
        diagnostics, notes = explain_forms(diagnostics, matrices, observations, spec, doc)
    if spec is not None and data is not None:
        from mixeq.reader.data_check import check_data

        spec, levels, extra = check_data(spec, levels, mapping, data, places)
        diagnostics.extend(extra)
    diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
    glm = doc.glm if spec is not None else None
    family = {"family": glm.family, "link": glm.link} if glm is not None else {}
    composite = matrix = None
    matrix_form = "matrix"
    if spec is not None and render:
        composite, matrix, matrix_form = _other_forms(spec, fmt, levels, notes, family)
    return ReadResult(spec, spec.canonical() if spec is not None else None, composite, matrix,
                      diagnostics, levels, mapping, fmt, notes, matrix_form,
                      family.get("family"), family.get("link"))


def _nesting(text: str) -> int:
    """The deepest bracket nesting, in one pass: refusing deep input up front costs
    microseconds, where reading it would recurse until Python's limit."""
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}" and depth:
            depth -= 1
    return deepest


def _failure(code: str, message: str, fmt: str) -> ReadResult:
    return ReadResult(None, None, None, None, [D.make(code, None, "", message)], format=fmt)


def _other_forms(spec, fmt: str, levels, notes: list[str], family: dict):
    """(composite, matrix form, its name): the stacked form when the matrix form
    does not apply (crossed factors), none without random effects. ``family``: a GLMM's
    family and link."""
    composite = render_form(spec, "composite", fmt, levels, notes, family)
    if not spec.random:
        return composite, None, "matrix"
    matrix = render_form(spec, "matrix", fmt, levels, notes, family)
    if matrix is None and "stacked" in " ".join(notes):
        return composite, render_form(spec, "stacked", fmt, levels, notes, family), "stacked"
    return composite, matrix, "matrix"
