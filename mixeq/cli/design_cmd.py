"""``mixeq design FORMULA --data FILE [--json]``: the model's matrices, described."""
from __future__ import annotations

import json
import warnings

from mixeq.cli.common import read_data
from mixeq.design.report import design_text
from mixeq.cli.fit_cmd import model_of


def add_parser(subparsers):
    p = subparsers.add_parser(
        "design", help="build X and Z for a formula and data, and describe them",
        description="Build the fixed-effects matrix X and random-effects matrix Z as lme4 "
        "does, and report shapes, non-zeros, column names and the level of every predictor.")
    p.add_argument("formula", help="lme4 formula, e.g. 'y ~ x + (1 + x | g)'")
    p.add_argument("--data", required=True, help="CSV file with the variables")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    from mixeq.cli.fit_cmd import add_glmm_arguments

    add_glmm_arguments(p)
    return p


def run(args) -> int:
    data = read_data(args.data, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = model_of(args, data)
    facts = model.summary_dict()
    facts["warnings"] = [str(w.message) for w in caught]
    if args.json:
        print(json.dumps(facts, indent=2))
    else:
        print(design_text(facts))
        for w in facts["warnings"]:
            print(f"note: {w}")
    return 0
