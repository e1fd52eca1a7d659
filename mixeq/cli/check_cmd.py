"""``mixeq check FILE|-``: read hand-written level-1/level-2 equations and say
what model they are (lme4 formula, composite, matrix form) and what is wrong."""
from __future__ import annotations

import sys

from mixeq.cli.common import json_text, read_data
from mixeq.errors import DataError, MixeqError


def add_parser(subparsers):
    p = subparsers.add_parser(
        "check", help="read hand-written multilevel equations: formula, forms, remarks",
        description="Read level-1/level-2 equations (LaTeX or plain text, one equation a "
        "line) and print the lme4 formula, the composite equation, the matrix form for "
        "cluster j and what is inconsistent. Exit status 0: no remarks; 1: remarks or "
        "the equations could not be read.")
    p.add_argument("file", help="file with the equations, or - for standard input")
    p.add_argument("--group", action="append", default=[], metavar="INDEX=COLUMN",
                   help="name the grouping factor of a cluster index, e.g. j=school "
                   "(repeat for k=district)")
    p.add_argument("--data", help="CSV file: match variables to columns, check levels")
    p.add_argument("--json", action="store_true",
                   help="print JSON with keys formula, composite, matrix, diagnostics, levels")
    p.add_argument("--format", default=None, choices=["text", "latex", "markdown", "html"],
                   help="format of the composite and matrix forms (default: as the input); "
                   "html: a self-contained page with the math typeset (works offline)")
    return p


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
    if args.json:
        print(json_text(result.to_dict()))
    elif args.format == "html":
        from mixeq.report.check_page import check_page

        sys.stdout.write(check_page(result.to_dict(), args.file))
    else:
        sys.stdout.write(str(result))
    return 0 if result.ok else 1
