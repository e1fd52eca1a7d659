"""A fit as a dict with the keys of the lme4 reference JSON files (for the CLI)."""
from __future__ import annotations

import numpy as np


def _clean(v):
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    return v


def reference_dict(fit) -> dict:
    vc = fit.varcorr
    return {
        "formula": fit.model.formula,
        "REML": fit.reml,
        "nobs": fit.nobs,
        "ngrps": fit.ngroups,
        "fixef": {k: float(v) for k, v in fit.fixef.items()},
        "fixef_se": {k: float(v) for k, v in fit.stderr.items()},
        "theta": [float(t) for t in fit.theta],
        "theta_names": list(fit.theta_names),
        "sigma": float(fit.sigma),
        "logLik": float(fit.loglik),
        "deviance": _clean(fit.deviance),
        "REMLcrit": _clean(fit.reml_criterion),
        "AIC": float(fit.aic),
        "BIC": float(fit.bic),
        "varcorr": {col: [_clean(v) for v in vc[col].tolist()] for col in vc.columns},
        "ranef": {g: {"levels": [str(i) for i in f.index], "columns": list(f.columns),
                      "values": f.to_numpy().tolist()} for g, f in fit.ranef.items()},
        "converged": fit.converged,
        "singular": fit.singular,
        "optimizer": fit.optimizer_summary.as_dict(),
    }
