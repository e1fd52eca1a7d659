"""With data: match the equations' variable names to columns (exactly, else
case-insensitively when that is unambiguous) and check each predictor's level
against the data (a level-2 predictor must be constant within its clusters)."""
from __future__ import annotations

import difflib
import re

import pandas as pd

from mixeq.design.frame import as_frame, check_unique_names, column_as
from mixeq.design.grouping import interaction
from mixeq.design.levels import is_constant_within
from mixeq.design.types import GroupingFactor
from mixeq.reader import diagnostics as D
from mixeq.reader.naming import formula_name
from mixeq.spec.types import ModelSpec, RandomTerm

_POWER = re.compile(r"^I\((?P<name>.+) \*\* (?P<p>\d+)\)$")
_FACTORS = re.compile(r"`[^`]*`|[^:]+")  # the factors of a term: a:`b:c` → a, `b:c`


class Columns:
    def __init__(self, data: pd.DataFrame, places: dict[str, tuple]):
        self.data = data
        self.places = places
        self.columns = [str(c) for c in data.columns]
        self.diagnostics: list[D.Diagnostic] = []
        self.unknown: set[str] = set()
        self.names_of: dict[str, str] = {}
        self.reported: set[tuple[str, str]] = set()

    def remark(self, code: str, name: str, message: str) -> None:
        line, equation = self.places.get(name, (None, ""))
        D.emit(self.diagnostics, code, line, equation, message)

    def resolve(self, name: str, what: str) -> str | None:
        column = self.find(name, what)
        if column is not None:
            other = self.names_of.setdefault(column, name)
            if other != name and (other, name) not in self.reported:
                self.reported.add((other, name))
                self.remark(
                    D.SYMBOL_REUSED, name,
                    f"{other} and {name} both name the column {column}; if they are different "
                    "variables, give them different names (and columns).")
        return column

    def find(self, name: str, what: str) -> str | None:
        if name in self.columns:
            return name
        folded = [c for c in self.columns if c.lower() == name.lower()]
        if len(folded) == 1:
            return folded[0]
        if name not in self.unknown:
            self.unknown.add(name)
            close = difflib.get_close_matches(name, self.columns, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            if len(folded) > 1:
                hint = f" Several columns match it ignoring case: {', '.join(folded)}."
            if what == "group":
                code, text = D.UNKNOWN_GROUP_COLUMN, (
                    f"the cluster index {name} names no column of the data; say which column it "
                    f"is with --group {name}=COLUMN (group_map={{'{name}': 'COLUMN'}}).{hint}")
            else:
                code, text = D.UNKNOWN_COLUMN, (
                    f"the {what} {name} is not a column of the data; rename it in the equations "
                    f"or in the data.{hint}")
            self.remark(code, name, text)
        return None

    def term(self, term: str) -> str:
        parts = []
        for part in _FACTORS.findall(term):
            m = _POWER.match(part)
            if m:
                name = m.group("name").strip("`")
                col = self.resolve(name, "predictor") or name
                parts.append(f"I({formula_name(col)} ** {m.group('p')})")
            else:
                name = part[1:-1] if part.startswith("`") else part
                parts.append(formula_name(self.resolve(name, "predictor") or name))
        return ":".join(parts)


_NAME = re.compile(r"[A-Za-z_.][A-Za-z0-9_.]*(?![A-Za-z0-9_.]*\()")


def _columns_in(cols: Columns, expression: str, what: str) -> str:
    """``cbind(s, n - s)``, ``log(t)``: each variable in it matched to its column."""
    return _NAME.sub(lambda m: cols.resolve(m.group(0), what) or m.group(0), expression)


def _varies_within(data: pd.DataFrame, column: str, groups: list[str]) -> bool:
    """Not constant within the clusters of ``groups`` (design.levels' test, on the rows
    where the column and the groups are known)."""
    check_unique_names(data, [column, *groups])
    frame = data[list(dict.fromkeys([column, *groups]))]
    frame = frame.assign(**{column: column_as(frame[column], "predictor", column)}).dropna()
    if frame.empty:
        return False
    codes, labels = interaction(frame, tuple(groups))
    group = GroupingFactor(name=":".join(groups), codes=codes, levels=labels)
    return not is_constant_within(frame[column], group)


def check_data(spec: ModelSpec, levels: dict[str, dict], mapping: dict[str, str],
               data: pd.DataFrame, places: dict[str, tuple] | None = None):
    """(spec with column names, levels with column names, diagnostics).
    ``places`` (name → (line, equation)) says where each variable is written."""
    data = as_frame(data)
    cols = Columns(data, places or {})
    if spec.response.startswith("cbind("):
        response = _columns_in(cols, spec.response, "outcome")
    else:
        written = spec.response[1:-1] if spec.response.startswith("`") else spec.response
        response = formula_name(cols.resolve(written, "outcome") or written)
    offsets = tuple(_columns_in(cols, o, "offset") for o in spec.offsets)
    fixed = tuple(dict.fromkeys(cols.term(t) for t in spec.fixed))
    random = []
    for r in spec.random:
        group = tuple(cols.resolve(g, "group") or g for g in r.group)
        random.append(RandomTerm(r.intercept, tuple(cols.term(t) for t in r.terms), group))
    new = ModelSpec(response, spec.intercept, fixed, tuple(random), offsets=offsets)
    new = ModelSpec(new.response, new.intercept, new.fixed, new.random, new.canonical(),
                    offsets)
    new_levels: dict[str, dict] = {}
    slopes = {(t, r.group) for r in random for t in r.terms}
    for name, info in levels.items():
        col = cols.resolve(name, "predictor")
        info = dict(info)
        if info.get("group"):
            groups = info["group"].split(":")
            info["group"] = ":".join(cols.resolve(g, "group") or g for g in groups)
        new_levels[col or name] = info
        if col is None:
            continue
        check_level(cols, data, name, col, info, random, slopes)
    return new, new_levels, cols.diagnostics


def check_level(cols: Columns, data, name: str, col: str, info: dict, random, slopes) -> None:
    if info["level"] != 1 and info.get("group"):
        groups = info["group"].split(":")
        if all(g in cols.columns for g in groups) and _varies_within(data, col, groups):
            cols.remark(
                D.LEVEL2_VARIES, name,
                f"{col} is written as a level-2 predictor (constant within {info['group']}), but "
                f"in the data it varies within {info['group']}: it is a level-1 predictor, so it "
                f"belongs in the level-1 equation with the observation index.")
        return
    for r in random:
        groups = list(r.group)
        if (col, r.group) in slopes and all(g in cols.columns for g in groups) \
                and not _varies_within(data, col, groups):
            cols.remark(
                D.LEVEL1_CONSTANT, name,
                f"{col} has a random slope over {r.group_name}, but in the data it is constant "
                f"within {r.group_name}, so its slope cannot vary between clusters: drop its "
                "random effect, or write it as a level-2 predictor.")
