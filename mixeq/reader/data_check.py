"""With data: match the equations' variable names to columns (exactly, else
case-insensitively when that is unambiguous) and check each predictor's level
against the data (a level-2 predictor must be constant within its clusters).

A name is read as one of three things, each through the definition the rest of mixeq
uses: a column; a transform of columns (``log(z)``, ``I(x ** 2)``: the columns it reads
are :func:`mixeq.spec.check.column_tokens`', each matched to the data); or a factor's
dummy (``sector_Public``: :func:`mixeq.design.names.dummy_splits`, the inverse of the
renderers' :func:`~mixeq.design.names.dummy_name`, with the factor's levels as the
design codes them: :func:`mixeq.design.frame.column_as`, then
:func:`mixeq.design.grouping.factor_codes`), which the formula writes as the factor."""
from __future__ import annotations

import difflib

import pandas as pd

from mixeq.design.frame import as_frame, check_unique_names, column_as
from mixeq.design.grouping import factor_codes, interaction
from mixeq.design.logical import FALSE_TRUE
from mixeq.design.levels import is_constant_within
from mixeq.design.names import dummy_splits, split_interaction
from mixeq.design.types import GroupingFactor
from mixeq.errors import MixeqError
from mixeq.reader import diagnostics as D
from mixeq.reader.naming import formula_name
from mixeq.spec.check import column_tokens
from mixeq.spec.types import ModelSpec, RandomTerm


def _is_call(name: str) -> bool:
    """``log(z)``, ``I(x ** 2)``: an expression of columns, not one column."""
    return "(" in name and not name.startswith("`")


def _unquoted(name: str) -> str:
    return name[1:-1] if name.startswith("`") and name.endswith("`") else name


def _tokens(expression: str) -> list:
    try:
        return column_tokens(expression)
    except MixeqError:
        return []


class Columns:
    def __init__(self, data: pd.DataFrame, places: dict[str, tuple]):
        self.data = data
        self.places = places
        self.columns = [str(c) for c in data.columns]
        self.diagnostics: list[D.Diagnostic] = []
        self.unknown: set[str] = set()
        self.names_of: dict[str, str] = {}
        self.reported: set[tuple[str, str]] = set()
        self.levels_of: dict[str, list[str] | None] = {}
        # (a term's variables, a factor in it) → level → the dummy written for it
        self.dummies: dict[tuple[frozenset, str], dict[str, str]] = {}
        self.terms: dict[tuple[frozenset, str], str] = {}  # … → the term as first written

    def remark(self, code: str, name: str, message: str) -> None:
        line, equation = self.places.get(name, (None, ""))
        D.emit(self.diagnostics, code, line, equation, message)

    def resolve(self, name: str, what: str, where: str | None = None) -> str | None:
        column = self.find(name, what, where)
        if column is not None:
            other = self.names_of.setdefault(column, name)
            if other != name and (other, name) not in self.reported:
                self.reported.add((other, name))
                self.remark(
                    D.SYMBOL_REUSED, where or name,
                    f"{other} and {name} both name the column {column}; if they are different "
                    "variables, give them different names (and columns).")
        return column

    def match(self, name: str) -> str | None:
        """The column ``name`` names: itself, else the one column equal to it ignoring case."""
        if name in self.columns:
            return name
        folded = [c for c in self.columns if c.lower() == name.lower()]
        return folded[0] if len(folded) == 1 else None

    def find(self, name: str, what: str, where: str | None = None) -> str | None:
        column = self.match(name)
        if column is not None or name in self.unknown:
            return column
        self.unknown.add(name)
        folded = [c for c in self.columns if c.lower() == name.lower()]
        close = difflib.get_close_matches(name, self.columns, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        if len(folded) > 1:
            hint = f" Several columns match it ignoring case: {', '.join(folded)}."
        if what == "group":
            code, text = D.UNKNOWN_GROUP_COLUMN, (
                f"the cluster index {name} names no column of the data; say which column it "
                f"is with --group {name}=COLUMN (group_map={{'{name}': 'COLUMN'}}).{hint}")
        else:
            inside = f" (in {where})" if where and where != name else ""
            code, text = D.UNKNOWN_COLUMN, (
                f"the {what} {name}{inside} is not a column of the data; rename it in the "
                f"equations or in the data.{hint}")
        self.remark(code, where or name, text)
        return None

    # -- a factor's dummies ------------------------------------------------------------
    def factor_levels(self, column: str) -> list[str] | None:
        """The levels of a column the design codes as a factor (text, logical, categorical:
        :func:`column_as`, then :func:`factor_codes`; the reference level first), or of a
        logical expression (``I(x > 5)``: FALSE, TRUE, as R codes it, design.logical);
        None for a numeric column or expression."""
        if column not in self.levels_of and _is_call(column):
            from mixeq.equations.proof_expr import NotArithmetic, expression_result

            try:
                logical = expression_result(column, self.data).dtype == bool
            except NotArithmetic:
                logical = False
            self.levels_of[column] = list(FALSE_TRUE) if logical else None
        if column not in self.levels_of:
            try:
                col = column_as(self.data[column], "predictor", column)
            except MixeqError:
                col = None
            factor = col is not None and isinstance(col.dtype, pd.CategoricalDtype)
            self.levels_of[column] = factor_codes(col)[1] if factor else None
        return self.levels_of[column]

    def dummy(self, name: str) -> tuple[str, str, list[str]] | None:
        """(factor column, level as written, the factor's levels) when ``name`` is spelled
        as a dummy of a factor column of the data — the level may be none of its levels."""
        for variable, label in dummy_splits(name):
            column = variable if _is_call(variable) else self.match(variable)
            levels = self.factor_levels(column) if column is not None else None
            if levels is not None:
                return column, label, levels
        return None

    def factor_of(self, name: str) -> str | None:
        """The factor whose dummy ``name`` is, when it is the dummy of a non-reference level
        (a column of the factor's treatment coding); else None, with a remark: the
        reference level, or a level the factor does not have."""
        found = self.dummy(name)
        if found is None:
            return None
        column, label, levels = found
        if label in levels[1:]:
            return column
        if name in self.unknown:
            return None
        self.unknown.add(name)
        if label == levels[0]:
            self.remark(D.FACTOR_LEVEL, name,
                        f"{name} is the dummy of {column}'s reference level {label}, which has "
                        f"no column in the model: a factor is coded by treatment contrasts (as in "
                        f"R), the intercept stands for {label} and every other level has its "
                        f"dummy ({', '.join(levels[1:])}); write those instead.")
        else:
            self.remark(D.FACTOR_LEVEL, name,
                        f"{name} reads as a dummy of the factor {column}, but {column} has no "
                        f"level {label} in the data (its levels: {', '.join(levels)}); write the "
                        f"dummy of one of its levels, or rename the level in the data.")
        return None

    def check_factors(self) -> None:
        """In each term, a dummy for every level of the factor but the reference: the
        formula's factor brings them all, so a factor with more than two levels written
        with some of its dummies only is not the model the formula gives."""
        for key, written in self.dummies.items():
            term, column = self.terms[key], key[1]
            levels = self.factor_levels(column) or []
            missing = [lv for lv in levels[1:] if lv not in written]
            if missing:
                names = ", ".join(written.values())
                self.remark(
                    D.FACTOR_LEVEL, next(iter(written.values())),
                    f"{names} {'is a dummy' if len(written) == 1 else 'are dummies'} of the "
                    f"factor {column} (levels {', '.join(levels)}, {levels[0]} the reference), "
                    f"but the term {term} has no dummy for {', '.join(missing)}: the formula's "
                    f"{column} brings one for every level but the reference, so write "
                    f"{'it' if len(missing) == 1 else 'them'} too, or merge levels in the data.")

    # -- terms -------------------------------------------------------------------------
    def part(self, part: str, written: dict[str, str]) -> str:
        """One variable of a term as the formula writes it, matched to the data: a column,
        a transform of columns, or a factor for its dummy (``written``: factor → its
        dummy here)."""
        if _is_call(part):
            return self.transform(part)
        name = _unquoted(part)
        if self.match(name) is None and self.dummy(name) is not None:
            factor = self.factor_of(name)
            if factor is None:
                return part
            written[factor] = name
            return formula_name(factor)
        return formula_name(self.resolve(name, "predictor") or name)

    def transform(self, expression: str) -> str:
        """``log(z)``: every column it reads (the one definition of the columns of an
        expression) matched to the data; the text otherwise as written."""
        tokens = _tokens(expression)
        if not tokens:
            return formula_name(self.resolve(expression, "predictor") or expression)
        text = expression
        for tok in sorted(tokens, key=lambda t: t.start, reverse=True):
            column = self.resolve(tok.value, "variable", where=expression)
            if column is not None and column != tok.value:
                text = text[:tok.start] + formula_name(column) + text[tok.end:]
        return text

    def term(self, term: str) -> str:
        """A term with its variables matched to the data; the dummies in it recorded under
        the term as the formula writes it (``recipe:x`` for ``recipe_B x``), so that
        :meth:`check_factors` finds the levels written for each term of the formula."""
        written: dict[str, str] = {}
        out = ":".join(self.part(p, written) for p in split_interaction(term))
        for factor, name in written.items():
            key = (frozenset(split_interaction(out)), factor)
            self.terms.setdefault(key, out)
            self.dummies.setdefault(key, {})[self.dummy(name)[1]] = name
        return out

    def predictor(self, name: str) -> str | None:
        """What a name of the levels table is in the data (a column, the factor of a dummy,
        a transform of columns); None when it is not there (remarked on with its term)."""
        name = _unquoted(name)
        found = self.dummy(name) if self.match(name) is None else None
        if found is not None:
            return found[0] if found[1] in found[2][1:] else None
        if _is_call(name):
            tokens = _tokens(name)
            if tokens and all(self.match(t.value) is not None for t in tokens):
                return self.transform(name)
            return None
        return self.resolve(name, "predictor")


def _columns_in(cols: Columns, expression: str, what: str) -> str:
    """``cbind(s, n - s)``, ``log(t)``: each variable in it matched to its column."""
    text = expression
    for tok in sorted(_tokens(expression), key=lambda t: t.start, reverse=True):
        column = cols.resolve(tok.value, what)
        if column is not None and column != tok.value:
            text = text[:tok.start] + formula_name(column) + text[tok.end:]
    return text


def _unique(terms) -> tuple[str, ...]:
    """Terms once each: a factor's dummies (recipe_B x, x recipe_C) are one term."""
    out: dict[frozenset, str] = {}
    for term in terms:
        out.setdefault(frozenset(split_interaction(term)), term)
    return tuple(out.values())


def values_of(data: pd.DataFrame, name: str) -> pd.Series | None:
    """A predictor's values on every row: a column, or a transform evaluated on the data
    (its text read as arithmetic, never run: :mod:`mixeq.equations.proof_expr`); for a
    transform that is not plain arithmetic (``scale(u)``) the one column it reads, which
    is constant within a cluster exactly when the transform is (the vocabulary's
    transforms of one column are monotone or affine); None when neither applies."""
    if name in data.columns:
        check_unique_names(data, [name])
        return data[name]
    from mixeq.equations.proof_expr import NotArithmetic, expression_values

    check_unique_names(data, [t.value for t in _tokens(name) if t.value in data.columns])
    try:
        return pd.Series(expression_values(name, data), index=data.index, name=name)
    except NotArithmetic:
        columns = {t.value for t in _tokens(name) if t.value in data.columns}
        return data[columns.pop()] if len(columns) == 1 else None


def _varies_within(data: pd.DataFrame, values: pd.Series, groups: list[str]) -> bool:
    """Not constant within the clusters of ``groups`` (design.levels' test, on the rows
    where the predictor and the groups are known)."""
    check_unique_names(data, groups)
    value = column_as(values, "predictor", str(values.name))
    frame = data[list(dict.fromkeys(groups))].assign(**{"\0value": value}).dropna()
    if frame.empty:
        return False
    codes, labels = interaction(frame, tuple(groups))
    group = GroupingFactor(name=":".join(groups), codes=codes, levels=labels)
    return not is_constant_within(frame["\0value"], group)


def check_data(spec: ModelSpec, levels: dict[str, dict], mapping: dict[str, str],
               data: pd.DataFrame, places: dict[str, tuple] | None = None):
    """(spec with column names, levels with column names, diagnostics).
    ``places`` (name → (line, equation)) says where each variable is written."""
    data = as_frame(data)
    cols = Columns(data, places or {})
    if spec.response.startswith("cbind("):
        response = _columns_in(cols, spec.response, "outcome")
    else:
        written = _unquoted(spec.response)
        response = formula_name(cols.resolve(written, "outcome") or written)
    offsets = tuple(_columns_in(cols, o, "offset") for o in spec.offsets)
    fixed = _unique(cols.term(t) for t in spec.fixed)
    random = []
    for r in spec.random:
        group = tuple(cols.resolve(g, "group") or g for g in r.group)
        terms = _unique(cols.term(t) for t in r.terms)
        random.append(RandomTerm(r.intercept, terms, group))
    cols.check_factors()
    new = ModelSpec(response, spec.intercept, fixed, tuple(random), offsets=offsets)
    new = ModelSpec(new.response, new.intercept, new.fixed, new.random, new.canonical(),
                    offsets)
    new_levels: dict[str, dict] = {}
    slopes = {(t, r.group) for r in random for t in r.terms}
    checked: set[str] = set()
    for name, info in levels.items():
        col = cols.predictor(name)
        info = dict(info)
        if info.get("group"):
            groups = info["group"].split(":")
            info["group"] = ":".join(cols.resolve(g, "group") or g for g in groups)
        new_levels.setdefault(col or name, info)
        if col is None or col in checked:
            continue
        checked.add(col)
        check_level(cols, data, name, col, info, random, slopes)
    return new, new_levels, cols.diagnostics


def check_level(cols: Columns, data, name: str, col: str, info: dict, random, slopes) -> None:
    values = values_of(data, col)
    if values is None:
        return
    if info["level"] != 1 and info.get("group"):
        groups = info["group"].split(":")
        if all(g in cols.columns for g in groups) and _varies_within(data, values, groups):
            cols.remark(
                D.LEVEL2_VARIES, name,
                f"{col} is written as a level-2 predictor (constant within {info['group']}), but "
                f"in the data it varies within {info['group']}: it is a level-1 predictor, so it "
                f"belongs in the level-1 equation with the observation index.")
        return
    for r in random:
        groups = list(r.group)
        if (formula_name(col), r.group) in slopes and all(g in cols.columns for g in groups) \
                and not _varies_within(data, values, groups):
            cols.remark(
                D.LEVEL1_CONSTANT, name,
                f"{col} has a random slope over {r.group_name}, but in the data it is constant "
                f"within {r.group_name}, so its slope cannot vary between clusters: drop its "
                "random effect, or write it as a level-2 predictor.")
