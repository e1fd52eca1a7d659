"""verify() proves the forms equal — and notices when they are not."""
from __future__ import annotations

from mixeq.equations import verify
from mixeq.equations.forms import matrix, multilevel
from mixeq.equations.tree import Matrix

TEXTBOOK = "y ~ x * m + (1 + x | school)"


def test_report_lists_named_checks_and_is_truthy():
    report = verify(TEXTBOOK)
    assert report.ok and bool(report)
    assert [c.name for c in report.checks][:2] == [
        "level equations substituted give the composite",
        "composite equals row 1 of the matrix form"]
    assert "all forms agree" in str(report)


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
    failed = [c for c in report.checks if not c.ok]
    assert failed[0].name == "level equations substituted give the composite"
    assert "gamma" in failed[0].detail


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


def test_crossed_matrix_form_is_reported_not_applicable_not_passed():
    report = verify("diameter ~ 1 + (1 | plate) + (1 | sample)")
    check = report.checks[1]
    assert check.status == "n/a" and not check.passed and not check.applicable
    assert check.ok and report.ok  # nothing failed
    assert "plate and sample are crossed" in check.detail
    assert "[n/a] composite equals row 1 of the matrix form" in str(report)
    assert "[ok] composite equals row 1" not in str(report)
    assert "1 check not applicable" in str(report).splitlines()[0]


def test_an_error_in_a_check_that_applies_is_a_failure(monkeypatch):
    from mixeq.errors import RenderError

    def broken(sm):
        raise RenderError("form='matrix' broke")

    monkeypatch.setattr(matrix, "build", broken)
    report = verify(TEXTBOOK)
    check = report.checks[1]
    assert check.status == "FAILED" and not check.ok and not report.ok
    assert "RenderError: form='matrix' broke" in check.detail
    assert "[FAILED] composite equals row 1 of the matrix form" in str(report)


def test_every_check_of_a_two_level_model_applies():
    report = verify(TEXTBOOK)
    assert all(c.passed for c in report.checks), str(report)
    assert "not applicable" not in str(report)


def test_transformed_columns_are_rebuilt_from_data():
    import warnings

    import mixeq
    from conftest import load_dataset

    df = load_dataset("sleepstudy")
    df["w"] = df["Days"] + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("Reaction ~ Days + I(Days ** 2) + log(w) + (Days | Subject)", df)
    check = next(c for c in verify(m).checks if c.name.startswith("columns of X"))
    assert check.ok and check.detail == "4 columns equal"
