"""The data a user passes → a pandas frame whose used columns have types the design
understands (lme4's ``model.frame`` step).

* Any frame: pandas, Polars, PyArrow, or anything narwhals knows or that speaks the
  Arrow PyCapsule (``__arrow_c_stream__``) or ``__dataframe__`` interchange protocol.
* Each column the formula uses gets one meaning, as R gives it: numbers (numpy or
  pandas' nullable/Arrow numbers, missing values as NaN), text (any string dtype,
  whatever the strings hold — "0", "1", "2" too — is a factor, as in R), logical
  (a factor with levels FALSE, TRUE, as R's ``model.matrix`` codes it), or refused
  with the reason and the fix (complex numbers, dates, durations, intervals,
  dict-/list-valued cells, text mixed with numbers).

Each used column is read once (``read``: :func:`read_column`); numbers and factors pass as they are.
The caller's frame is never changed: converted columns go into a shallow copy.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import DataError

FALSE_TRUE = ["FALSE", "TRUE"]  # R's labels of a logical used as a factor


def as_frame(data) -> pd.DataFrame:
    """A pandas DataFrame with string column names and at least one row."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif data is None:
        raise DataError("no data given (data=None): pass a data frame (pandas, Polars, "
                        "Arrow) holding the formula's variables, e.g. data=pd.read_csv('file.csv')")
    else:
        frame = _foreign_frame(data)
    if isinstance(frame.columns, pd.RangeIndex) and len(frame.columns):
        raise DataError(
            f"the data has no column names (its columns are numbered 0 … {len(frame.columns) - 1}), "
            "so the formula's variables cannot be found: give the columns names, e.g. "
            "pd.DataFrame(array, columns=['y', 'x', 'g'])")
    if frame.columns.inferred_type != "string":
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    if len(frame) == 0:
        raise DataError(
            f"the data has no rows (columns: {', '.join(frame.columns[:12])}"
            f"{' …' if len(frame.columns) > 12 else ''}); a CSV file with only its header line? "
            "Pass data with observations")
    return frame


def _foreign_frame(data) -> pd.DataFrame:
    """Polars, PyArrow, … → pandas (narwhals; else the Arrow or interchange protocol)."""
    kind = type(data).__name__
    if kind == "LazyFrame" or hasattr(data, "collect") and not hasattr(data, "__len__"):
        raise DataError(f"the data is a lazy frame ({type(data).__module__}.{kind}): "
                        "collect it first, e.g. data=lazy.collect()")
    try:
        import narwhals as nw

        return nw.from_native(data, eager_only=True).to_pandas()
    except (TypeError, ImportError):
        pass  # not a frame narwhals knows
    except Exception as exc:
        raise DataError(f"cannot convert the {kind} data to a pandas frame: {exc}") from None
    try:
        if hasattr(data, "__arrow_c_stream__"):
            import pyarrow

            return pyarrow.table(data).to_pandas()
        if hasattr(data, "__dataframe__"):
            return pd.api.interchange.from_dataframe(data)
    except Exception as exc:
        raise DataError(f"cannot convert the {kind} data to a pandas frame: {exc}") from None
    try:
        return pd.DataFrame(data)
    except Exception:
        raise DataError(
            f"data must be a data frame (pandas, Polars, Arrow, or something pd.DataFrame() "
            f"accepts, such as a dict of columns), not {kind}") from None


def read_column(data: pd.DataFrame, name: str, columns: dict | None = None) -> pd.Series:
    """``data[name]``, or the Series already read from ``data`` (``columns``: name →
    ``data[name]``, :class:`mixeq.design.missing.Complete`): pandas 3 makes a new Series
    at each ``data[name]`` (~7 µs), and a build reads each used column several times."""
    if columns is not None:
        col = columns.get(name)
        if col is not None:
            return col
    return data[name]


def check_unique_names(frame: pd.DataFrame, used: list[str]) -> None:
    """A used column name that appears more than once is ambiguous: refuse it."""
    if not frame.columns.has_duplicates:
        return
    dup = frame.columns[frame.columns.duplicated()]
    bad = [c for c in used if c in set(dup)]
    if bad:
        raise DataError(
            f"the data has several columns named {', '.join(repr(c) for c in bad)}, so the "
            "formula's variable is ambiguous: rename or drop the duplicates, e.g. "
            "df = df.loc[:, ~df.columns.duplicated()]")


def prepare_columns(frame: pd.DataFrame, used: dict[str, list[str]],
                    read: dict | None = None) -> pd.DataFrame:
    """``frame`` with every used column in a type the design understands (see the
    module docstring); ``used`` maps response/fixed/random/group to column names.
    Returns ``frame`` itself when nothing needs converting. ``read``, if given, gets
    the columns used as they are (name → Series: :func:`read_column`)."""
    roles: dict[str, str] = {}
    for part in ("group", "response", "random", "fixed"):  # predictor role wins
        for name in used.get(part, ()):
            roles[name] = "predictor" if part in ("fixed", "random") else part
    check_unique_names(frame, list(roles))
    if roles.get("Intercept") == "predictor":
        raise DataError(
            "a predictor column is named 'Intercept', the name the model matrix gives the "
            "intercept (formulaic reads the name as the intercept itself), so the two would be "
            "confused: rename the column, e.g. df = df.rename(columns={'Intercept': 'x_intercept'})")
    converted = {}
    for name in roles:
        if name not in frame.columns:
            continue
        col = frame[name]   # read once: the rest of the build reads it from ``read``
        dtype = col.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "iuf" \
                or isinstance(dtype, pd.CategoricalDtype):
            new = col  # plain numbers and factors: used as they are (column_as)
        else:
            new = column_as(col, roles[name], name)
        if new is not col:
            converted[name] = new
        elif read is not None:
            read[name] = col
    if not converted:
        return frame
    out = frame.copy(deep=False)
    for name, col in converted.items():
        out[name] = col
    return out


def column_as(col: pd.Series, role: str, name: str) -> pd.Series:
    """One column in the type its role needs (``predictor``, ``response``, ``group``)."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return col
    kind = _kind(col)
    if kind == "number":
        return _as_float(col)
    if role == "group":
        if kind == "unhashable":
            raise DataError(_refusal(name, kind, col))
        return col  # any label makes a cluster (factor_codes)
    if kind == "logical":
        if role == "response":
            return _as_float(col)
        return _logical_factor(col)
    if kind == "text" and role == "predictor":
        return _text_factor(col)
    if kind == "text":
        return col  # a text response: response_vector says why it cannot be one
    raise DataError(_refusal(name, kind, col))


def _kind(col: pd.Series) -> str:
    """number, logical, text, complex, timedelta, datetime, interval, period,
    unhashable (dicts, lists …), mixed."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "logical"
    if isinstance(dtype, np.dtype):
        if dtype.kind == "c":
            return "complex"
        if dtype.kind == "m":
            return "timedelta"
        if dtype.kind == "M":
            return "datetime"
        if dtype.kind in "iuf":
            return "number"
    if pd.api.types.is_string_dtype(dtype) and dtype != object:
        return "text"
    if isinstance(dtype, pd.IntervalDtype):
        return "interval"
    if isinstance(dtype, pd.PeriodDtype):
        return "period"
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if pd.api.types.is_complex_dtype(dtype):
        return "complex"
    if dtype != object and pd.api.types.is_numeric_dtype(dtype):
        return "number"  # pandas nullable Int64/Float64, Arrow numbers
    inferred = pd.api.types.infer_dtype(col, skipna=True)
    return {"string": "text", "empty": "number", "integer": "number", "floating": "number",
            "mixed-integer-float": "number", "decimal": "number", "boolean": "logical",
            "complex": "complex", "timedelta": "timedelta", "datetime": "datetime",
            "datetime64": "datetime", "date": "datetime", "interval": "interval",
            "period": "period"}.get(inferred, _mixed_kind(col))


def _mixed_kind(col: pd.Series) -> str:
    for value in col.dropna():
        if isinstance(value, (dict, list, set)) or not _hashable(value):
            return "unhashable"
    return "mixed"


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


_FIXES = {
    "complex": ("holds complex numbers, whose imaginary part a mixed model cannot use",
                "use the real part or the modulus, e.g. df['{n}'] = df['{n}'].to_numpy().real"),
    "timedelta": ("holds durations (timedelta)",
                  "convert them to numbers, e.g. df['{n}'] = df['{n}'].dt.total_seconds() / 86400 "
                  "for days"),
    "datetime": ("holds dates or times",
                 "convert them to numbers (e.g. days since the first: "
                 "(df['{n}'] - df['{n}'].min()).dt.days) or to text for a factor (.astype(str))"),
    "interval": ("holds intervals",
                 "use their midpoints (df['{n}'] = df['{n}'].array.mid) or their text "
                 "(.astype(str)) for a factor"),
    "period": ("holds periods", "convert them to text (.astype(str)) for a factor, or to numbers"),
    "unhashable": ("holds dicts, lists or other containers, not values",
                   "put one number or one label per cell (e.g. expand the dicts into columns "
                   "with pd.json_normalize)"),
    "mixed": ("mixes text with numbers or other values",
              "make it numeric (pd.to_numeric(df['{n}'], errors='coerce')) or text "
              "(df['{n}'].astype(str)) for a factor"),
}


def _refusal(name: str, kind: str, col: pd.Series) -> str:
    what, fix = _FIXES[kind]
    return f"column '{name}' (dtype {col.dtype}) {what}: {fix.format(n=name)}"


def _as_float(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col.dtype) and isinstance(col.dtype, np.dtype):
        values = col.to_numpy(dtype=float)
    else:
        try:
            values = col.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(values, index=col.index, name=col.name)


def _logical_factor(col: pd.Series) -> pd.Series:
    """TRUE/FALSE as R's model.matrix codes a logical: a factor, column ``xTRUE``."""
    values = col.to_numpy(dtype=object, na_value=None)
    labels = np.array([None if v is None else ("TRUE" if bool(v) else "FALSE") for v in values],
                      dtype=object)
    return pd.Series(pd.Categorical(labels, categories=FALSE_TRUE), index=col.index, name=col.name)


def _text_factor(col: pd.Series) -> pd.Series:
    """Text as an R factor: levels the sorted distinct strings."""
    values = col.to_numpy(dtype=object, na_value=None)
    present = [v for v in values if v is not None]
    levels = sorted(set(map(str, present)))
    labels = np.array([None if v is None else str(v) for v in values], dtype=object)
    return pd.Series(pd.Categorical(labels, categories=levels), index=col.index, name=col.name)
