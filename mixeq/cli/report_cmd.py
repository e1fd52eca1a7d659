"""``mixeq report FORMULA [FORMULA …] --data F -o out.html [--no-fit]``: one
self-contained HTML page of a model, or of several compared."""
from __future__ import annotations

import sys
import warnings

from mixeq.cli.common import read_data


def add_parser(subparsers):
    p = subparsers.add_parser(
        "report", help="write one self-contained HTML page: every form, the proof, the fit, plots",
        description="Write one HTML file with the model's formula and data, every notation "
        "typeset (KaTeX, inlined: the page works offline), the proof that the forms agree, "
        "the fit and its pictures (Z, Λθ, caterpillar, residuals, QQ). Two or more formulas: "
        "their equations side by side with the differences marked, and the likelihood-ratio test.")
    p.add_argument("formula", nargs="+", help="lme4 formula(s), e.g. 'y ~ x * m + (1 + x | school)'")
    p.add_argument("--data", required=True, help="CSV file with the variables")
    p.add_argument("-o", "--output", default="report.html", help="HTML file to write (default report.html)")
    p.add_argument("--no-fit", action="store_true", help="do not fit: equations, proof and Z only")
    p.add_argument("--ml", action="store_true", help="fit by maximum likelihood instead of REML")
    p.add_argument("--title", help="the page's title")
    p.add_argument("--label", action="append", default=[], metavar="NAME",
                   help="a name per model, in order (default Model 1, Model 2, …)")
    p.add_argument("--cluster", help="the cluster whose numbers the matrix form shows "
                   "(default: the first level of the finest grouping factor)")
    p.add_argument("--group", help="grouping factor of --cluster (default: the finest)")
    p.add_argument("--quiet", action="store_true", help="no progress bar while fitting")
    return p


def run(args) -> int:
    from mixeq.model import Model
    from mixeq.progress import quiet
    from mixeq.report import report

    data = read_data(args.data, args)
    subjects = []
    with warnings.catch_warnings(), quiet(args.quiet):
        warnings.simplefilter("ignore")
        for formula in args.formula:
            model = Model(formula, data)
            subjects.append(model if args.no_fit else model.fit(reml=not args.ml))
    report(*subjects, path=args.output, title=args.title, labels=args.label or None,
           cluster=args.cluster, group=args.group)
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
