"""``mixeq check FILE|-``: read hand-written level-1/level-2 equations and say
what model they are (lme4 formula, composite, matrix form) and what is wrong."""
from __future__ import annotations

import sys

from mixeq.cli.common import EXIT_REMARKS, json_text, read_data
from mixeq.equations.formats import FORMATS
from mixeq.equations.forms.registry import FORMS
from mixeq.errors import DataError, MixeqError


def add_parser(subparsers):
    p = subparsers.add_parser(
        "check", help="read hand-written multilevel equations: formula, forms, remarks",
        description="Read level-1/level-2 equations (LaTeX or plain text, one equation a "
        "line) and print the lme4 formula, the composite equation, the matrix form for "
        "cluster j and what is inconsistent. Exit status 0: no remarks; 3: remarks or "
        "the equations could not be read; 2: a user error (a missing file, a bad option); "
        "1 only for a bug in mixeq.")
    p.add_argument("file", help="file with the equations, or - for standard input")
    p.add_argument("--group", action="append", default=[], metavar="INDEX=COLUMN",
                   help="name the grouping factor of a cluster index, e.g. j=school "
                   "(repeat for k=district)")
    p.add_argument("--data", help="CSV file: match variables to columns, check levels")
    p.add_argument("--json", action="store_true",
                   help="print JSON with keys formula, composite, matrix, diagnostics, levels")
    p.add_argument("--format", default=None, choices=list(FORMATS),
                   help="format of the composite and matrix forms (default: as the input); "
                   "html: a self-contained page with the math typeset (works offline)")
    p.add_argument("--form", default=None, metavar="FORM",
                   help=f"also write the model read in this form ({', '.join(FORMS)}) or 'all'")
    p.add_argument("--verify", action="store_true",
                   help="also prove that the forms of the model read are the same model")
    return p


def _extra(result, args) -> tuple[str, dict]:
    """The forms asked for with --form and the proof of --verify, as text and for --json."""
    from mixeq.equations import render, verify
    from mixeq.reader.render import renderer_levels

    if result.spec is None or not (args.form or args.verify):
        return "", {}
    levels = renderer_levels(result.levels, result.spec)
    if result.family:  # a GLMM: its forms and proof with the family and link read
        levels = {"levels": levels, "family": result.family, "link": result.link}
    else:
        levels = {"levels": levels}
    fmt = result.format if result.format in ("latex", "text", "markdown") else "latex"
    forms = list(FORMS) if args.form == "all" else [args.form] if args.form else []
    out, data = [], {}
    for form in forms:
        try:
            shown = str(render(result.spec, form=form, format=fmt, **levels))
        except MixeqError as exc:
            shown = f"(not written: {exc})"
        out += [f"{form} form:", shown, ""]
        data.setdefault("forms", {})[form] = shown
    if args.verify:
        report = verify(result.spec, **levels)
        out += [str(report), ""]
        data["verify"] = {"ok": report.ok, "checks": [
            {"name": c.name, "status": c.status, "detail": c.detail} for c in report.checks]}
    return "\n".join(out), data


def _group_map(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        index, sep, column = item.partition("=")
        if not sep or not index.strip() or not column.strip():
            raise DataError(f"--group {item!r}: write INDEX=COLUMN, e.g. --group j=school")
        out[index.strip()] = column.strip()
    return out


def _read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise DataError(f"cannot read equations file '{path}': {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DataError(f"equations file '{path}' is not UTF-8 text") from None


def run(args) -> int:
    from mixeq.reader import read_equations

    text = _read_input(args.file)
    data = read_data(args.data, args) if args.data else None
    try:
        result = read_equations(text, group_map=_group_map(args.group), data=data,
                                format="latex" if args.format == "html" else args.format)
    except MixeqError:
        raise
    if args.form and args.form != "all":
        from mixeq.equations.render import check_form

        args.form = check_form(args.form)
    extra_text, extra_data = _extra(result, args)
    if args.json:
        print(json_text({**result.to_dict(), **extra_data}))
    elif args.format == "html":
        from mixeq.report.check_page import check_page

        sys.stdout.write(check_page(result.to_dict(), args.file))
    else:
        sys.stdout.write(str(result) + ("\n" + extra_text if extra_text else ""))
    ok = result.ok and extra_data.get("verify", {}).get("ok", True)
    return 0 if ok else EXIT_REMARKS
