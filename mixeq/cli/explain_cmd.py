"""``mixeq explain FORMULA [--data F] --form … --format …``: one model in every notation."""
from __future__ import annotations

import warnings

from mixeq.cli.common import read_data
from mixeq.equations import FORMATS, FORMS, render, verify
from mixeq.equations.forms.registry import help_text as forms_help
from mixeq.equations.options import SYMBOL_SETS, VARIABLE_STYLES, default
from mixeq.errors import MixeqError, RenderError


def add_parser(subparsers):
    p = subparsers.add_parser(
        "explain", help="write a model as multilevel, composite, matrix … equations",
        description="Write a mixed model in the notations of textbooks and papers ("
        + forms_help() + "). With --data the level of each predictor comes from the data.")
    p.add_argument("formula", help="lme4 formula, e.g. 'y ~ x * m + (1 + x | school)'")
    p.add_argument("--data", help="CSV file: levels of predictors, a cluster's numbers")
    p.add_argument("--form", default=FORMS[0], choices=[*FORMS, "all"],
                   help=f"which notation (default {FORMS[0]}; 'all' for every form)")
    p.add_argument("--format", default="text", choices=list(FORMATS),
                   help="output format (default text)")
    p.add_argument("--cluster", help="with --data: show this cluster's numbers (matrix, "
                   "observation forms)")
    p.add_argument("--group", help="grouping factor of --cluster (default: the finest)")
    p.add_argument("--row", type=int, default=default("row"),
                   help="row written out by --form observation")
    p.add_argument("--use-estimates", action="store_true",
                   help="with --data: fit the model (REML) and show the estimates")
    p.add_argument("--digits", type=int, default=default("digits"),
                   help=f"decimals of numbers (default {default('digits')})")
    p.add_argument("--symbols", default=default("symbols"), choices=list(SYMBOL_SETS),
                   help="default: U_0j, ε_ij; hlm: u_0j, r_ij (three levels: π/β/γ "
                   "coefficients either way)")
    p.add_argument("--residual", metavar="LETTER",
                   help="letter of the level-1 residual, e.g. e or r (overrides --symbols)")
    p.add_argument("--random", metavar="LETTER",
                   help="letter of the random effects, e.g. u (overrides --symbols)")
    p.add_argument("--indices", metavar="LETTERS",
                   help="index letters: the observation's, then one per grouping factor "
                   "(default ijk…), e.g. ts for y_ts")
    p.add_argument("--level", action="append", default=[], metavar="VAR=GROUP",
                   help="state a predictor's level without data (m=school, x=1)")
    p.add_argument("--name", action="append", default=[], metavar="VAR=NAME",
                   help="display a variable under another name")
    p.add_argument("--variables", default=default("variables"), choices=list(VARIABLE_STYLES))
    p.add_argument("--wrap", type=int, default=default("wrap"), metavar="WIDTH",
                   help=f"break long equations before a + into lines of at most WIDTH "
                   f"characters (default {default('wrap')}; 0: never)")
    p.add_argument("--max-rows", type=int, default=default("max_rows"),
                   help="matrix form with --cluster: show the first and last rows of a longer "
                   f"cluster (default {default('max_rows')}; 0 shows all)")
    p.add_argument("--max-cols", type=int, default=default("max_cols"),
                   help="matrix form: show the first and last columns of a wider X_j "
                   f"(default {default('max_cols')}; 0 shows all)")
    p.add_argument("--verify", action="store_true",
                   help="also prove with SymPy that the forms are the same model")
    from mixeq.cli.fit_cmd import add_glmm_arguments

    add_glmm_arguments(p)  # a GLMM's equations: logit(p_ij) = …, y_ij ~ Bernoulli(p_ij)
    return p


def _family_options(args) -> dict:
    """--family/--link for a formula without data (a model from --data brings its own)."""
    return {k: v for k, v in (("family", getattr(args, "family", None)),
                              ("link", getattr(args, "link", None))) if v is not None}


def _pairs(items: list[str], what: str) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise RenderError(f"--{what} {item!r}: write VAR=VALUE, e.g. m=school")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _levels(items: list[str]) -> dict | None:
    if not items:
        return None
    return {k: (None if v in ("1", "", "none", "None") else v)
            for k, v in _pairs(items, "level").items()}


def _subject(args):
    if not args.data:
        if args.use_estimates or args.cluster:
            raise RenderError("--use-estimates and --cluster need --data FILE.csv")
        if getattr(args, "weights", None) or getattr(args, "offset", None):
            raise RenderError("--weights and --offset name columns of the data: add "
                              "--data FILE.csv (or write offset(log(t)) in the formula)")
        return args.formula
    from mixeq.cli.fit_cmd import model_of

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = model_of(args, read_data(args.data, args))
        if not args.use_estimates:
            return model
        try:
            return model.fit()
        except (ImportError, AttributeError) as exc:
            raise RenderError(f"fitting is not available here ({exc}); "
                              "drop --use-estimates") from None


def _symbols(args):
    if not (args.residual or args.random):
        return args.symbols
    base = {"default": ("epsilon", "U"), "hlm": ("r", "u")}[args.symbols]
    names = {"ε": "epsilon", "η": "eta"}
    return {"residual": names.get(args.residual, args.residual or base[0]),
            "random": args.random or base[1]}


def _with_notes(text: str, eq, fmt: str) -> str:
    """LaTeX has no place for the notes (levels assumed, estimates): % comments."""
    if fmt != "latex" or not eq.notes:
        return text
    return text + "".join("\n% Note: " + n for n in eq.notes)


def run(args) -> int:
    subject = _subject(args)
    options = dict(symbols=_symbols(args), digits=args.digits, wrap=args.wrap,
                   names=_pairs(args.name, "name"), levels=_levels(args.level),
                   variables=args.variables, row=args.row, max_cols=args.max_cols,
                   max_rows=args.max_rows,
                   use_estimates=args.use_estimates)
    if args.indices:
        options["indices"] = args.indices
    if isinstance(subject, str):
        options.update(_family_options(args))
    if args.cluster is not None:
        options.update(cluster=args.cluster, group=args.group)
    forms = FORMS if args.form == "all" else (args.form,)
    chunks, pieces = [], []
    for form in forms:
        try:
            eq = render(subject, form=form, format=args.format, **options)
            text = _with_notes(str(eq), eq, args.format)
        except MixeqError as exc:
            if args.form != "all":
                raise
            text = ("% " if args.format == "latex" else "") + f"({exc})"
        chunks.append(f"== {form} ==\n{text}" if len(forms) > 1 else text)
        pieces.append((form, text))
    report = None
    if args.verify:
        report = verify(subject,  # a fit (--use-estimates): its estimates are checked too
                        levels=options["levels"], symbols=options["symbols"],
                        indices=options.get("indices", default("indices")),
                        **(_family_options(args) if isinstance(subject, str) else {}))
    if args.format == "html":  # a whole page that typesets itself offline (KaTeX inlined)
        print(_html_page(args.formula, pieces, report), end="")
    else:
        print("\n\n".join(chunks))
        if report is not None:
            print("\n" + str(report))
    return 0 if report is None or report.ok else 1


def _html_page(formula: str, pieces, report) -> str:
    from html import escape

    from mixeq.report.page import page

    body = "\n".join(f"<section><h2>{escape(form)}</h2>\n{text}</section>" for form, text in pieces)
    if report is not None:
        body += f'\n<section><h2>Proof</h2><pre class="no-math">{escape(str(report))}</pre></section>'
    return page(f"mixeq: {formula}", body)
