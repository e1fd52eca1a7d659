"""One table of forms and one of formats (mixeq/equations/forms/registry.py,
mixeq/equations/formats.py): render(), verify(), the CLI and the docs read them, and the
CLI's defaults are the options record's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from mixeq.cli.main import build_parser
from mixeq.equations import FORMATS, FORMS, render
from mixeq.equations.formats import TABLE as FORMAT_TABLE
from mixeq.equations.forms.registry import TABLE as FORM_TABLE
from mixeq.equations.options import Options
from mixeq.equations.proof import FORMS_PROVED
from mixeq.errors import RenderError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "equations.md"


def _subparser(name: str):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices[name]


def _action(parser, option: str):
    return next(a for a in parser._actions if option in a.option_strings)


@pytest.mark.parametrize("record", FORM_TABLE, ids=lambda r: r.name)
def test_every_form_and_alias_renders_as_its_record(record):
    for name in (record.name, *record.aliases):
        assert render("y ~ x + (1 + x | g)", form=name).form == record.name


def test_unknown_form_and_format_are_named():
    with pytest.raises(RenderError, match="'nope'.*multilevel"):
        render("y ~ x + (1 | g)", form="nope")
    with pytest.raises(RenderError, match="'docx'.*latex"):
        render("y ~ x + (1 | g)", format="docx")


def test_each_format_is_its_records_writer():
    eq = render("y ~ x + (1 | g)")
    for record in FORMAT_TABLE:
        assert getattr(eq, record.name) == record.write(eq.tree, eq.options)
    assert str(render("y ~ x + (1 | g)", format="text")).startswith("Level 1")


def test_verify_proves_the_forms_the_table_marks():
    assert set(FORMS_PROVED) == {r.name for r in FORM_TABLE if r.proved}
    assert "explain" not in FORMS_PROVED and "stacked" in FORMS_PROVED


def test_cli_choices_come_from_the_tables():
    explain = _subparser("explain")
    assert list(_action(explain, "--form").choices) == [*FORMS, "all"]
    assert list(_action(explain, "--format").choices) == list(FORMATS)
    check = _subparser("check")
    assert list(_action(check, "--format").choices) == list(FORMATS)
    assert all(f in _action(check, "--form").help for f in FORMS)


def test_cli_defaults_are_the_options_record():
    explain = _subparser("explain")
    opts = Options()
    for option, field in [("--digits", "digits"), ("--row", "row"), ("--wrap", "wrap"),
                          ("--max-cols", "max_cols"), ("--max-rows", "max_rows"),
                          ("--symbols", "symbols"), ("--variables", "variables")]:
        assert _action(explain, option).default == getattr(opts, field), option


def test_docs_list_exactly_the_registered_forms_and_formats():
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("## Forms", 1)[1].split("\n\n", 2)[1]
    listed = re.findall(r"^\| `([a-z-]+)`", table, flags=re.M)
    assert listed == list(FORMS)
    formats = text.split("Formats (`format=`)", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"`(latex|text|markdown|html|[a-z]+)` \(", formats) == list(FORMATS)
