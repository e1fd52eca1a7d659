"""What the equations need to know about a model, whatever was passed:
a formula, a ModelSpec, a Model (data known) or a fitted result."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.design.names import r_spaced, split_interaction
from mixeq.equations.atoms import Atom, atoms_of_column, atoms_of_term, variables_in
from mixeq.equations.glm import GLMFacts, glm_facts
from mixeq.errors import RenderError
from mixeq.spec.types import ModelSpec, RandomTerm


@dataclass
class TermInfo:
    """One random-effects term: its grouping factor and term columns."""

    spec: RandomTerm
    group: str
    columns: list[str]
    atoms: list[tuple[Atom, ...]]
    nlevels: int | None = None


@dataclass
class GroupFacts:
    name: str
    level: int
    nested_in: tuple[str, ...] = ()
    nlevels: int | None = None


@dataclass
class AtomLevel:
    """Level of a predictor: 1, or constant within ``group`` (level 2, 3 …)."""

    level: int
    group: str | None
    how: str  # "data", "given", "assumed"
    reason: str = ""


# The reason of a level-2 predictor with a random slope on its own factor.
OWN_SLOPE = "constant within, with a random slope on"


@dataclass
class ModelInfo:
    spec: ModelSpec
    x_columns: list[str]
    x_atoms: list[tuple[Atom, ...]]
    terms: list[TermInfo]
    groups: dict[str, GroupFacts]
    atom_levels: dict[str, AtomLevel] = field(default_factory=dict)
    model: object = None
    fit: object = None
    glm: GLMFacts = field(default_factory=GLMFacts)

    @property
    def has_data(self) -> bool:
        return self.model is not None

    @property
    def rows_loaded(self) -> bool:
        """The model's rows are in memory (not a DuckDB/Parquet/Spark source, whose
        rows are queried, never loaded): what verify()'s checks against the data need."""
        return self.model is not None and not getattr(self.model.design, "remote", False)


def model_info(obj, levels: dict | None = None, family=None, link=None) -> ModelInfo:
    """Collect columns, terms, grouping factors, predictor levels and the family
    (:func:`~mixeq.equations.glm.glm_facts`) of ``obj``."""
    fit = None
    if hasattr(obj, "model") and hasattr(obj, "fixef"):
        fit, obj = obj, obj.model
    if isinstance(obj, str):
        from mixeq.spec.parser import parse

        obj = parse(obj)
    if isinstance(obj, ModelSpec):
        info = _from_spec(obj)
    elif hasattr(obj, "spec") and hasattr(obj, "design"):
        info = _from_model(obj)
    else:
        raise RenderError(f"cannot write equations for a {type(obj).__name__}: pass a "
                          "formula string, a ModelSpec, a mixeq.Model or a fit")
    info.fit = fit
    info.glm = glm_facts(info.spec, info.model, family, link)
    info.atom_levels = _atom_levels(info, levels)
    return info


def _from_spec(spec: ModelSpec) -> ModelInfo:
    x_columns = (["(Intercept)"] if spec.intercept else []) + list(spec.fixed)
    terms = []
    for r in spec.random:
        cols = (["(Intercept)"] if r.intercept else []) + list(r.terms)
        terms.append(TermInfo(r, r.group_name, cols, [atoms_of_term(c) for c in cols]))
    return ModelInfo(spec, x_columns, [atoms_of_term(c) for c in x_columns], terms,
                     _groups_from_spec(spec))


def _groups_from_spec(spec: ModelSpec) -> dict[str, GroupFacts]:
    factors = {r.group_name: set(r.group) for r in spec.random}
    nested_in = {g: tuple(h for h in factors if factors[h] < factors[g]) for g in factors}

    def depth(g: str) -> int:  # longest chain of factors nested inside g
        finer = [h for h in factors if g in nested_in[h]]
        return 0 if not finer else 1 + max(depth(h) for h in finer)

    return {g: GroupFacts(g, 2 + depth(g), nested_in[g]) for g in factors}


def _from_model(model) -> ModelInfo:
    spec = model.spec
    data_cols = list(model.data.columns)
    terms_written = [*spec.fixed, *(t for r in spec.random for t in r.terms)]
    # a term's own factors too: I(x > 5) of I(x > 5):f names R's column I(x > 5)TRUE:fb
    candidates = data_cols + terms_written + [p for t in terms_written
                                              for p in split_interaction(t)]
    # and each as R's deparse spells it in the columns' names: poly(x, 2, raw=True)'s
    # columns are poly(x, 2, raw = TRUE)1 and 2 (mixeq.design.names.r_spaced)
    candidates += [r_spaced(p) for p in candidates if "(" in p]
    x_columns = list(model.X.columns)
    terms = []
    for t in model.terms:
        terms.append(TermInfo(t.spec, t.group, list(t.columns),
                              [atoms_of_column(c, candidates) for c in t.columns],
                              t.nlevels))
    groups = _groups_from_spec(spec)
    for name, facts in groups.items():
        g = model.groups.get(name) if hasattr(model, "groups") else None
        if g is not None:
            facts.level = int(getattr(g, "level", facts.level))
            facts.nested_in = tuple(getattr(g, "nested_in", facts.nested_in))
            facts.nlevels = g.nlevels
    return ModelInfo(spec, x_columns, [atoms_of_column(c, candidates) for c in x_columns],
                     terms, groups, model=model)


# -- levels of predictors ----------------------------------------------------
def _all_atoms(info: ModelInfo) -> list[Atom]:
    seen: dict[str, Atom] = {}
    for atoms in [*info.x_atoms, *(a for t in info.terms for a in t.atoms)]:
        for a in atoms:
            seen.setdefault(a.var, a)
    return list(seen.values())


def _atom_levels(info: ModelInfo, given: dict | None) -> dict[str, AtomLevel]:
    given = dict(given or {})
    inner = {a.var: _inner_var(a.var) for a in _all_atoms(info)}
    unknown = [v for v in given if v not in inner and v not in inner.values()]
    if unknown:
        raise RenderError(f"levels= names {unknown}, which the formula does not use; "
                          f"predictors: {sorted(set(inner.values()))}")
    out = {}
    slope_groups = _slope_groups(info)
    x_names: dict[str, list[set[str]]] = {}  # var → the X columns' variables it appears in
    for atoms in info.x_atoms:
        names = {a.var for a in atoms}
        for v in names:
            x_names.setdefault(v, []).append(names)
    for atom in _all_atoms(info):
        key = atom.var if atom.var in given else inner[atom.var]
        if key in given:
            out[atom.var] = _given_level(key, given[key], info)
            _check_given_against_data(key, given[key], out[atom.var], info)
        elif info.has_data:
            out[atom.var] = _data_level(atom, info)
        else:
            out[atom.var] = _assumed_level(atom, info, slope_groups, x_names.get(atom.var, []))
    return _demote_random_slopes(out, info)


def _inner_var(name: str) -> str:
    """``log(w)`` → ``w``; other names unchanged."""
    from mixeq.equations.transforms import parse_transform

    tf = parse_transform(name)
    return tf.var if tf else name


def _given_level(var: str, value, info: ModelInfo) -> AtomLevel:
    if value is None or value == 1:
        return AtomLevel(1, None, "given")
    if isinstance(value, int):
        at = [g for g, f in info.groups.items() if f.level == value]
        if not at:
            raise RenderError(f"levels={{{var!r}: {value}}}: the model has no level {value}")
        return AtomLevel(value, at[0], "given")
    if value not in info.groups:
        raise RenderError(f"levels={{{var!r}: {value!r}}}: {value!r} is not a grouping "
                          f"factor of the model; choose one of {sorted(info.groups)} "
                          "or None for level 1")
    return AtomLevel(info.groups[value].level, value, "given")


def _check_given_against_data(var: str, value, level: AtomLevel, info: ModelInfo) -> None:
    """``levels={"z": "g"}`` says z is constant within g: with data, that must be true."""
    if not info.has_data or level.group is None:
        return
    model = info.model
    record = (getattr(model, "levels", {}) or {}).get(var)
    if record is None:
        return
    if level.group not in (*record.constant_within, record.group):
        where = (f"constant within {', '.join(record.constant_within)}"
                 if record.constant_within else "level 1 (it varies within every grouping factor)")
        raise RenderError(
            f"levels={{{var!r}: {value!r}}} says {var} is constant within {level.group}, but "
            f"in the data {var} varies within {level.group} (it is {where}); drop {var!r} "
            "from levels= to take its level from the data, or fix the data")


def _data_level(atom: Atom, info: ModelInfo) -> AtomLevel:
    model = info.model
    names = variables_in(atom, list(model.data.columns)) or [atom.var]
    levels = getattr(model, "levels", {}) or {}
    best: AtomLevel | None = None
    for name in names:  # a transform is as low as its lowest variable
        pl = levels.get(name)
        cands = [] if pl is None else [g for g in (*pl.constant_within, pl.group)
                                       if g in info.groups]
        if not cands:
            return AtomLevel(1, None, "data")
        g = max(cands, key=lambda h: info.groups[h].level)
        found = AtomLevel(info.groups[g].level, g, "data")
        if best is None or found.level < best.level:
            best = found
    return best or AtomLevel(1, None, "data")


def _assumed_level(atom: Atom, info: ModelInfo, slope_groups: dict[str, list[str]],
                   x_names: list[set[str]]) -> AtomLevel:
    """Without data: a grouping variable is constant within its factor; a
    predictor with a random slope is level 1; one that interacts with a
    random-slope predictor is level 2 (a cross-level interaction); others level 1.
    ``x_names``: the variables of each X column that uses ``atom`` (found once for
    all atoms, so a model with many columns is not scanned once per atom)."""
    owners = [g for g in info.groups if atom.var in g.split(":")]
    if owners:
        g = min(owners, key=lambda h: info.groups[h].level)
        return AtomLevel(info.groups[g].level, g, "assumed", "part of the grouping factor")
    if atom.var in slope_groups:
        return AtomLevel(1, None, "assumed", "has a random slope")
    for names in x_names:
        partners = [v for v in names if v in slope_groups and v != atom.var]
        if atom.var in names and partners:
            g = min(slope_groups[partners[0]], key=lambda h: info.groups[h].level)
            return AtomLevel(info.groups[g].level, g, "assumed",
                             f"interacts with the random slope of {partners[0]}")
    return AtomLevel(1, None, "assumed", "no random slope, no cross-level interaction")


def _slope_groups(info: ModelInfo) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in info.terms:
        for atoms in t.atoms:
            for a in atoms:
                out.setdefault(a.var, []).append(t.group)
    return out


def _fixed_too(var: str, info: ModelInfo, fixed: set) -> bool:
    """Every random-effects column with ``var`` has its fixed column (γ_01 m_j beside
    U_01j m_j: the random slope is the deviation of a fixed coefficient), and the model
    has its fixed intercept γ_00 (without it the equation reader cannot yet tell the
    terms of such a model apart, so verify() could not read it back: level 1 then)."""
    return frozenset() in fixed and all(
        frozenset(x.key for x in atoms) in fixed for t in info.terms
        for atoms in t.atoms if any(x.var == var for x in atoms))


def _demote_random_slopes(levels: dict[str, AtomLevel], info: ModelInfo) -> dict:
    """A predictor with a random slope on factor g varies within g's clusters as
    far as the model is concerned: it is level 1 in the equations — unless it is
    constant within g itself (``y ~ m + (1 + m | g)``, m a level-2 predictor of g):
    then it stays at g's level, m_j, and its random slope U_01j m_j is written in the
    level-2 equation, with a note that it is confounded with the random intercept."""
    fixed = {frozenset(x.key for x in atoms) for atoms in info.x_atoms}
    for t in info.terms:
        glevel = info.groups[t.group].level
        for atoms in t.atoms:
            for a in atoms:
                cur = levels[a.var]
                if cur.level > 1 and cur.group == t.group and cur.how in ("data", "given") \
                        and _fixed_too(a.var, info, fixed):
                    levels[a.var] = AtomLevel(cur.level, cur.group, cur.how,
                                              f"{OWN_SLOPE} {t.group}")
                elif cur.level >= glevel and cur.level > 1:
                    reason = (f"constant within {cur.group} but has a random slope on "
                              f"{t.group}" if cur.how in ("data", "given")
                              else f"has a random slope on {t.group}")
                    levels[a.var] = AtomLevel(1, None, cur.how, reason)
    return levels
