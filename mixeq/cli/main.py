"""``mixeq`` command: dispatches to the sub-command modules.

Each sub-command lives in its own module of this package exposing
``add_parser(subparsers)`` (which registers it) and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from mixeq.cli.common import add_factor_options
from mixeq.errors import MixeqError

SUBCOMMANDS = ["design_cmd", "fit_cmd", "explain_cmd", "check_cmd", "report_cmd"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is a user error like any other: exit status 2 and,
    with --json, the JSON error object (sub-parsers are made of this class too)."""

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


class UsageError(MixeqError):
    """A command line that argparse cannot read (unknown option, bad value)."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    """Exit status 0: done; 2: a user error (any MixeqError, a bad option), its message
    on stderr — or, with --json, ``{"error": {"type", "message", "position"}}`` on
    stdout; 1: a bug in mixeq (an unexpected exception), reported as such; 3: ``check``
    has remarks on the equations it read (common.EXIT_REMARKS)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    as_json = "--json" in argv
    _safe_streams()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except MixeqError as exc:
        return _report(exc, as_json, 2)
    except BrokenPipeError:  # output piped into `head` and closed early
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - anything else is a bug: say so, exit 1
        return _report(exc, as_json, 1)


def error_object(exc: BaseException, bug: bool = False) -> dict:
    """The JSON error: type, message (the reason, without the caret drawing), position."""
    message = getattr(exc, "reason", None) or str(exc)
    if bug:
        message = (f"internal error (a bug in mixeq, please report it with the command "
                   f"line): {type(exc).__name__}: {exc}")
    return {"error": {"type": type(exc).__name__, "message": message,
                      "position": getattr(exc, "position", None)}}


def _report(exc: BaseException, as_json: bool, status: int) -> int:
    bug = status == 1
    if as_json:
        print(json.dumps(error_object(exc, bug)))
    elif bug:
        print(f"mixeq: {error_object(exc, bug)['error']['message']}", file=sys.stderr)
    else:
        print(f"mixeq: error: {exc}", file=sys.stderr)
    return status


def _safe_streams() -> None:
    """An ASCII-only terminal (LANG=C, PYTHONIOENCODING=ascii) cannot show σ or β₀:
    write such characters as escapes (\\u03c3) rather than fail."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding and encoding not in ("utf8", "utf16", "utf32") \
                and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


if __name__ == "__main__":
    sys.exit(main())
