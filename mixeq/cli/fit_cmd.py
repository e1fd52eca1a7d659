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
    p.add_argument("--optimizer", default="bobyqa",
                   help="nlopt algorithm: bobyqa (default), newuoa, neldermead, cobyla, sbplx")
    return p


def run(args) -> int:
    # with --factor / --factors (added by the dispatcher); Parquet files and globs are queried
    data = data_or_source(args.data, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = Model(args.formula, data).fit(reml=not args.ml, optimizer=args.optimizer)
    notes = [str(w.message) for w in caught]
    if args.json:
        out = fit.to_reference_dict()
        out["warnings"] = notes
        print(json.dumps(out, indent=2))
    else:
        print(fit.summary(), end="")
        for note in notes:
            print(f"note: {note}")
    return 0
