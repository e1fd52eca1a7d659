"""The response vector."""
from __future__ import annotations

import numpy as np
import pandas as pd
from formulaic import model_matrix

from mixeq.errors import DataError


def response_vector(expr: str, data: pd.DataFrame) -> pd.Series:
    """Evaluate the response (a column or an expression such as ``log(y)``)."""
    if expr in data.columns:
        col = data[expr]
    else:
        try:
            col = model_matrix(f"{expr} ~ 1", data, na_action="ignore").lhs.iloc[:, 0]
        except Exception as exc:
            raise DataError(f"cannot evaluate the response '{expr}': {exc}") from None
    if isinstance(col.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        raise DataError(
            f"the response '{expr}' is not numeric (dtype {col.dtype}); a linear mixed "
            f"model needs a numeric outcome: convert it, e.g. "
            f"df['{expr}'] = pd.to_numeric(df['{expr}'])")
    values = np.asarray(col, dtype=float)
    if not np.isfinite(values).all():
        raise DataError(f"the response '{expr}' has infinite or undefined values")
    return pd.Series(values, index=data.index, name=expr)
