"""``mixeq`` command: dispatches to the sub-command modules.

Each sub-command lives in its own module of this package exposing
``add_parser(subparsers)`` (which registers it) and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from mixeq.cli.common import add_factor_options
from mixeq.errors import MixeqError

SUBCOMMANDS = ["design_cmd", "fit_cmd", "explain_cmd", "check_cmd"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mixeq",
        description="Linear mixed models in every notation: lme4 formulas, "
        "multilevel, composite and matrix equations, and REML/ML fits.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"mixeq.cli.{name}")
        except ModuleNotFoundError as exc:  # a sub-command not built yet
            if exc.name != f"mixeq.cli.{name}":
                raise
            continue
        sub = module.add_parser(subparsers)
        if _has_option(sub, "--data") and not _has_option(sub, "--factor"):
            add_factor_options(sub)
        sub.set_defaults(_run=module.run)
    return parser


def _has_option(parser, option: str) -> bool:
    return any(option in action.option_strings for action in parser._actions)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except MixeqError as exc:
        print(f"mixeq: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and closed early
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


if __name__ == "__main__":
    sys.exit(main())
