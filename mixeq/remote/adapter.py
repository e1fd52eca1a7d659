"""The one place where mixeq.remote touches the fitter's internals.

A remote design's X, y and terms are pseudo-rows whose cross-products are the
data's (pseudo.py), centred in the engine (design.py). The in-memory fitter is
run on them exactly as ``mixeq.fitting.engine.fit_model`` runs it, with three
differences, all here:

1. the number of observations is the data's: n enters the criterion
   (n log(2π r²/n), and n − p for REML), σ̂² = r²/n or r²/(n − p), logLik,
   AIC/BIC and the summary. The factor's ``n`` (which the criterion reads) is set
   to the data's n before the search, and ``FitResult.nobs`` is the model's, which
   for a remote model is the data's (``Model.nobs``);
2. the fitter's own centring (which looks for an all-ones column) is replaced by
   the engine's: ``Centering`` with the shifts used in the queries maps β and R_X
   back;
3. the result is a :class:`RemoteFitResult`: fitted values and residuals are
   engine queries (``fitted_query()``), evaluated only when asked for.

With prior weights (``weights=`` a column) the Gram sums are weighted (Σ w b bᵀ):
the pseudo-rows are those of the √w-scaled rows, and the criterion subtracts
Σ log w, as lme4's devCrit and mixeq's in-memory fit do. GLMMs (binomial,
Poisson) are fitted from per-cell sufficient statistics by glmm.py.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from mixeq.errors import FitError
from mixeq.fitting.centering import Centering
from mixeq.fitting.engine import THREADED_SIZE, _start, make_factor
from mixeq.fitting.products import products_factor
from mixeq.fitting.result import FitResult
from mixeq.fitting.search import search
from mixeq.fitting.theta import ThetaLayout
from mixeq.fitting.threads import limit


def fit_remote(model, reml: bool | None = True, optimizer: str = "bobyqa", start=None,
               factor: str = "auto", **options):
    """Fit a Model whose design is a RemoteDesign (see the module)."""
    if model.is_glmm:
        from mixeq.remote.glmm import fit_remote_glmm

        return fit_remote_glmm(model, reml=reml, optimizer=optimizer, start=start, **options)
    reml = True if reml is None else reml
    design = model.design
    X = np.ascontiguousarray(design.X.to_numpy(dtype=float))
    y = design.y.to_numpy(dtype=float)
    if design.products is not None:      # crossed factors: the products, no rows (products.py)
        layout = ThetaLayout.from_terms(list(design.terms))
        fac = products_factor(design.products, list(design.terms), layout, factor)
    else:
        fac, layout = make_factor(model, factor, None, X, y)
    fac.n = design.nobs                                   # (1) the data's n
    theta0 = _start(start, layout)
    lower = layout.lower_bounds()
    threads = options.pop("blas_threads", 1)
    with limit(threads if fac.dense_size >= THREADED_SIZE else None):
        summary = search(fac, layout, theta0, lower, bool(reml), optimizer, options,
                         given_start=start is not None)
        if not np.isfinite(summary.objective):
            raise FitError("the criterion is not finite at the optimum: the fixed-effects "
                           "matrix is probably singular, or the response is constant")
        fz = fac.factorization(summary.theta)
    if design.log_weights is not None:   # lme4's devCrit: the √w-scaled criterion − Σ log w
        summary.objective -= design.log_weights
    centering = Centering(design.intercept_index, design.x_shifts, design.y_shift)   # (2)
    if design.intercept_index is not None:
        fz = centering.restore(fz)
    summary.options["remote"] = {"source": design.source.description, "mode": design.mode,
                                 "pseudo_rows": int(len(y)), "queries": design.passes}
    if design.products is not None:
        summary.options["remote"]["pairs"] = design.products.pairs
    return RemoteFitResult(model, reml, fac, layout, summary, fz)


class RemoteFitResult(FitResult):
    """A fit from a remote source: lme4's accessors, with fitted values and
    residuals computed by the engine (``fitted_query()``) and pulled only when
    ``fitted`` or ``residuals`` is read."""

    @property
    def remote_passes(self) -> int:
        """Queries over the data's rows this fit took (the fit itself needs none)."""
        return int(self.model.design.passes)

    def fitted_query(self):
        """A lazy query of the complete rows with ``fitted`` and ``residual`` columns
        (an Ibis table, or a DuckDB relation for a relation source)."""
        from mixeq.remote.fitted import fitted_query

        return fitted_query(self)

    def residual_quantiles(self, probs) -> list[float]:
        """Quantiles of the residuals computed by the engine (linear interpolation,
        R's type 7, where the engine's quantile is exact: DuckDB, Spark; elsewhere
        approximate, and ``quantile_note`` says so)."""
        from mixeq.remote.fitted import residual_quantiles

        return residual_quantiles(self, probs)

    @property
    def quantile_note(self) -> str | None:
        """The summary's line under the residual quantiles where the engine computed
        them approximately (None: exact)."""
        from mixeq.remote.fitted import quantile_note

        return quantile_note(self.model.design.source)

    @cached_property
    def _fitted_frame(self) -> pd.DataFrame:
        from mixeq.remote.fitted import fetch

        return fetch(self)

    @cached_property
    def fitted(self) -> pd.Series:
        return pd.Series(self._fitted_frame["fitted"].to_numpy(dtype=float), name="fitted")

    @cached_property
    def residuals(self) -> pd.Series:
        return pd.Series(self._fitted_frame["residual"].to_numpy(dtype=float), name="residuals")

    def refit(self, reml: bool) -> "RemoteFitResult":
        if bool(reml) == self.reml:
            return self
        return fit_remote(self.model, reml=reml,
                          optimizer=self.optimizer_summary.backend.split(":")[1])

    def predict(self, newdata=None, include_random: bool = True, allow_new_levels: bool = False):
        """Predictions for new rows (a DataFrame, or a path/table as for fitting;
        None: the source's rows), computed by an engine (mixeq/remote/predict.py)."""
        from mixeq.remote.predict import predict_remote

        return predict_remote(self, newdata, include_random=include_random,
                              allow_new_levels=allow_new_levels)
