"""Walk the equations from the level-1 equation down through the coefficient
equations, collecting fixed and random effects and the remarks a careful
reader would make."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.corrections import Edit, reindex, rewrite, spell
from mixeq.reader.document import Document, Equation
from mixeq.reader.structure import FixedEffect, Owner, Predictor, RandomEffect, Structure
from mixeq.reader.symbols import COEF, ERROR, VAR, Index, SymInfo
from mixeq.reader.terms import Monomial

_GREEK_NAME = {"beta": "β", "gamma": "γ", "pi": "π", "u": "U", "e": "ε", "r": "r", "v": "V"}
_NEXT_LEVEL = {"pi": "beta", "beta": "gamma", "gamma": "gamma"}


def show(info: SymInfo, index: Index | None = None) -> str:
    """Readable name for messages: β_1j."""
    base = _GREEK_NAME.get(info.base, info.base) if info.role != VAR else info.base
    text = (index or info.index).text()
    return f"{base}_{text}" if text else base


class Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.s = Structure()
        self.defs: dict[tuple, Equation] = {}
        self.used: set[tuple] = set()
        self.level1_names: set[str] = set()
        self.coef_uses: dict[tuple, list] = {}
        self.error_uses: dict[tuple, list] = {}
        self.flagged: set[int] = set()  # symbol offsets already remarked on
        self.level1: Equation | None = None
        self.factor_of: dict[str, str] = {}

    # -- helpers --------------------------------------------------------------
    def remark(self, code: str, eq: Equation | None, message: str, corrected: str | None = None,
               at: int | None = None) -> None:
        col = None
        if at is not None:
            col = at - (self.doc.source.rfind("\n", 0, at) + 1) + 1
            self.flagged.add(at)
        self.doc.diagnostics.append(D.Diagnostic(
            code, eq.line if eq else None, eq.text if eq else "", message, corrected, col))

    def fix(self, eq: Equation, edits: list[Edit]) -> str:
        return rewrite(eq.statement, edits)

    def example(self, role: str, base: str | None = None) -> SymInfo | None:
        """A symbol of this kind as the user wrote it, to spell new ones alike."""
        for eq in [*filter(None, [self.level1]), *self.doc.definitions]:
            for mono in eq.monomials:
                for info in (mono.coefs if role == COEF else mono.errors):
                    if (base is None or info.base == base) and info.sym.sub is not None \
                            and info.numbers:
                        return info
        return None

    def spell(self, role: str, base: str, index: Index) -> str:
        return spell(base, index, self.doc.latex, self.doc.source, self.example(role, base)
                     or (self.example(role) if role == ERROR else None))

    def cluster_order(self, letters) -> tuple[str, ...]:
        pos = {c: k for k, c in enumerate(self.s.clusters)}
        return tuple(sorted(set(letters), key=lambda c: pos.get(c, len(pos))))

    # -- setup ------------------------------------------------------------------
    def choose_level1(self) -> bool:
        cands = self.doc.level1_candidates
        if not cands and any(d.code == D.PARSE_ERROR for d in self.doc.diagnostics):
            return False  # the level-1 equation is probably the one that failed to parse
        if not cands:
            self.remark(D.NO_LEVEL1, None,
                        "there is no level-1 equation (outcome = coefficients × predictors + "
                        "residual), so there is no model to read; start with y_ij = β_0j + "
                        "β_1j x_ij + ε_ij.")
            return False
        with_coefs = [e for e in cands if any(m.coefs or m.errors for m in e.monomials)]
        self.level1 = (with_coefs or cands)[0]
        for other in cands:
            if other is not self.level1:
                self.remark(D.SEVERAL_LEVEL1, other,
                            f"a second level-1 equation (for {show(other.lhs)}); mixeq reads "
                            f"the first one (line {self.level1.line}) and ignores this one.")
        return True

    def index_definitions(self) -> None:
        for eq in self.doc.definitions:
            key = (eq.lhs.base, eq.lhs.numbers)
            if key in self.defs:
                first = self.defs[key]
                self.remark(D.DUPLICATE_EQUATION, eq,
                            f"{show(eq.lhs)} already has an equation (line {first.line}); "
                            "each coefficient gets exactly one: delete or renumber this one.")
                continue
            self.defs[key] = eq

    def find_indices(self) -> None:
        lhs = self.level1.lhs
        letters = list(lhs.letters)
        if not letters:
            for mono in self.level1.monomials:
                for err in mono.errors:
                    if not err.numbers and err.letters:
                        letters = list(err.letters)
                        break
                if letters:
                    break
        self.s.response = lhs.base
        self.s.observation = letters[0] if letters else None
        self.s.clusters = letters[1:]
        if not self.s.clusters:
            self.s.clusters = self.implied_clusters()
        self.level1_names = {v.base for m in self.level1.monomials for v in m.variables}
        self.factor_of = factor_dummies(
            v.base for eq in [self.level1, *self.doc.definitions]
            for m in eq.monomials for v in m.variables)
        self.level1_names |= {self.factor_of.get(n, n) for n in self.level1_names}

    def implied_clusters(self) -> list[str]:
        """Cluster indices when the outcome carries none (y_i = β_0j + …)."""
        seen: list[str] = []
        for eq in [self.level1, *self.doc.definitions]:
            for mono in eq.monomials:
                for info in [*mono.coefs, *mono.errors, eq.lhs]:
                    if info.role == VAR:
                        continue
                    for c in info.letters:
                        if c != self.s.observation and c not in seen:
                            seen.append(c)
        return seen

    # -- the walk ----------------------------------------------------------------
    def run(self) -> Structure | None:
        if not self.choose_level1():
            return None
        self.index_definitions()
        self.find_indices()
        self.walk(self.level1, self.level1.monomials, (), None, [])
        self.after_walk()
        return self.s

    def walk(self, eq: Equation, monos: list[Monomial], path: tuple, owner: Owner | None,
             stack: list) -> None:
        for mono in monos:
            if mono.is_zero:
                continue
            variables = [self.check_variable(v, eq, owner) for v in mono.variables]
            here = path + tuple(variables)
            symbols = mono.coefs + mono.errors
            if len(symbols) > 1:
                self.remark(D.PRODUCT_OF_COEFFICIENTS, eq,
                            f"{' · '.join(show(s) for s in symbols)} multiplies coefficients or "
                            "random effects together; each term has one coefficient (or one "
                            "random effect) times predictors.", at=symbols[1].sym.start)
                continue
            if mono.coefs:
                self.visit_coefficient(mono.coefs[0], eq, here, owner, stack, mono)
            elif mono.errors:
                self.visit_error(mono.errors[0], eq, here, owner)
            elif mono.variables:
                name = " ".join(show(v) for v in mono.variables)
                self.remark(D.TERM_WITHOUT_COEFFICIENT, eq,
                            f"{name} has no coefficient: every predictor needs its own "
                            "coefficient (β or γ) to be estimated; mixeq reads it as a fixed effect.",
                            at=mono.variables[0].sym.start)
                self.add_fixed(here, None, eq)
            else:
                self.remark(D.TERM_WITHOUT_COEFFICIENT, eq,
                            f"the constant {mono.numbers[0].value} is not a model term: the "
                            "intercept is a coefficient (γ_00); mixeq ignores it.",
                            at=mono.numbers[0].start)

    def check_variable(self, v: SymInfo, eq: Equation, owner: Owner | None) -> SymInfo:
        obs = self.s.observation
        has_obs = obs is not None and obs in v.letters
        clusters = tuple(c for c in v.letters if c in self.s.clusters)
        if owner is not None and (has_obs or self.factor_of.get(v.base, v.base) in self.level1_names):
            target = owner.letters or tuple(self.s.clusters[:1])
            if self.factor_of.get(v.base, v.base) in self.level1_names:
                bar = (f"\\bar{{{v.base}}}_{{{Index((), target).text()}}}" if self.doc.latex
                       else f"{v.base}bar_{Index((), target).text()}")
                self.remark(D.LEVEL1_IN_LEVEL2, eq,
                            f"{show(v)} is a level-1 predictor (it is in the level-1 equation), but "
                            f"this is the equation of a coefficient that varies between clusters, "
                            f"which can only hold cluster-level predictors; to use the cluster mean "
                            f"of {v.base}, make it a column and write it with the cluster index, "
                            f"e.g. {bar}.",
                            self.fix(eq, [Edit(v.sym.start, v.sym.end, bar)]), at=v.sym.start)
                self.register(v, eq, level1=True, letters=())
                return v
            self.remark(D.LEVEL2_OBSERVATION_INDEX, eq,
                        f"{show(v)} carries the observation index {obs}, but a predictor in a "
                        f"level-2 equation is constant within clusters: write it "
                        f"{show(v, Index((), target))}.",
                        self.fix(eq, [reindex(v, Index(v.numbers, target), self.doc.latex)]),
                        at=v.sym.start)
            self.register(v, eq, level1=False, letters=target)
            return v
        if has_obs or (owner is None and not clusters):
            self.register(v, eq, level1=True, letters=())
        else:
            self.register(v, eq, level1=False,
                          letters=clusters or (owner.letters if owner else ()))
        return v

    def register(self, v: SymInfo, eq: Equation, level1: bool, letters) -> None:
        name = self.factor_of.get(v.base, v.base)
        p = self.s.predictors.get(name)
        if p is None:
            self.s.predictors[name] = Predictor(name, len(self.s.predictors), level1,
                                                self.cluster_order(letters), eq.line, eq.text)
        elif level1 and not p.level1:
            p.level1, p.letters = True, ()

    # -- coefficients ----------------------------------------------------------
    def lookup(self, coef: SymInfo, eq: Equation) -> Equation | None:
        found = self.defs.get((coef.base, coef.numbers))
        if found is not None:
            return found
        stripped = _strip_zeros(coef.numbers)
        matches = [d for (base, nums), d in self.defs.items()
                   if base == coef.base and _strip_zeros(nums) == stripped]
        if len(matches) != 1:
            return None
        d = matches[0]
        right = d.lhs if d.lhs.letters else coef
        wrong = coef if right is d.lhs else d.lhs
        target_eq = eq if wrong is coef else d
        self.remark(D.INDEX_MISMATCH, target_eq,
                    f"{show(coef)} (line {eq.line}) and {show(d.lhs)} (line {d.line}) are the same "
                    f"coefficient written two ways; write {show(right)} in both.",
                    self.fix(target_eq, [reindex(wrong, right.index, self.doc.latex)]),
                    at=wrong.sym.start)
        return d

    def visit_coefficient(self, coef: SymInfo, eq: Equation, here: tuple, owner: Owner | None,
                          stack: list, mono: Monomial) -> None:
        depth = len(stack)
        numbers = _corrected_numbers(coef.numbers, depth)
        uses = self.coef_uses.setdefault((coef.base, coef.numbers), [])
        uses.append((coef, eq, owner, bool(mono.variables)))
        if len(uses) == 1:
            self.check_numbering(coef, eq, owner, numbers)
        self.check_coefficient_index(coef, eq)
        d = self.lookup(coef, eq)
        if d is None:
            letters = tuple(c for c in coef.letters if c in self.s.clusters)
            if letters:
                self.missing_equation(coef, eq, numbers, letters, here)
            else:
                self.add_fixed(here, coef, eq)
            return
        key = (d.lhs.base, d.lhs.numbers)
        if key in stack:
            self.remark(D.CIRCULAR, d, f"{show(d.lhs)} is defined in terms of itself.")
            return
        self.used.add(key)
        error_letters = {c for m in d.monomials for e in m.errors for c in e.letters
                         if c in self.s.clusters}
        own = set(coef.letters) & set(self.s.clusters)
        if error_letters and not error_letters <= own:
            self.not_indexed(coef, eq, d, numbers, error_letters | own, here)
        letters = self.cluster_order((set(d.lhs.letters) & set(self.s.clusters)) | own
                                     | error_letters)
        self.walk(d, d.monomials, here, Owner(numbers, letters, d), stack + [key])

    def not_indexed(self, coef, eq, d, numbers, letters, here) -> None:
        index = Index(numbers, self.cluster_order(letters))
        slope = bool(here)
        code = D.SLOPE_NOT_INDEXED if slope else D.INTERCEPT_NOT_INDEXED
        errs = [e for m in d.monomials for e in m.errors]
        what = "slope" if slope else "intercept"
        fixed = [self.fix(eq, [reindex(coef, index, self.doc.latex)])]
        if d is not eq and not set(index.letters) <= set(d.lhs.letters):
            fixed.append(self.fix(d, [reindex(d.lhs, index, self.doc.latex)]))
        self.remark(code, eq,
                    f"the {what} {show(coef)} has a random effect {show(errs[0])} in its equation "
                    f"(line {d.line}), so it varies by cluster: write {show(coef, index)}, "
                    f"not {show(coef)}.", "\n".join(fixed), at=coef.sym.start)

    def missing_equation(self, coef, eq, numbers, letters, here) -> None:
        index = Index(numbers, letters)
        base = _NEXT_LEVEL.get(coef.base, "gamma")
        gamma = self.spell(COEF, base, Index(numbers + ("0",), ()))
        u = self.spell(ERROR, "u", index)
        lhs = self.doc.source[coef.sym.start:coef.sym.end]
        self.remark(D.MISSING_LEVEL2, eq,
                    f"{show(coef)} carries the cluster index {''.join(letters)}, so it varies by "
                    f"cluster, but it has no equation of its own; mixeq reads it as "
                    f"{show(coef)} = {_GREEK_NAME[base]}_{''.join(numbers)}0 + U_{index.text()} "
                    "(a fixed effect plus a random effect); add that equation, or drop the index "
                    "if the coefficient is the same in every cluster.",
                    f"{lhs} = {gamma} + {u}", at=coef.sym.start)
        self.add_fixed(here, coef, eq)
        self.s.random.append(RandomEffect(self.term(here), letters, coef, eq, {("missing", coef.key)}))

    def check_coefficient_index(self, coef: SymInfo, eq: Equation) -> None:
        obs, clusters = self.s.observation, self.s.clusters
        wrong = [c for c in coef.letters if c not in clusters]
        if not wrong or not clusters or coef.sym.start in self.flagged:
            return
        good = Index(coef.numbers, self.cluster_order(
            [c for c in coef.letters if c in clusters] or clusters[:1]))
        reason = (f"the observation index {obs}" if obs in wrong
                  else f"the index {''.join(wrong)}, which the outcome does not carry")
        self.remark(D.COEFFICIENT_WRONG_INDEX, eq,
                    f"{show(coef)} carries {reason}; a coefficient varies over clusters "
                    f"({', '.join(clusters)}): write {show(coef, good)}.",
                    self.fix(eq, [reindex(coef, good, self.doc.latex)]), at=coef.sym.start)

    def check_numbering(self, coef: SymInfo, eq: Equation, owner: Owner | None, numbers) -> None:
        if owner is None or not owner.numbers or not coef.numbers:
            return
        if coef.sym.start in self.flagged:
            return
        if len(coef.numbers) == len(owner.numbers) + 1 and coef.numbers[:-1] == owner.numbers:
            return
        if len(coef.numbers) != len(owner.numbers) + 1:
            return  # another numbering scheme altogether: not ours to police
        good = Index(owner.numbers + coef.numbers[-1:], coef.letters)
        self.remark(D.COEFFICIENT_NUMBERING, eq,
                    f"{show(coef)} is in the equation of the coefficient numbered "
                    f"{''.join(owner.numbers)}; by convention its first index repeats that "
                    f"number: {show(coef, good)}.",
                    self.fix(eq, [reindex(coef, good, self.doc.latex)]), at=coef.sym.start)

    # -- error terms ------------------------------------------------------------
    def visit_error(self, err: SymInfo, eq: Equation, here: tuple, owner: Owner | None) -> None:
        obs = self.s.observation
        is_residual = not err.numbers and (
            (obs is not None and obs in err.letters) or (obs is None and owner is None))
        if is_residual and owner is None:
            if self.s.residual is not None:
                self.remark(D.SYMBOL_REUSED, eq,
                            f"two residual terms ({show(self.s.residual)} and {show(err)}); the "
                            "level-1 equation has exactly one.", at=err.sym.start)
            else:
                self.s.residual = err
            return
        letters = tuple(c for c in err.letters if c in self.s.clusters)
        expected = owner.letters if owner is not None and owner.letters else letters
        if not expected:
            expected = tuple(self.s.clusters[:1])
        numbers = err.numbers
        problems = []
        if is_residual:
            problems.append(f"{show(err)} is written like the level-1 residual, but it is in the "
                            "equation of a coefficient, where the random effect of a cluster goes")
            numbers = owner.numbers if owner else ()
        elif obs is not None and obs in err.letters:
            problems.append(f"{show(err)} carries the observation index {obs}, but a random "
                            "effect belongs to a cluster")
        elif not letters or any(c not in self.s.clusters for c in err.letters):
            problems.append(f"{show(err)} does not carry the cluster index "
                            f"{''.join(expected)}")
        elif owner is not None and not set(letters) <= set(owner.letters) and owner.letters:
            problems.append(f"{show(err)} varies over {''.join(letters)}, but its coefficient "
                            f"varies over {''.join(owner.letters)}")
        if owner is not None and owner.numbers and err.numbers and err.numbers != owner.numbers:
            problems.append(f"{show(err)} is numbered {''.join(err.numbers)} but sits in the "
                            f"equation of coefficient {''.join(owner.numbers)}")
            numbers = owner.numbers
        group = letters if not problems else self.cluster_order(expected)
        if problems:
            good = Index(numbers, group)
            new = self.spell(ERROR, "u" if err.base == "e" else err.base, good)
            self.remark(D.WRONG_RANDOM_INDEX, eq,
                        "; ".join(problems) + f": write {show(err, good) if err.base != 'e' else new}.",
                        self.fix(eq, [Edit(err.sym.start, err.sym.end, new)]), at=err.sym.start)
        self.error_uses.setdefault(err.key, []).append((err, eq))
        keys = {err.key, (ERROR, err.base, numbers, group, err.key[-1])}
        self.s.random.append(RandomEffect(self.term(here), self.cluster_order(group), err, eq, keys))

    # -- fixed effects -----------------------------------------------------------
    def term(self, variables: tuple[SymInfo, ...]) -> tuple[tuple[str, int], ...]:
        powers: dict[str, int] = {}
        for v in variables:
            name = self.factor_of.get(v.base, v.base)
            powers[name] = powers.get(name, 0) + v.power
        return tuple(powers.items())

    def add_fixed(self, here: tuple, coef: SymInfo | None, eq: Equation) -> None:
        term = self.term(here)
        remarked = any(v.sym.start in self.flagged for v in here)
        for other in self.s.fixed:
            if other.term == term:
                if remarked or other.remarked or any(v.base in self.factor_of for v in here):
                    return  # another dummy of the same factor, or already remarked on
                name = term_name(term) or "the intercept"
                self.remark(D.DUPLICATE_TERM, eq,
                            f"{name} already has a fixed coefficient "
                            f"({show(other.coefficient) if other.coefficient else 'line ' + str(other.equation.line)}); "
                            f"a second one ({show(coef) if coef else 'here'}) cannot be estimated "
                            "apart from it: delete one.",
                            at=coef.sym.start if coef else None)
                return
        self.s.fixed.append(FixedEffect(term, coef, eq, remarked))

    # -- after the walk --------------------------------------------------------------
    def after_walk(self) -> None:
        self.unused_definitions()
        self.missing_residual()
        self.reused_symbols()

    def unused_definitions(self) -> None:
        for key, d in self.defs.items():
            if key not in self.used:
                self.remark(D.UNUSED_LEVEL2, d,
                            f"{show(d.lhs)} has an equation, but the level-1 equation does not "
                            f"use it: add {show(d.lhs)} times its predictor to the level-1 "
                            "equation, or delete this equation.")

    def missing_residual(self) -> None:
        if self.s.residual is not None:
            return
        letters = tuple(filter(None, [self.s.observation])) + tuple(
            c for c in self.level1.lhs.letters if c != self.s.observation)
        base = "e" if not self.doc.latex else "epsilon"
        res = (f"\\varepsilon_{{{Index((), letters).text()}}}" if self.doc.latex
               else f"e_{Index((), letters).text()}") if letters else ("\\varepsilon" if self.doc.latex else "e")
        del base
        self.remark(D.MISSING_RESIDUAL, self.level1,
                    "the level-1 equation has no residual term: each observation deviates from "
                    f"its cluster's line by a residual; add {res}.",
                    self.level1.text.rstrip() + f" + {res}")

    def reused_symbols(self) -> None:
        for uses in self.coef_uses.values():
            for coef, eq, owner, has_variables in uses[1:]:
                if coef.sym.start in self.flagged:
                    continue
                taken = {u[0].numbers for us in self.coef_uses.values() for u in us}
                prefix = owner.numbers if owner else ()
                start = 1 if has_variables else 0
                new = next((prefix + (str(k),) for k in range(start, 10)
                            if prefix + (str(k),) not in taken), coef.numbers)
                good = Index(new, coef.letters)
                self.remark(D.SYMBOL_REUSED, eq,
                            f"{show(coef)} is used for two different terms (line {uses[0][1].line} "
                            f"and line {eq.line}); each coefficient needs its own symbol: write "
                            f"{show(coef, good)} here.",
                            self.fix(eq, [reindex(coef, good, self.doc.latex)]), at=coef.sym.start)
        for uses in self.error_uses.values():
            for err, eq in uses[1:]:
                if err.sym.start in self.flagged or uses[0][0].sym.start in self.flagged:
                    continue
                self.remark(D.SYMBOL_REUSED, eq,
                            f"{show(err)} is used for two different random effects (line "
                            f"{uses[0][1].line} and line {eq.line}); each coefficient that varies "
                            "by cluster has its own random effect.", at=err.sym.start)
        if self.s.response in self.s.predictors:
            self.remark(D.SYMBOL_REUSED, self.level1,
                        f"{self.s.response} is both the outcome and a predictor; use another "
                        "name for one of them.")


def _strip_zeros(numbers: tuple[str, ...]) -> tuple[str, ...]:
    out = list(numbers)
    while len(out) > 1 and out[-1] == "0":
        out.pop()
    return tuple(out)


def _corrected_numbers(numbers: tuple[str, ...], depth: int) -> tuple[str, ...]:
    """β_10 used as a level-1 coefficient is coefficient 1 (the 0 stands where
    the cluster index should be)."""
    out = list(numbers)
    while len(out) > depth + 1 and out[-1] == "0":
        out.pop()
    return tuple(out)


def factor_dummies(names) -> dict[str, str]:
    """``recipe_B``, ``recipe_C`` → both are dummies of the factor ``recipe``
    (mixeq writes a factor's columns as factor_level); needs two of them."""
    by_prefix: dict[str, set[str]] = {}
    for name in names:
        if "_" in name.strip("_"):
            prefix = name.rsplit("_", 1)[0]
            by_prefix.setdefault(prefix, set()).add(name)
    return {n: prefix for prefix, ns in by_prefix.items() if len(ns) >= 2 for n in ns}


def term_name(term: tuple[tuple[str, int], ...]) -> str:
    return ":".join(name if p == 1 else f"I({name} ** {p})" for name, p in term)


def build_structure(doc: Document) -> Structure | None:
    return Builder(doc).run()
