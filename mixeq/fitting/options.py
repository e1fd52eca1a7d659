"""``FitOptions``: every choice a fit was made with, in one record that ``refit``
reuses (lme4 keeps them in ``lmerControl``/``glmerControl`` and the call)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from numbers import Integral

import numpy as np

from mixeq.errors import FitError


@dataclass(frozen=True)
class FitOptions:
    reml: bool = True                 # LMMs only; GLMMs have no REML
    optimizer: str = "bobyqa"
    start: object = None              # θ to start from as given (checked by the fitter)
    factor: str = "auto"              # LMM factorisation: auto, dense, blocked
    nagq: int = 1                     # GLMM: 1 Laplace, > 1 adaptive Gauss–Hermite, 0 lme4's nAGQ=0
    check_conv: object = "auto"       # LMM: lme4's convergence check (convergence.py)
    blas_threads: int | None = 1      # BLAS threads while fitting (threads.py)
    profile: bool = True              # LMM search: profile out small trailing terms (profile.py)
    float32_search: bool = True       # LMM search: a rough float32 search first (search.py)
    remote_glmm: str = "auto"         # a GLMM from a database: auto, cells, passes (remote/glmm.py)
    optimizer_options: dict = field(default_factory=dict)   # ftol_rel, xtol_abs, maxeval …

    @classmethod
    def of(cls, reml=None, nagq=1, optimizer="bobyqa", start=None, factor="auto",
           glmm: bool = False, **options) -> "FitOptions":
        if glmm and reml:
            raise FitError("REML is not defined for a generalized linear mixed model: glmer "
                           "fits by maximum likelihood (Laplace or adaptive Gauss–Hermite); "
                           "drop reml=True")
        if isinstance(nagq, bool) or not isinstance(nagq, (Integral, np.integer)) or \
                not 0 <= int(nagq) <= 100:
            raise FitError(f"nagq must be a whole number from 0 to 100 (1: Laplace, as lme4's "
                           f"nAGQ), not {nagq!r}")
        if not glmm and int(nagq) != 1:
            raise FitError("nagq applies to GLMMs only: give family='binomial' or 'poisson'")
        named = {k: options.pop(k) for k in _NAMED if k in options}
        if named.get("remote_glmm", "auto") not in REMOTE_GLMM_MODES:
            raise FitError(f"remote_glmm must be one of {', '.join(REMOTE_GLMM_MODES)} (how a "
                           f"GLMM is fitted from a database), not {named['remote_glmm']!r}")
        return cls(reml=bool(reml) if reml is not None else not glmm, optimizer=optimizer,
                   start=start, factor=factor, nagq=int(nagq), optimizer_options=dict(options),
                   **named)

    def with_(self, **changes) -> "FitOptions":
        """These options with ``changes``: fields by name, anything else an optimiser option."""
        own = {f.name for f in fields(self)}
        extra = {k: changes.pop(k) for k in list(changes) if k not in own}
        if extra:
            changes["optimizer_options"] = {**self.optimizer_options, **extra}
        return replace(self, **changes)

    def kwargs(self) -> dict:
        """The fitter's keyword arguments for these options (``refit`` calls it with them)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "optimizer_options"}
        return {**out, **self.optimizer_options}


_NAMED = ("check_conv", "blas_threads", "profile", "float32_search", "remote_glmm")
REMOTE_GLMM_MODES = ("auto", "cells", "passes")
