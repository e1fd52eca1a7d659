"""Issue 9 §4: every diagnostic is a registered entry (code, phase, check, doc), made by
one function, and every registered diagnostic is planted in an input here and caught —
a check that cannot fire is a defect. Parse errors carry a structured kind, and the
repairs are chosen by it."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from conftest import load_dataset

from mixeq.reader import diagnostics as D
from mixeq.reader import parser as P
from mixeq.reader import read_equations
from mixeq.reader.lines import split_statements
from mixeq.reader.tokens import tokenize
from mixeq.spec.parser import parse

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "fixtures"
HLM = ("Y_ij = b0j + b1j*SES_ij + r_ij\nb0j = g00 + g01*SECTOR_j + u0j\n"
       "b1j = g10 + g11*SECTOR_j + u1j\n")
TEXTBOOK = "y_ij = b0j + b1j*X_ij + e_ij\nb0j = g00 + g01*M_j + u0j\nb1j = g10 + g11*M_j + u1j"
LEVELS = (r"y_{ij} = \beta_{0j} + \beta_{1j} \cdot X_{ij} + \epsilon_{ij}" "\n"
          r"\beta_{0j} = \gamma_{00} + U_{0j}" "\n" r"\beta_{1j} = \gamma_{10} + U_{1j}" "\n")


def _matrix(x: str, z: str) -> str:
    def mat(body):
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"
    y = mat(r"y_{1j}\\ \vdots \\ y_{n_{j}j}")
    eps = mat(r"\epsilon_{1j}\\ \vdots \\ \epsilon_{n_{j}j}")
    beta = mat(r"\gamma_{00} \\ \gamma_{10}")
    b = mat(r"U_{0j} \\ U_{1j}")
    return f"{y} = {mat(x)} \\cdot {beta} + {mat(z)} \\cdot {b} + {eps}"


def _forum(old: str, new: str) -> str:
    return (FIXTURES / "forum_post.md").read_text().replace(old, new)


SEED = {"group_map": {"j": "school"}, "data": "seedlike"}

# code → (the input that plants it, read_equations' options)
PLANTED = {
    "parse-error": ("y_ij = b0j + + e_ij\nb0j = g00 + u0j", {}),
    "not-an-equation": ("here is my model\ny_ij = b0j + e_ij\nb0j = g00 + u0j", {}),
    "no-level1-equation": ("b0j = g00 + u0j", {}),
    "several-level1-equations": ("y_ij = b0j + e_ij\nz_ij = b0j + e_ij\nb0j = g00 + u0j", {}),
    "composite-mismatch": (HLM + "Y_ij = g00 + g01*SECTOR_j + g10*SES_ij + u0j + u1j*SES_ij"
                           " + r_ij", {}),
    "slope-not-indexed": ("y_ij = b0j + b10*x_ij + e_ij\nb0j = g00 + u0j\nb10 = g10 + u1j", {}),
    "intercept-not-indexed": ("y_ij = b0 + e_ij\nb0 = g00 + u0j", {}),
    "index-mismatch": ("y_ij = b0j + b10*x_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j", {}),
    "missing-level2-equation": ("y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + u0j", {}),
    "unused-level2-equation": ("y_ij = b0j + e_ij\nb0j = g00 + u0j\nb2j = g20 + u2j", {}),
    "duplicate-equation": ("y_ij = b0j + e_ij\nb0j = g00 + u0j\nb0j = g00", {}),
    "circular-definition": ("y_ij = b0j + e_ij\nb0j = g00 + b0j", {}),
    "level2-predictor-observation-index": ("y_ij = b0j + e_ij\nb0j = g00 + g01*W_ij + u0j", {}),
    "level1-predictor-in-level2": ("y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*x_ij + u0j\n"
                                   "b1j = g10", {}),
    "random-effect-wrong-index": ("y_ij = b0j + e_ij\nb0j = g00 + u0i", {}),
    "coefficient-wrong-index": ("y_ij = b0k + e_ij\nb0k = g00 + u0j", {}),
    "symbol-reused": ("y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*w_j + u0j\n"
                      "b1j = g01 + u1j", {}),
    "missing-residual": ("y_ij = b0j + b1j*x_ij\nb0j = g00 + u0j\nb1j = g10", {}),
    "term-without-coefficient": ("y_ij = b0j + x_ij + e_ij\nb0j = g00 + u0j", {}),
    "product-of-coefficients": ("y_ij = b0j + b1j*g10*x_ij + e_ij\nb0j = g00 + u0j", {}),
    "duplicate-term": ("y_ij = b0j + b1*x_ij + b2*x_ij + e_ij\nb0j = g00 + u0j", {}),
    "coefficient-numbering": ("y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + u0j\n"
                              "b1j = g20 + u1j", {}),
    "covariance-size": ("y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j\n"
                        "(u0j, u1j)' ~ N(0, [t00, t01, t02; t01, t11, t12; t02, t12, t22])", {}),
    "unknown-random-effect": ("y_ij = b0j + e_ij\nb0j = g00 + u0j\n(u0j, u1j)' ~ N(0, T)", {}),
    "unknown-column": (TEXTBOOK.replace("M_j", "Q_j"), SEED),
    "unknown-group-column": (TEXTBOOK, {"data": "seedlike"}),
    "level2-predictor-varies-within": ("y_ij = b0j + e_ij\nb0j = g00 + g01*x_j + u0j", SEED),
    "level1-predictor-constant-within": ("y_ij = b0j + b1j*m_ij + e_ij\nb0j = g00 + u0j\n"
                                         "b1j = g10 + u1j", SEED),
    # Hsb82's sector (text: levels Catholic, Public): Catholic is the reference level
    "factor-level": ("mAch_ij = b0j + b1j*cses_ij + e_ij\nb0j = g00 + g01*sector_Catholic_j + u0j"
                     "\nb1j = g10", {"group_map": {"j": "school"}, "data": "Hsb82"}),
    "internal-error": (None, {}),  # planted by breaking the walk (below)
    "matrix-form-mismatch": (LEVELS + _matrix(r"1 & Q_{1j} \\ \vdots & \vdots",
                                              r"1 & X_{1j} \\ \vdots & \vdots"), {}),
    "matrix-form-shape": (LEVELS + _matrix(r"1 & X_{1j} \\ \vdots & \vdots",
                                           r"1 & X_{1j} & X_{1j} \\ \vdots & \vdots & \vdots"),
                          {}),
    "matrix-form-elided": (_matrix(r"1 & X_{1j} & \cdots & W_{j} \\ \vdots & \vdots & \ddots"
                                   r" & \vdots", r"1 & X_{1j} \\ \vdots & \vdots"), {}),
    "observation-mismatch": (_forum(r"a_{1i} \cdot r_{1i} + ", ""), {}),
    "glmm-residual": ("y_ij | b0j ~ Bernoulli(p_ij)\nlogit(p_ij) = b0j + b1j*x_ij + e_ij\n"
                      "b0j = g00 + u0j\nb1j = g10", {}),
    "glmm-no-link": ("y_ij | b0j ~ Bernoulli(p_ij)\np_ij = b0j + b1j*x_ij\nb0j = g00 + u0j\n"
                     "b1j = g10", {}),
    "glmm-no-distribution": ("logit(p_ij) = b0j + b1j*x_ij\nb0j = g00 + u0j\nb1j = g10", {}),
    "glmm-link-domain": ("y_ij ~ Poisson(l_ij)\nlogit(l_ij) = b0j\nb0j = g00 + u0j", {}),
    "glmm-mean-mismatch": ("y_ij ~ Bernoulli(p_ij)\nlogit(q_ij) = b0j\nb0j = g00 + u0j", {}),
}


def test_every_registered_diagnostic_is_planted_here():
    assert set(PLANTED) == set(D.REGISTRY), (
        "plant every registered diagnostic (and only those): "
        f"missing {sorted(set(D.REGISTRY) - set(PLANTED))}, "
        f"unknown {sorted(set(PLANTED) - set(D.REGISTRY))}")


@pytest.mark.parametrize("code", sorted(D.REGISTRY))
def test_every_registered_diagnostic_is_caught(code, monkeypatch):
    text, options = PLANTED[code]
    options = dict(options)
    if "data" in options:
        options["data"] = load_dataset(options["data"])
    if text is None:
        import mixeq.reader.api as api

        def broken(doc):
            raise ValueError("planted")
        monkeypatch.setattr(api, "build_structure", broken)
        text = "y_ij = b0j + e_ij\nb0j = g00 + u0j"
    result = read_equations(text, render=False, **options)
    assert code in result.codes(), f"{code} not caught: {result.codes()}\n{text}"


@pytest.mark.parametrize("code", sorted(D.REGISTRY))
def test_every_entry_names_real_check_functions_and_is_documented(code):
    entry = D.REGISTRY[code]
    assert entry.phase in D.PHASES and entry.doc
    for dotted in entry.check:
        module, _, name = dotted.rpartition(".")
        obj = None
        while obj is None:
            try:
                obj = importlib.import_module(module)
            except ModuleNotFoundError:  # Class.method: walk up one more dot
                module, _, outer = module.rpartition(".")
                name = f"{outer}.{name}"
        for part in name.split("."):
            obj = getattr(obj, part)
        assert callable(obj), dotted
    assert f"`{code}`" in (ROOT / "docs" / "reader.md").read_text(), \
        f"{code} is not in docs/reader.md's table"


def test_a_remark_of_an_unregistered_kind_is_refused():
    with pytest.raises(KeyError):
        D.emit([], "no-such-code", 1, "", "message")
    with pytest.raises(ValueError):
        D.register(D.Entry("PARSE_ERROR", "parse-error", "parse", "x.y", "twice"))
    with pytest.raises(ValueError, match="phase"):
        D.Entry("NEW", "new-code", "no-such-phase", "x.y", "a phase reading has not")


def test_the_table_is_the_one_source_of_codes_and_constants():
    """One row per code (reader/diagnostics.py's ENTRIES): the registry and the constants
    the reader writes (``D.PARSE_ERROR``) are read from it, and every ``D.NAME`` the
    reader's modules use is one of its constants — a misspelt name is caught here,
    not on the rare path that makes the remark."""
    import re

    assert [e.code for e in D.ENTRIES] == list(D.REGISTRY)
    assert len({e.name for e in D.ENTRIES}) == len(D.ENTRIES)
    for entry in D.ENTRIES:
        assert getattr(D, entry.name) == entry.code
        assert all(c.startswith("mixeq.reader.") for c in entry.check)
    used = set()
    for path in (ROOT / "mixeq" / "reader").glob("*.py"):
        used |= set(re.findall(r"\bD\.([A-Z][A-Z0-9_]*)\b", path.read_text()))
    constants = {e.name for e in D.ENTRIES}
    assert used and used <= constants, sorted(used - constants)
    assert not hasattr(D, "NO_SUCH_REMARK")  # the check above can fail


# -- parse errors: a structured kind, and repairs chosen by it --------------------------
PARSE_KINDS = [
    ("y_ij = b0j + + e_ij", P.MISSING_TERM, P.FOUND_TOKEN),
    ("y_ij = b0j * + e_ij", P.MISSING_FACTOR, P.FOUND_TOKEN),
    ("y_ij = (b0j + e_ij", P.UNCLOSED, P.FOUND_END),
    ("y_ij = b0j + u_{0j", P.UNEXPECTED, P.FOUND_OPEN_BRACE),
    ("y_ij = b0j + e_ij = 3", P.SECOND_RELATION, P.FOUND_TOKEN),
    ("y_ij =", P.NOTHING_AFTER_RELATION, P.FOUND_END),
    ("y_ij = b0j + e_ij @", P.UNEXPECTED, P.FOUND_FOREIGN),
    (r"y_ij = b0j + \frac{1}{2}", P.MISSING_TERM, P.FOUND_COMMAND),
    (r"y_ij = \frac{1}{2}", P.NO_TERM, P.FOUND_COMMAND),
    ("y_ij = b0j + {}", P.EMPTY, None),
    ("y_{ij}_{k} = b0j", P.DOUBLE_SCRIPT, None),
    ("y_ij = (b0j)_k", P.STRAY_SCRIPT, None),
    (r"y = \begin{bmatrix} 1", P.UNCLOSED_ENVIRONMENT, None),
]


@pytest.mark.parametrize("text, kind, found", PARSE_KINDS)
def test_parse_errors_carry_a_structured_kind(text, kind, found):
    (st,) = split_statements(text, tokenize(text))
    with pytest.raises(P.ParseError) as caught:
        P.parse_statement(st)
    assert caught.value.kind == kind, caught.value.message
    if found is not None:
        assert caught.value.found == found, caught.value.message


def test_a_vector_as_a_term_is_a_structured_error():
    from mixeq.reader.terms import expand

    text = "y_ij = b0j + [a, b]"
    (st,) = split_statements(text, tokenize(text))
    with pytest.raises(P.ParseError) as caught:
        expand(P.parse_statement(st).rhs)
    assert caught.value.kind == P.NOT_A_TERM


def test_repairs_follow_the_kind_not_the_words():
    """A variable literally named "unexpected" does not make its error look droppable:
    the repair is decided by the error's kind."""
    from mixeq.reader.repair import suggest

    text = "y_ij = b0j + e_ij \\frac"
    (st,) = split_statements(text, tokenize(text))
    with pytest.raises(P.ParseError) as caught:
        P.parse_statement(st)
    assert caught.value.found == P.FOUND_COMMAND
    assert suggest(st, caught.value) is None  # \frac is not a typo to drop
    text = "y_ij = b0j + + e_ij"
    (st,) = split_statements(text, tokenize(text))
    with pytest.raises(P.ParseError) as caught:
        P.parse_statement(st)
    assert suggest(st, caught.value) == "y_ij = b0j + e_ij"


OWN_SLOPE = (r"y_{ij} = \beta_{0j} + \varepsilon_{ij}" "\n"
             r"\beta_{0j} = \gamma_{00} + \gamma_{01} m_{j} + U_{0j} + {u} m_{j}")


@pytest.mark.parametrize("u, fired", [
    ("U_{01j}", False),  # the own-slope level-2 form: numbered as γ_01 of the same m_j
    ("U_{02j}", True),   # no γ_02 m_j beside it
    ("U_{11j}", True),   # not a number of β_0j's equation
    ("U_{1j}", True),
])
def test_the_own_slope_number_is_accepted_and_a_wrong_one_still_caught(u, fired):
    result = read_equations(OWN_SLOPE.replace("{u}", u), render=False)
    assert ("random-effect-wrong-index" in result.codes()) == fired, result.codes()
    assert result.spec == parse("y ~ m + (1 + m | j)")
    if fired:
        (d,) = [d for d in result.diagnostics if d.code == "random-effect-wrong-index"]
        assert d.corrected.endswith(r"U_{0j} + U_{01j} m_{j}"), d.corrected
    else:
        assert result.ok, [d.message for d in result.diagnostics]


def test_a_wrongly_numbered_slope_of_another_predictor_is_still_caught():
    result = read_equations("y_ij = b0j + e_ij\nb0j = g00 + g01*m_j + u0j + u01j*w_j",
                            render=False)
    assert "random-effect-wrong-index" in result.codes()
