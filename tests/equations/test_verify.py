"""verify() proves the rendered forms are the model the data define — and fails on
every planted break (issue 9 §1).

A break is planted in what verify() checks: the display trees of the forms (a
``Rendering``), changed the way a bug in the symbolic model would change them —
consistently in every form, so the algebraic checks alone could not see it."""
from __future__ import annotations

import dataclasses
import warnings

import pytest
from conftest import load_dataset

import mixeq
from mixeq.equations import verify
from mixeq.equations.forms import matrix, multilevel
from mixeq.equations.proof import Rendering, render_for_proof
from mixeq.equations.tree import Kron, Matrix, Num, Sym

TEXTBOOK = "y ~ x * m + (1 + x | school)"


# -- helpers ---------------------------------------------------------------------
def map_tree(node, fn):
    """A copy of a display tree (or Document) with ``fn`` applied to every node,
    outermost first; ``fn`` returns the node unchanged or its replacement."""
    new = fn(node)
    if new is not node:
        return new
    if isinstance(node, tuple):
        return tuple(map_tree(n, fn) for n in node)
    if isinstance(node, list):
        return [map_tree(n, fn) for n in node]
    if isinstance(node, dict):
        return node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return dataclasses.replace(node, **{f.name: map_tree(getattr(node, f.name), fn)
                                            for f in dataclasses.fields(node)})
    return node


def everywhere(rendering: Rendering, fn, forms=None) -> Rendering:
    docs = {f: (map_tree(d, fn) if d is not None and (forms is None or f in forms) else d)
            for f, d in rendering.documents.items()}
    est = {f: map_tree(d, fn) for f, d in rendering.estimates.items()}
    return Rendering(docs, est)


def swap(a: Sym, b: Sym):
    return lambda n: b if n == a else a if n == b else n


def failed(report) -> list[str]:
    return [c.name for c in report.checks if c.status == "FAILED"]


def gamma(p, q):
    return Sym("gamma", (str(p), str(q)), kind="greek")


def model(formula, dataset="seedlike", **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(formula, load_dataset(dataset), **kw)


@pytest.fixture(scope="module")
def textbook():
    return model(TEXTBOOK)


@pytest.fixture(scope="module")
def uncorrelated():
    return model("Reaction ~ Days + (Days || Subject)", "sleepstudy")


# -- the unbroken proof ------------------------------------------------------------
def test_report_lists_named_checks_and_is_truthy(textbook):
    report = verify(textbook)
    assert report.ok and bool(report), str(report)
    assert [c.name for c in report.checks][:2] == [
        "level equations substituted give the composite",
        "composite equals row 1 of the matrix form"]
    assert "all forms agree" in str(report)
    assert "4 columns of X equal, by name (β) and value, on all 977 rows" in str(report)
    assert "120 columns of Z" in str(report)  # 60 schools × 2


def test_every_check_of_a_two_level_model_with_a_fit_applies(textbook):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = textbook.fit()
    report = verify(fit)
    assert all(c.passed for c in report.checks), str(report)
    assert "not applicable" not in str(report)


# -- planted breaks: each must fail ------------------------------------------------------
def test_a_dropped_fixed_term_fails(textbook):
    """The forms of y ~ x + m + (1 + x | school) — consistent with each other — are
    not the model y ~ x * m + … the data define: the x:m column has no term."""
    broken = render_for_proof(model("y ~ x + m + (1 + x | school)"))
    report = verify(textbook, rendering=broken)
    assert "columns of X rebuilt from the equations' symbols" in failed(report)
    assert "the equations write 3 fixed terms, X has 4 columns" in \
        report.check("columns of X").detail
    assert "printed equations read back as the same model" in failed(report)


def test_a_dropped_random_slope_fails(textbook):
    broken = render_for_proof(model("y ~ x * m + (1 | school)"))
    report = verify(textbook, rendering=broken)
    assert "columns of Z rebuilt from the equations' symbols" in failed(report)
    assert "covariance structure (T, G, Λθ) is the spec's" in failed(report)


def test_m_j_written_m_ij_fails(textbook):
    m_j, m_ij = Sym("m", ("j",), kind="var"), Sym("m", ("i", "j"), kind="var")

    def to_ij(n):  # m_j → m_ij, and in the matrix form m_j → m_1j, m_2j, …
        return m_ij if n == m_j else n

    report = verify(textbook, rendering=everywhere(render_for_proof(textbook), to_ij))
    assert "subscripts agree with the data" in failed(report), str(report)
    assert "m is constant within school" in report.check("subscripts").detail


def test_x_ij_written_x_j_fails(textbook):
    x_ij, x_j = Sym("x", ("i", "j"), kind="var"), Sym("x", ("j",), kind="var")
    report = verify(textbook, rendering=everywhere(render_for_proof(textbook),
                                                   lambda n: x_j if n == x_ij else n))
    assert "subscripts agree with the data" in failed(report)
    assert "x varies within school" in report.check("subscripts").detail
    assert "columns of X rebuilt from the equations' symbols" in failed(report)


def test_a_covariance_added_to_an_uncorrelated_model_fails(uncorrelated):
    tau01 = Sym("tau", ("0", "1"), kind="greek")

    def correlate(n):
        if isinstance(n, Matrix) and len(n.rows) == 2 and len(n.rows[0]) == 2 \
                and n.rows[0][1] == Num(0):
            return Matrix(((n.rows[0][0], tau01), (tau01, n.rows[1][1])), n.name, n.paren)
        return n

    report = verify(uncorrelated, rendering=everywhere(render_for_proof(uncorrelated),
                                                       correlate, {"multilevel", "composite"}))
    assert failed(report) == ["covariance structure (T, G, Λθ) is the spec's",
                              "printed equations read back as the same model"], str(report)
    assert "different terms" in report.check("covariance").detail


def test_matrix_rows_copying_row_1_fail(textbook):
    r = render_for_proof(textbook)

    def copy_row_1(n):
        if isinstance(n, Matrix) and n.name in ("Y", "X", "Z0", "eps"):
            first = n.rows[0]
            return Matrix(tuple(row if any(type(e).__name__ == "Dots" for e in row) else first
                                for row in n.rows), n.name, n.paren)
        return n

    report = verify(textbook, rendering=everywhere(r, copy_row_1, {"matrix"}))
    assert failed(report) == ["rows 1, 2, n_j of the matrix form equal every cluster's"], \
        str(report)
    assert "row 2 of Y_j" in report.check("rows 1, 2").detail


def test_a_wrong_g_fails(textbook):
    def transpose_kron(n):  # G = T ⊗ I_J instead of I_J ⊗ T
        return Kron(n.right, n.left) if isinstance(n, Kron) else n

    r = render_for_proof(textbook)
    stacked = r.documents["stacked"]
    g_row = stacked.row("G")
    bad = dataclasses.replace(g_row, relation=map_tree(g_row.relation, transpose_kron))
    docs = dict(r.documents)
    docs["stacked"] = map_tree(stacked, lambda n: bad if n is g_row else n)
    report = verify(textbook, rendering=Rendering(docs))
    assert failed(report) == ["covariance structure (T, G, Λθ) is the spec's"], str(report)
    assert "G's block 1 is not I_J ⊗ T" in report.check("covariance").detail


def test_a_wrong_variance_in_g_fails(uncorrelated):
    r = render_for_proof(uncorrelated)
    tau00, tau11 = Sym("tau", ("0", "0"), kind="greek"), Sym("tau", ("1", "1"), kind="greek")
    docs = dict(r.documents)
    docs["stacked"] = map_tree(r.documents["stacked"], swap(tau00, tau11))
    report = verify(uncorrelated, rendering=Rendering(docs))
    assert failed(report) == ["covariance structure (T, G, Λθ) is the spec's"], str(report)


def test_two_gamma_names_swapped_fail(textbook):
    """γ_01 and γ_10 exchanged in every form (a consistent relabelling, so the forms
    agree with each other): γ_10 now sits in β_0j's equation."""
    report = verify(textbook, rendering=everywhere(render_for_proof(textbook),
                                                   swap(gamma(0, 1), gamma(1, 0))))
    assert "coefficient names follow the notation (γ_pq in β_pj's equation)" in \
        failed(report), str(report)
    assert "gamma_{1,0}^{} in the equation of beta_{0,j}^{}" in \
        report.check("coefficient names").detail


def test_two_gamma_names_swapped_in_the_composite_only_fail(textbook):
    r = render_for_proof(textbook)
    report = verify(textbook, rendering=everywhere(r, swap(gamma(0, 1), gamma(1, 0)),
                                                   {"composite"}))
    assert "columns of X rebuilt from the equations' symbols" in failed(report)
    assert "column x: its coefficient gamma_1,0 multiplies m_j" in \
        report.check("columns of X").detail


def test_one_symbol_for_two_coefficients_fails(textbook):
    report = verify(textbook, rendering=everywhere(
        render_for_proof(textbook), lambda n: gamma(1, 0) if n == gamma(1, 1) else n))
    assert "columns of X rebuilt from the equations' symbols" in failed(report)
    assert "one symbol for two coefficients" in report.check("columns of X").detail


def test_a_wrong_estimate_fails(uncorrelated):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = uncorrelated.fit()
    r = render_for_proof(fit)
    slope = float(fit.fixef["Days"])

    def nudge(n):
        return Num(slope + 0.5, n.digits) if isinstance(n, Num) and n.value == slope else n

    est = {f: map_tree(d, nudge) for f, d in r.estimates.items()}
    report = verify(fit, rendering=Rendering(r.documents, est))
    assert failed(report) == ["substituted estimates equal the fit's"], str(report)
    assert "column Days" in report.check("substituted").detail


def test_printed_text_that_reads_as_another_model_fails(textbook):
    y, Y = Sym("y", ("i", "j"), kind="var"), Sym("score", ("i", "j"), kind="var")
    docs = dict(render_for_proof(textbook).documents)
    docs["multilevel"] = map_tree(docs["multilevel"], lambda n: Y if n == y else n)
    report = verify(textbook, rendering=Rendering(docs))
    assert "printed equations read back as the same model" in failed(report)
    assert "score ~" in report.check("printed").detail


def test_a_gelman_hill_symbol_for_two_coefficients_fails():
    """β_1j[i] and β_1 in one Gelman–Hill line (the bug of issue 9 §2) is caught."""
    spec = mixeq.parse("Reaction ~ Days + I(Days ** 2) + (Days | Subject)")
    r = render_for_proof(spec)
    b2, b1 = Sym("beta", ("2",), kind="greek"), Sym("beta", ("1",), kind="greek")
    docs = dict(r.documents)
    doc = docs["gelman-hill"]
    docs["gelman-hill"] = dataclasses.replace(
        map_tree(doc, lambda n: b1 if n == b2 else n),
        aliases={(b1 if k == b2 else k): v for k, v in doc.aliases.items()})
    report = verify(spec, rendering=Rendering(docs))
    assert failed(report) == ["Gelman–Hill mean equals the composite's"], str(report)


# -- the older, algebraic breaks -------------------------------------------------------------
def test_a_level2_equation_missing_a_term_is_caught(monkeypatch):
    original = multilevel.node_rows

    def drop_cross_level(sm, level):
        rows = original(sm, level)
        rel = rows[-1].relation
        short = type(rel.rhs)(rel.rhs.terms[:1] + rel.rhs.terms[2:])  # drop γ_11 m_j
        rows[-1] = type(rows[-1])(type(rel)(rel.lhs, rel.rel, short), name=rows[-1].name)
        return rows

    monkeypatch.setattr(multilevel, "node_rows", drop_cross_level)
    report = verify(TEXTBOOK)
    assert not report.ok
    assert failed(report)[0] == "level equations substituted give the composite"
    assert "gamma" in report.checks[0].detail


def test_a_beta_vector_out_of_x_order_is_caught(monkeypatch):
    original = matrix.definition_rows

    def reversed_beta(sm, names, data):
        rows = original(sm, names, data)
        for k, row in enumerate(rows):
            if row.name == "beta":
                rel = row.relation
                flipped = Matrix(tuple(reversed(rel.rhs.rows)), name="beta")
                rows[k] = type(row)(type(rel)(rel.lhs, rel.rel, flipped), name="beta")
        return rows

    monkeypatch.setattr(matrix, "definition_rows", reversed_beta)
    report = verify(TEXTBOOK)
    assert [c.ok for c in report.checks][:2] == [True, False]
    assert "columns of X rebuilt from the equations' symbols" in failed(verify(model(TEXTBOOK)))


def test_crossed_matrix_form_is_reported_not_applicable_not_passed():
    report = verify("diameter ~ 1 + (1 | plate) + (1 | sample)")
    check = report.checks[1]
    assert check.status == "n/a" and not check.passed and not check.applicable
    assert check.ok and report.ok  # nothing failed
    assert "plate and sample are crossed" in check.detail
    assert "[n/a] composite equals row 1 of the matrix form" in str(report)
    assert "[ok] composite equals row 1" not in str(report)
    assert "1 check not applicable" in str(report).splitlines()[0]


def test_crossed_factors_with_data_are_proved_by_value():
    report = verify(model("diameter ~ 1 + (1 | plate) + (1 | sample)", "Penicillin"))
    assert report.ok, str(report)
    assert "by value" in report.check("columns of X").detail
    assert report.check("columns of Z").passed


def test_a_form_that_cannot_be_rendered_is_a_failure(monkeypatch):
    from mixeq.errors import RenderError

    def broken(sm):
        raise RenderError("form='matrix' broke")

    monkeypatch.setattr(matrix, "build", broken)
    report = verify(TEXTBOOK)
    assert not report.ok and report.checks[0].status == "FAILED"
    assert "RenderError: form='matrix' broke" in report.checks[0].detail


def test_transformed_columns_are_rebuilt_from_data():
    df = load_dataset("sleepstudy")
    df["w"] = df["Days"] + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("Reaction ~ Days + I(Days ** 2) + log(w) + scale(u) "
                        "+ (Days | Subject)", df.assign(u=df["Reaction"] ** 0.5))
    report = verify(m)
    assert report.ok, str(report)
    assert report.check("columns of X").detail.startswith("5 columns of X equal")
    assert report.check("printed").status == "ok"  # the printed log()/scale() forms read back


def test_a_column_the_equations_cannot_rebuild_fails_instead_of_being_skipped():
    """A caller's own function (transforms=) is no arithmetic the equations show."""
    df = load_dataset("sleepstudy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("Reaction ~ half(Days) + (1 | Subject)", df,
                        transforms={"half": lambda v: v / 2})
    report = verify(m)
    assert "columns of X rebuilt from the equations' symbols" in failed(report)
    assert "cannot rebuild" in report.check("columns of X").detail


def test_report_displays_readably(textbook):
    report = verify(textbook)
    assert repr(report).startswith("<VerifyReport 'y ~ 1 + x + m + x:m + (1 + x | school)': ok,")
    html = report._repr_html_()
    assert "<table>" in html and html.count("<tr>") == len(report.checks) + 1
    assert "columns of Z rebuilt" in html


# -- factor predictors: dummies read back through the data ----------------------------
@pytest.fixture(scope="module")
def with_logical():
    data = load_dataset("seedlike").assign(b=lambda d: d["x"] > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model("y ~ x * b + (1 | school)", data)


def test_a_logical_predictor_reads_back_through_its_dummy(with_logical):
    """The equations show b_TRUE; the reader, without data, reads a numeric b_TRUE;
    evaluated as the 0/1 column of b == TRUE it gives the model's X and Z."""
    report = verify(with_logical)
    assert report.ok, str(report)
    assert "b_TRUE" in report.check("printed equations read back").detail


def test_a_dropped_dummy_term_still_fails_the_read_back(with_logical):
    data = load_dataset("seedlike").assign(b=lambda d: d["x"] > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        broken = render_for_proof(mixeq.Model("y ~ x + b + (1 | school)", data))
    report = verify(with_logical, rendering=broken)
    assert "printed equations read back as the same model" in failed(report)
