"""``Model``: a formula bound to data, with its matrices and the doors to the rest
of mixeq (fitting, equations)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mixeq.design.types import Design, GroupingFactor, PredictorLevel, ReTerm
from mixeq.spec.types import ModelSpec


@dataclass
class Cluster:
    """One cluster's rows: ``y_j``, ``X_j`` and ``Z_j`` (Z_j's columns are the
    term columns of the grouping factor for this level only)."""

    group: str
    level: str
    rows: np.ndarray
    y: pd.Series
    X: pd.DataFrame
    Z: pd.DataFrame


def _parse(formula, transforms) -> ModelSpec:
    """The spec of a formula: parsed once per text and set of function names (a
    ModelSpec holds no data and is frozen, so fits of one formula share it)."""
    from mixeq.design.context import transform_names
    from mixeq.spec.parser import parse

    names = transform_names(transforms)
    if names is None or not isinstance(formula, str):
        return parse(formula, transforms)
    return _parsed(formula, names)


@lru_cache(maxsize=512)
def _parsed(formula: str, names: tuple) -> ModelSpec:
    from mixeq.spec.parser import parse

    return parse(formula, names)


def _warn_if_binary(model) -> None:
    """A linear mixed model of a 0/1 response runs, but is probably not what was meant."""
    y = model.design.y.to_numpy()
    if y.size > 2 and np.all((y == 0.0) | (y == 1.0)) and 0.0 < y.sum() < y.size:
        import warnings

        from mixeq.errors import MixeqWarning

        warnings.warn(f"the response '{model.spec.response}' is binary (0/1), and a linear mixed "
                      "model is being fitted; for a logistic model pass family='binomial'",
                      MixeqWarning, stacklevel=3)


class Model:
    """A mixed model: formula + data → X, Z, random-effects terms, predictor levels.

    ``Model("Reaction ~ Days + (Days | Subject)", data=df)``. The caller's data
    frame is never modified. Functions of your own are passed explicitly,
    ``transforms={"logit": my_logit}``; nothing is looked up by name elsewhere.
    """

    def __init__(self, formula: str | ModelSpec, data: pd.DataFrame, transforms=None,
                 family=None, weights=None, offset=None, link: str | None = None):
        from mixeq.design.build import build_design
        from mixeq.fitting.family import get_family
        from mixeq.design.frame import as_frame
        from mixeq.fitting.prior import model_priors, prior_vector

        self.spec: ModelSpec = (formula if isinstance(formula, ModelSpec)
                                else _parse(formula, transforms))
        self.formula: str = self.spec.formula or self.spec.canonical()
        self.family = get_family(family, link)
        # the names the equations write for weights= and offset= (a vector: w, offset)
        self.weights_name = None if weights is None else weights if isinstance(weights, str) else "w"
        self.offset_name = None if offset is None else offset if isinstance(offset, str) else "offset"
        from mixeq.remote.source import is_remote

        if is_remote(data):  # a path, DuckDB/Ibis/Spark table: queried, never loaded
            from mixeq.remote import remote_design

            self.design = remote_design(self.spec, data, family=self.family, weights=weights,
                                        offset=offset)
            self.weights, self._offset = None, None
        else:
            frame = as_frame(data) if isinstance(weights, str) or isinstance(offset, str) else data
            weights_in = prior_vector(weights, frame, "weights")
            offset_in = prior_vector(offset, frame, "offset")
            self.design: Design = build_design(self.spec, data, transforms, self.family.name)
            self.weights, self._offset = model_priors(self, frame, weights_in, offset_in)

    # -- matrices -------------------------------------------------------------
    @property
    def is_glmm(self) -> bool:
        """A generalized model (binomial, Poisson …), not the Gaussian identity one."""
        return not self.family.is_gaussian_identity

    @property
    def trials(self) -> np.ndarray | None:
        """Binomial trials per row from a cbind(successes, failures) response, else None."""
        return getattr(self.design, "trials", None)

    @property
    def y(self) -> pd.Series:
        return self.design.y

    @property
    def X(self) -> pd.DataFrame:
        return self.design.X

    @property
    def offset(self) -> np.ndarray | None:
        """The ``offset(…)`` terms summed per row (coefficient 1) plus the ``offset=``
        argument, or None."""
        return self._offset

    @property
    def terms(self) -> list[ReTerm]:
        return self.design.terms

    @cached_property
    def Z(self) -> sp.csc_matrix:
        return self.design.Z

    @property
    def Z_columns(self) -> list[tuple[str, str, str]]:
        return self.design.Z_columns

    @property
    def groups(self) -> dict[str, GroupingFactor]:
        return self.design.groups

    @property
    def levels(self) -> dict[str, PredictorLevel]:
        return self.design.levels

    @property
    def data(self) -> pd.DataFrame:
        """The rows used (after dropping missing values), as a new frame."""
        return self.design.data

    @property
    def nobs(self) -> int:
        return getattr(self.design, "nobs", None) or len(self.design.y)

    @property
    def dropped_rows(self) -> int:
        return self.design.dropped_rows

    @property
    def dropped_columns(self) -> list[str]:
        return self.design.dropped_columns

    def cluster(self, level, group: str | None = None) -> Cluster:
        from mixeq.design.cluster import extract_cluster

        return extract_cluster(self, level, group)

    def summary_dict(self) -> dict:
        from mixeq.design.report import design_facts

        return design_facts(self)

    # -- the doors to the rest of mixeq --------------------------------------
    def fit(self, reml: bool | None = None, **options):
        """Fit by REML (default) or ML, or a GLMM by Laplace / adaptive Gauss–Hermite
        (``nagq=``); see :func:`mixeq.fit`."""
        if getattr(self.design, "remote", False):
            from mixeq.remote import fit_remote

            return fit_remote(self, reml=reml, **options)
        if self.is_glmm:
            from mixeq.fitting.glmm import fit_glmm

            result = fit_glmm(self, reml=reml, **options)
            self.last_fit = result  # what equations(use_estimates=True) and verify() use
            return result
        from mixeq.fitting import fit_model

        _warn_if_binary(self)
        result = fit_model(self, reml=True if reml is None else reml, **options)
        self.last_fit = result  # what equations(use_estimates=True) writes (a notebook's m.fit())
        return result

    def equations(self, form: str = "multilevel", format: str = "latex", **options):
        """The model written in one notation; see :func:`mixeq.equations`. With
        ``use_estimates=True`` the estimates are those of the last ``m.fit()``."""
        from mixeq.equations import render
        from mixeq.errors import RenderError

        obj = self
        if options.get("use_estimates"):
            obj = getattr(self, "last_fit", None)
            if obj is None:
                raise RenderError("use_estimates=True needs a fit: call m.fit() first (its "
                                  "estimates are then used), or pass the fit to "
                                  "mixeq.equations(fit, use_estimates=True)")
        return render(obj, form=form, format=format, **options)

    def verify(self):
        """Prove that every notation of this model is the model its data define
        (with the estimates of the last ``m.fit()``, if any)."""
        from mixeq.equations import verify

        return verify(getattr(self, "last_fit", None) or self)

    @property
    def plot(self):
        """Pictures: ``m.plot.z()`` (Z's non-zeros), ``m.plot.lambda_theta()``."""
        from mixeq.plot import ModelPlots

        return ModelPlots(self)

    def report(self, path=None, **options) -> str:
        """One self-contained HTML page of this model, without a fit (see :func:`mixeq.report.report`)."""
        from mixeq.report import report

        return report(self, path=path, **options)

    def __repr__(self) -> str:
        q = sum(t.q for t in self.terms)
        fam = "" if not self.is_glmm else f", family={str(self.family)!r}"
        return (f"Model({self.spec.canonical()!r}, n={self.nobs}, "
                f"p={self.X.shape[1]}, q={q}{fam})")
