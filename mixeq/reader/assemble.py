"""Turn the read structure into a ModelSpec (lme4's terms, names mapped to
grouping factors) and a table of predictor levels."""
from __future__ import annotations

from mixeq.reader.naming import formula_name, term_name
from mixeq.reader.structure import RandomEffect, Structure
from mixeq.spec.types import ModelSpec, RandomTerm


def group_names(letters: tuple[str, ...], group_map: dict[str, str],
                exact: frozenset = frozenset()) -> tuple[str, ...]:
    """Index letters → grouping factor names: ``("j", "k")`` with
    ``{"j": "cask:batch", "k": "batch"}`` → ``("cask", "batch")``. A letter in ``exact``
    names its cluster by itself (mixeq's legend ``j: BROOD, nested in LOCATION`` of the
    formula's ``(1 | BROOD)``, whose labels are unique across locations)."""
    if letters and letters[0] in exact and letters[0] in group_map:
        return tuple(p.strip() for p in group_map[letters[0]].split(":") if p.strip())
    parts: list[str] = []
    for letter in letters:
        for part in group_map.get(letter, letter).split(":"):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
    return tuple(parts)


def _ordered(term, s: Structure):
    def key(item):
        p = s.predictors.get(item[0])
        return (0 if p is None or p.level1 else 1, p.order if p else 0)
    return tuple(sorted(term, key=key))


def fixed_terms(s: Structure) -> tuple[bool, tuple[str, ...]]:
    intercept = any(not f.term for f in s.fixed)
    keyed = []
    for k, f in enumerate(s.fixed):
        if not f.term:
            continue
        term = _ordered(f.term, s)
        level = max((0 if (p := s.predictors.get(n)) is None or p.level1 else 1) for n, _ in term)
        keyed.append(((len(term), level if len(term) == 1 else 0, k), term_name(term)))
    return intercept, tuple(name for _, name in sorted(keyed))


def random_terms(s: Structure, blocks: list[list[RandomEffect]],
                 group_map: dict[str, str], exact: frozenset = frozenset()
                 ) -> tuple[RandomTerm, ...]:
    first = {}
    for k, eff in enumerate(s.random):
        first.setdefault(eff.group, k)
    ordered = sorted(blocks, key=lambda b: (len(b[0].group), first[b[0].group]))
    out = []
    for block in ordered:
        terms: list[str] = []
        for eff in block:
            name = term_name(_ordered(eff.term, s))
            if name and name not in terms:
                terms.append(name)
        intercept = any(not e.term for e in block)
        out.append(RandomTerm(intercept, tuple(terms), group_names(block[0].group, group_map,
                                                                      exact)))
    return tuple(out)


def exact_letters(doc) -> frozenset:
    """The letters the legend names as whole clusters (``…, nested in …``)."""
    return frozenset(doc.exact_groups)


def glm_response(doc) -> str | None:
    """A GLMM's formula response when it is not the outcome's name (``cbind(s, f)``)."""
    return doc.glm.response if doc.glm is not None else None


def build_spec(s: Structure, blocks, group_map: dict[str, str],
               response: str | None = None, exact: frozenset = frozenset()) -> ModelSpec:
    """``response``: the formula's left side when it is not the outcome's name (a GLMM's
    ``cbind(s, f)``); ``exact``: letters whose factor's name is the whole cluster name."""
    intercept, fixed = fixed_terms(s)
    offsets = tuple(dict.fromkeys(offset_expression(formula_name(o)) for o in s.offsets))
    spec = ModelSpec(response or formula_name(s.response), intercept, fixed,
                     random_terms(s, blocks, group_map, exact), offsets=offsets)
    return ModelSpec(spec.response, spec.intercept, spec.fixed, spec.random, spec.canonical(),
                     offsets)


def offset_expression(name: str) -> str:
    """``offset(10 * log(t))`` for the term ``I(10 * log(t))_ij`` with coefficient 1: the
    offset evaluates its argument as arithmetic already, so the ``I()`` is dropped."""
    if name.startswith("I(") and name.endswith(")") and _closes_at_end(name, 1):
        return name[2:-1].strip()
    return name


def _closes_at_end(text: str, opening: int) -> bool:
    depth = 0
    for k in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k == len(text) - 1
    return False


def nested(s: Structure) -> bool:
    return any(len(e.group) > 1 for e in s.random)


def predictor_levels(s: Structure, group_map: dict[str, str],
                     exact: frozenset = frozenset()) -> dict[str, dict]:
    """``{"x": {"level": 1, "group": None}, "m": {"level": 2, "group": "school"}}``."""
    deep = nested(s)
    out = {}
    for name, p in s.predictors.items():
        if p.level1 or not p.letters:
            out[name] = {"level": 1, "group": None}
            continue
        outer = min(s.clusters.index(c) for c in p.letters if c in s.clusters) \
            if any(c in s.clusters for c in p.letters) else 0
        level = 2 + outer if deep else 2
        letters = tuple(s.clusters[s.clusters.index(p.letters[0]):]) if deep and \
            p.letters[0] in s.clusters else p.letters
        out[name] = {"level": level, "group": ":".join(group_names(letters, group_map, exact))}
    return out
