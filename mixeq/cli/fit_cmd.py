"""``mixeq fit FORMULA --data FILE [--ml] [--json]``: fit by REML (or ML) and
print lme4's summary, or JSON with the keys of lme4's reference fits."""
from __future__ import annotations

import json
import warnings

from mixeq.cli.common import data_or_source
from mixeq.model import Model


def add_parser(subparsers):
    p = subparsers.add_parser(
        "fit", help="fit a linear mixed model by REML or ML and summarise it",
        description="Fit a linear mixed model as lme4's lmer() does and print its summary. "
        "CSV columns of text become factors with their levels sorted (the first is the "
        "reference level); grouping variables are always factors. Use --factor COL=l1,l2,… "
        "or --factors FILE.json to make a column a factor or order its levels.")
    p.add_argument("formula", help="lme4 formula, e.g. 'Reaction ~ Days + (Days | Subject)'")
    p.add_argument("--data", required=True,
                   help="CSV file with the variables, or Parquet file(s) (a path or a glob such "
                   "as 'data/*.parquet', queried through DuckDB without loading the rows)")
    p.add_argument("--ml", action="store_true", help="maximum likelihood instead of REML")
    p.add_argument("--json", action="store_true",
                   help="print JSON (fixef, fixef_se, theta, sigma, logLik, deviance, REMLcrit, "
                   "AIC, BIC, varcorr, ranef, nobs, ngrps, …)")
    p.add_argument("--ddf", default="satterthwaite",
                   help="df of the t tests in the summary: satterthwaite (default, lmerTest's), "
                   "kenward-roger (REML fits) or lme4 (t values only)")
    p.add_argument("--confint", default=None, metavar="METHOD",
                   help="also print confidence intervals: wald, profile or bootstrap")
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--nsim", type=int, default=1000, help="bootstrap replicates (default 1000)")
    p.add_argument("--seed", type=int, default=None, help="seed of the bootstrap")
    p.add_argument("--optimizer", default="bobyqa",
                   help="nlopt algorithm: bobyqa (default), newuoa, neldermead, cobyla, sbplx")
    add_glmm_arguments(p)
    p.add_argument("--nagq", type=int, default=1,
                   help="GLMM: Gauss–Hermite nodes (1: Laplace, as lme4's nAGQ; > 1 needs a single "
                   "scalar random-effects term)")
    return p


def add_glmm_arguments(p) -> None:
    """--family, --link, --weights, --offset (shared by fit, explain and design)."""
    p.add_argument("--family", default=None,
                   help="gaussian (default: a linear mixed model), binomial or poisson (glmer)")
    p.add_argument("--link", default=None,
                   help="link function: logit (binomial default), probit, cloglog; log (poisson)")
    p.add_argument("--weights", default=None, metavar="COL",
                   help="column of prior weights (binomial: number of trials for a proportion)")
    p.add_argument("--offset", default=None, metavar="COL",
                   help="column added to the linear predictor with coefficient 1")


def model_of(args, data) -> Model:
    return Model(args.formula, data, family=getattr(args, "family", None),
                 link=getattr(args, "link", None), weights=getattr(args, "weights", None),
                 offset=getattr(args, "offset", None))


def run(args) -> int:
    # with --factor / --factors (added by the dispatcher); Parquet files and globs are queried
    data = data_or_source(args.data, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = model_of(args, data)
        if model.is_glmm:
            fit = model.fit(nagq=args.nagq, optimizer=args.optimizer)
        else:
            extra = {} if args.nagq == 1 else {"nagq": args.nagq}   # an error for an LMM
            fit = model.fit(reml=not args.ml, optimizer=args.optimizer, **extra)
    notes = [str(w.message) for w in caught]
    ci = None
    if args.confint:
        ci = fit.confint(args.confint, level=args.level, nsim=args.nsim, seed=args.seed)
    if args.json:
        out = fit.to_reference_dict()
        from mixeq.inference.access import supported

        if args.ddf != "lme4" and supported(fit) and not model.is_glmm:  # no df: remote, weighted, GLMM
            out["coef_table"] = _records(fit.coef_table(ddf=args.ddf))
        if ci is not None:
            out["confint"] = _records(ci)
        out["warnings"] = notes
        print(json.dumps(out, indent=2))
    else:
        print(fit.summary(ddf=args.ddf), end="")
        if ci is not None:
            print(f"\nConfidence intervals ({args.confint}):")
            print(ci.to_string(float_format=lambda v: f"{v:.4f}"))
        for note in notes:
            print(f"note: {note}")
    return 0


def _records(frame) -> dict:
    """{column: {row: value}} with NaN as null (the layout of the reference files)."""
    import math

    return {c: {str(r): (None if isinstance(v, float) and math.isnan(v) else v)
                for r, v in frame[c].items()} for c in frame.columns}
