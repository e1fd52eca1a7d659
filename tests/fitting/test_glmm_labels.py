"""A GLMM fit's fixef and vcov are labelled by X's column names; a name set on one of
their Indexes (``fit.fixef.index.name = "term"``, a common step before a merge) stays
on that object: it must not reach the model's X, the other table, or another fit."""
import mixeq
from conftest import load_dataset


def _fit():
    return mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)",
                     load_dataset("cbpp"), family="binomial")


def test_a_name_set_on_fixef_or_vcov_labels_stays_there():
    fit = _fit()
    names = list(fit.model.X.columns)
    fit.fixef.index.name = "term"
    fit.vcov.index.name = "row"
    fit.vcov.columns.name = "column"
    assert fit.model.X.columns.name is None
    assert fit.fixef.index.name == "term"
    assert (fit.vcov.index.name, fit.vcov.columns.name) == ("row", "column")
    assert list(fit.fixef.index) == list(fit.vcov.index) == list(fit.vcov.columns) == names
    assert fit.model.X.columns.equals(fit.fixef.index)
