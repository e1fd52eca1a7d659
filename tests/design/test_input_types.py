"""Every kind of frame and column a user may pass (issue 8, sections 2 and 3): it works
as R would treat it, or a DataError names the column and the fix. Never a traceback,
never a silently different model; the caller's frame is never changed."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from mixeq.errors import DataError

SLEEP = "Reaction ~ Days + (Days | Subject)"
REF = json.loads((DATA / "input_types.json").read_text())  # lme4 1.1-31, tools/make_input_references.R


def _plain():
    return pd.read_csv(DATA / "sleepstudy.csv")


def _same_design(a, b):
    assert list(a.X.columns) == list(b.X.columns)
    np.testing.assert_allclose(a.X.to_numpy(), b.X.to_numpy())
    np.testing.assert_allclose(a.y.to_numpy(), b.y.to_numpy())
    assert (a.Z != b.Z).nnz == 0


@pytest.mark.parametrize("convert", [
    lambda d: d.convert_dtypes(),
    lambda d: d.convert_dtypes(dtype_backend="numpy_nullable"),
    lambda d: d.astype({"Reaction": "Float64", "Days": "Int64", "Subject": "Int64"}),
], ids=["convert_dtypes", "numpy_nullable", "Int64"])
def test_nullable_dtypes_work_as_numpy_dtypes(convert):
    plain = mixeq.Model(SLEEP, _plain())
    frame = convert(_plain())
    before = frame.copy()
    _same_design(mixeq.Model(SLEEP, frame), plain)
    pd.testing.assert_frame_equal(frame, before)  # not mutated


def test_arrow_backed_columns_work():
    pytest.importorskip("pyarrow")
    frame = pd.read_csv(DATA / "sleepstudy.csv", dtype_backend="pyarrow")
    _same_design(mixeq.Model(SLEEP, frame), mixeq.Model(SLEEP, _plain()))


def test_pd_na_counts_as_missing():
    frame = _plain().convert_dtypes()
    frame.loc[3, "Days"] = pd.NA
    frame.loc[7, "Reaction"] = pd.NA
    with pytest.warns(mixeq.MixeqWarning, match="dropped 2 of 180 rows"):
        m = mixeq.Model(SLEEP, frame)
    assert m.dropped_rows == 2 and m.nobs == 178
    assert frame["Days"].isna().sum() == 1  # the caller's NA is still there


@pytest.mark.parametrize("dtype", ["string", "object", "str", "category", "string[pyarrow]"])
def test_a_text_column_is_a_factor_whatever_its_dtype_and_contents(dtype):
    """A text column holding "0", "1", "2" is a factor, as R's read.csv + lmer make it."""
    ref = REF["text_digits"]
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    frame = _plain().assign(s=lambda d: (d.Days % 3).astype(str).astype(dtype))
    fit = mixeq.fit(ref["formula"], frame)
    assert list(fit.fixef.index) == ref["X_colnames"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-6)
    assert fit.reml_criterion == pytest.approx(ref["REMLcrit"], abs=1e-6)


@pytest.mark.parametrize("dtype", ["bool", "boolean"])
def test_a_logical_predictor_is_coded_as_r_codes_it(dtype):
    ref = REF["logical"]
    frame = _plain().assign(b=lambda d: (d.Days > 4).astype(dtype))
    fit = mixeq.fit(ref["formula"], frame)
    assert list(fit.fixef.index) == ref["X_colnames"] == ["(Intercept)", "bTRUE"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-6)
    # predictions on new data with the same kind of column use the same coding
    new = frame.iloc[:3]
    np.testing.assert_allclose(fit.predict(new), fit.fitted.iloc[:3])


def test_a_logical_response_is_zero_one():
    frame = _plain().assign(hi=lambda d: d.Reaction > 300)
    m = mixeq.Model("hi ~ Days + (1 | Subject)", frame)
    np.testing.assert_array_equal(m.y.to_numpy(), (frame.Reaction > 300).to_numpy(float))


@pytest.mark.parametrize("column, kind, fix", [
    (lambda d: d.Days + 1j, "complex numbers", "real"),
    (lambda d: pd.to_timedelta(d.Days, unit="D"), "durations", "total_seconds"),
    (lambda d: pd.Timestamp("2020-01-01") + pd.to_timedelta(d.Days, unit="D"), "dates", "days"),
    (lambda d: pd.arrays.IntervalArray.from_breaks(np.arange(len(d) + 1)), "intervals", "mid"),
    (lambda d: [{"a": i} for i in range(len(d))], "dicts", "json_normalize"),
    (lambda d: [[i] for i in range(len(d))], "lists", "one number"),
    (lambda d: pd.Series(["a", 1] * (len(d) // 2), dtype=object), "mixes text with numbers",
     "to_numeric"),
    (lambda d: pd.period_range("2020-01", periods=len(d), freq="D"), "periods", "astype"),
], ids=["complex", "timedelta", "datetime", "interval", "dict", "list", "mixed", "period"])
def test_columns_of_other_kinds_are_refused_naming_the_column_and_fix(column, kind, fix):
    frame = _plain()
    frame["b"] = column(frame)
    with pytest.raises(DataError) as info:
        mixeq.Model("Reaction ~ b + (1 | Subject)", frame)
    text = str(info.value)
    assert "column 'b'" in text and kind in text and fix in text


def test_a_complex_response_is_refused():
    frame = _plain().assign(Reaction=lambda d: d.Reaction + 0.5j)
    with pytest.raises(DataError, match="column 'Reaction'.*complex"):
        mixeq.Model(SLEEP, frame)


def test_duplicate_column_names_used_by_the_formula_are_refused():
    frame = pd.concat([_plain(), _plain()[["Days"]]], axis=1)
    with pytest.raises(DataError, match="several columns named 'Days'.*duplicated"):
        mixeq.Model(SLEEP, frame)
    other = pd.concat([_plain(), _plain()[["Days"]].set_axis(["z"], axis=1)] * 1, axis=1)
    other = pd.concat([other, other[["z"]]], axis=1)  # a duplicate the formula does not use
    _same_design(mixeq.Model(SLEEP, other), mixeq.Model(SLEEP, _plain()))


def test_a_column_named_intercept_is_refused_not_confused_with_the_intercept():
    frame = _plain().assign(Intercept=lambda d: d.Days)
    with pytest.raises(DataError, match="named 'Intercept'.*rename"):
        mixeq.Model("Reaction ~ Intercept + (1 | Subject)", frame)


def test_x_column_names_are_unique():
    """f (levels 0, 1) and a column f1 would both give an X column 'f1' (R allows it; we don't)."""
    frame = _plain().assign(f=lambda d: (d.Days % 2).astype(str), f1=lambda d: d.Days)
    with pytest.raises(DataError, match="several columns named 'f1'"):
        mixeq.Model("Reaction ~ f + f1 + (1 | Subject)", frame)


def test_no_data_no_names_no_rows_are_clear_errors():
    with pytest.raises(DataError, match="data=None"):
        mixeq.Model(SLEEP, None)
    with pytest.raises(DataError, match="no column names"):
        mixeq.Model(SLEEP, _plain().to_numpy())
    with pytest.raises(DataError, match="no rows.*header"):
        mixeq.Model(SLEEP, _plain().iloc[:0])
    with pytest.raises(DataError, match="not int"):
        mixeq.Model(SLEEP, 3)


def test_polars_and_arrow_frames_simply_work():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    plain = mixeq.Model(SLEEP, _plain())
    _same_design(mixeq.Model(SLEEP, pl.from_pandas(_plain())), plain)
    _same_design(mixeq.Model(SLEEP, pa.Table.from_pandas(_plain())), plain)
    with pytest.raises(DataError, match="lazy.*collect"):
        mixeq.Model(SLEEP, pl.from_pandas(_plain()).lazy())


def test_any_arrow_pycapsule_or_interchange_object_works():
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(_plain())

    class Capsule:  # only the Arrow PyCapsule stream protocol
        def __arrow_c_stream__(self, requested_schema=None):
            return table.__arrow_c_stream__(requested_schema)

    class Interchange:  # only the __dataframe__ protocol
        def __dataframe__(self, nan_as_null=False, allow_copy=True):
            return _plain().__dataframe__(nan_as_null, allow_copy)

    plain = mixeq.Model(SLEEP, _plain())
    _same_design(mixeq.Model(SLEEP, Capsule()), plain)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pandas deprecates __dataframe__
        _same_design(mixeq.Model(SLEEP, Interchange()), plain)


def test_a_text_grouping_factor_of_any_dtype_gives_the_same_clusters():
    plain = mixeq.Model(SLEEP, load_dataset("sleepstudy"))
    frame = _plain().assign(Subject=lambda d: d.Subject.astype(str).astype("string"))
    _same_design(mixeq.Model(SLEEP, frame), plain)


@pytest.mark.parametrize("scale", [1e160, 1e-160, 1e300, 1e-300])
def test_predictors_of_extreme_scale_are_not_dropped_as_aliased(scale):
    frame = _plain().assign(x=lambda d: d.Days * scale, x2=lambda d: d.Days * 2 * scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = mixeq.Model("Reaction ~ x + (1 | Subject)", frame)
    assert list(m.X.columns) == ["(Intercept)", "x"]
    # a column that really is a copy is still found aliased at that scale
    with pytest.warns(mixeq.MixeqWarning, match="dropping 1 column: x2"):
        m2 = mixeq.Model("Reaction ~ x + x2 + (1 | Subject)", frame)
    assert m2.dropped_columns == ["x2"]
    # the fit cannot square such values in double precision: refused, with the reason
    with pytest.raises(mixeq.FitError, match="'x' has values of size.*rescale"):
        m.fit()


@pytest.mark.parametrize("dtype", ["string", "str", "object"])
def test_missing_text_counts_as_missing(dtype):
    frame = _plain().assign(s=lambda d: (d.Days % 3).astype(str).astype(dtype))
    frame.loc[5, "s"] = None
    with pytest.warns(mixeq.MixeqWarning, match="dropped 1 of 180 rows .* s \\(1\\)"):
        m = mixeq.Model("Reaction ~ s + (1 | Subject)", frame)
    assert m.nobs == 179 and list(m.X.columns) == ["(Intercept)", "s1", "s2"]
