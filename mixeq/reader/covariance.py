"""Which random effects are correlated: from distribution lines
(``(U_0j, U_1j)' ~ N(0, T)`` with T written out, one line per random effect,
``τ_01 = 0``), split each grouping factor's random effects into blocks that
become separate lme4 terms (``(1 | j) + (0 + x | j)`` for a diagonal T)."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.gelman_hill import IMPLIED
from mixeq.reader.parsed import Document, covariance_name
from mixeq.reader.structure import RandomEffect, Structure
from mixeq.reader.symbols import COEF, ERROR, classify, parse_index
from mixeq.reader.syntax import Call, Group, Sym, is_zero
from mixeq.reader.vocabulary import DISTRIBUTIONS


def _pattern(node, doc: Document, size: int):
    """n×n matrix of True (may be non-zero) / False (written 0) / None (empty
    cell), or None when the covariance is not written out."""
    if isinstance(node, Sym) and covariance_name(node) in doc.covariance_defs:
        node = doc.covariance_defs[covariance_name(node)]
    if isinstance(node, Call) and node.func.lower() == "diag":
        return [[i == j for j in range(size)] for i in range(size)]
    if isinstance(node, Group) and not node.is_single:
        return [[None if c is None else not is_zero(c) for c in row] for row in node.rows]
    return None


def _members(lhs) -> list[Sym]:
    if isinstance(lhs, Sym):
        return [lhs]
    if isinstance(lhs, Group):
        return [x for x in lhs.items() if isinstance(x, Sym)]
    return []


class Links:
    def __init__(self, effects: list[RandomEffect], doc: Document):
        self.effects = effects
        self.doc = doc
        self.mentioned: set[int] = set()
        self.edges: set[tuple[int, int]] = set()
        self.known: set[tuple[int, int]] = set()

    def find(self, sym: Sym) -> int | None:
        info = classify(sym)
        sup = sym.sup.raw if sym.sup is not None else ""
        keys = [info.key, (ERROR, info.base, info.numbers, info.letters, sup)]
        if info.role == COEF:  # Gelman–Hill: the coefficient stands for its implied effect
            keys.append((ERROR, "u", info.numbers, info.letters, IMPLIED + info.base))
        for key in keys:
            for k, eff in enumerate(self.effects):
                if key in eff.keys:
                    return k
        return None

    def read_distribution(self, st, rel) -> None:
        rhs = rel.rhs
        if not (isinstance(rhs, Call) and rhs.func in DISTRIBUTIONS):
            return
        syms = _members(rel.lhs)
        members = [self.find(s) for s in syms]
        found = [m for m in members if m is not None]
        if not found:
            return
        self.mentioned.update(found)
        if len(members) == 1:
            return
        pattern = _pattern(rhs.args[1], self.doc, len(members)) if len(rhs.args) > 1 else None
        if pattern is not None and (len(pattern) != len(members)
                                    or any(len(r) != len(members) for r in pattern)):
            D.emit(
                self.doc.diagnostics, D.COVARIANCE_SIZE, st.line, st.text,
                f"the covariance matrix is {len(pattern)}×{len(pattern[0])} but the vector has "
                f"{len(members)} random effects; T needs one row and column per random effect.")
            pattern = None
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                ma, mb = members[a], members[b]
                if ma is None or mb is None:
                    continue
                cell = None
                if pattern is not None:
                    cell = pattern[a][b] if pattern[a][b] is not None else pattern[b][a]
                pair = (min(ma, mb), max(ma, mb))
                self.known.add(pair)
                if cell is None or cell:
                    self.edges.add(pair)

    def drop_zero(self, a, b) -> None:
        if b is None:  # τ_01 = 0
            nums = parse_index(a.sub.raw).numbers
            if len(nums) != 2:
                return
            left = [k for k, e in enumerate(self.effects) if _num(e) == nums[0]]
            right = [k for k, e in enumerate(self.effects) if _num(e) == nums[1]]
        else:
            left = [k for k in [self.find(a)] if k is not None] if isinstance(a, Sym) else []
            right = [k for k in [self.find(b)] if k is not None] if isinstance(b, Sym) else []
        for x in left:
            for y in right:
                pair = (min(x, y), max(x, y))
                self.known.add(pair)
                self.edges.discard(pair)
                self.mentioned.update(pair)


def _num(effect: RandomEffect) -> str | None:
    nums = effect.symbol.numbers
    return nums[-1] if nums else None


def unknown_effects(structure: Structure, doc: Document) -> None:
    keys = set().union(*(e.keys for e in structure.random)) if structure.random else set()
    for st, rel in doc.distributions:
        for sym in _members(rel.lhs):
            info = classify(sym)
            if info.role == ERROR and info.numbers and info.key not in keys:
                D.emit(
                    doc.diagnostics, D.UNKNOWN_RANDOM_EFFECT, st.line, st.text,
                    f"{info.written} has a distribution but is in no equation: add it to the "
                    "equation of the coefficient that varies, or remove it here.")


def blocks(structure: Structure, doc: Document) -> list[list[RandomEffect]]:
    """Random effects in blocks of correlated effects, one list per lme4 term."""
    unknown_effects(structure, doc)
    out: list[list[RandomEffect]] = []
    groups: dict[tuple, list[RandomEffect]] = {}
    for eff in structure.random:
        groups.setdefault(eff.group, []).append(eff)
    for effects in groups.values():
        links = Links(effects, doc)
        for st, rel in doc.distributions:
            links.read_distribution(st, rel)
        for a, b in doc.zero_covariances:
            links.drop_zero(a, b)
        n = len(effects)
        if not links.mentioned:
            out.append(effects)
            continue
        for a in range(n):
            for b in range(a + 1, n):
                unmentioned = a not in links.mentioned or b not in links.mentioned
                if (a, b) not in links.known and unmentioned:
                    links.edges.add((a, b))
        out.extend(_components(effects, links.edges))
    return out


def _components(effects: list[RandomEffect], edges: set[tuple[int, int]]):
    parent = list(range(len(effects)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    comps: dict[int, list[RandomEffect]] = {}
    for k, eff in enumerate(effects):
        comps.setdefault(root(k), []).append(eff)
    return list(comps.values())
