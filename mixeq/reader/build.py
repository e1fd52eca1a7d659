"""Walk the equations from the level-1 equation down through the coefficient
equations, collecting fixed and random effects and the remarks a careful
reader would make."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.builder_base import corrected_numbers, factor_dummies, show, term_name
from mixeq.reader.coefficient_checks import CoefficientChecks
from mixeq.reader.final_checks import FinalChecks
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.structure import FixedEffect, Owner, Structure
from mixeq.reader.symbols import VAR, SymInfo
from mixeq.reader.term_checks import TermChecks
from mixeq.reader.terms import Monomial

__all__ = ["Builder", "build_structure", "show", "term_name"]


class Builder(CoefficientChecks, TermChecks, FinalChecks):
    """Reads one document: ``run()`` gives the Structure (or None) and leaves
    its remarks in ``doc.diagnostics``."""

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
        defined = {eq.lhs.base for eq in self.doc.definitions}
        self.level1 = max(cands, key=lambda e: (
            sum(c.base in defined for m in e.monomials for c in m.coefs),
            any(m.coefs or m.errors for m in e.monomials), -cands.index(e)))
        for other in cands:
            if other is self.level1:
                continue
            if other.lhs.base == self.level1.lhs.base:
                self.s.also_written.append(other)  # the composite, compared later
                continue
            self.remark(D.SEVERAL_LEVEL1, other,
                        f"a second level-1 equation (for {show(other.lhs)}); mixeq reads "
                        f"the one on line {self.level1.line} and ignores this one.")
        return True

    def index_definitions(self) -> None:
        for eq in self.doc.definitions:
            key = self.def_key(eq.lhs)
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
        # x_ij^2 alone does not make x level 1: mixeq writes I(x ** 2) as its own predictor
        obs = self.s.observation
        self.level1_names = {v.base for m in self.level1.monomials for v in m.variables
                             if v.power == 1 and (obs in v.letters or not v.letters)}
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
                            "coefficient (β or γ) to be estimated; mixeq reads it as a fixed "
                            "effect.",
                            at=mono.variables[0].sym.start)
                self.add_fixed(here, None, eq)
            else:
                self.remark(D.TERM_WITHOUT_COEFFICIENT, eq,
                            f"the constant {mono.numbers[0].value} is not a model term: the "
                            "intercept is a coefficient (γ_00); mixeq ignores it.",
                            at=mono.numbers[0].start)

    def visit_coefficient(self, coef: SymInfo, eq: Equation, here: tuple, owner: Owner | None,
                          stack: list, mono: Monomial) -> None:
        depth = len(stack)
        numbers = corrected_numbers(coef.numbers, depth)
        uses = self.coef_uses.setdefault(coef.key, [])
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
        key = self.def_key(d.lhs)
        if key in stack and coef.letters != d.lhs.letters:
            self.add_fixed(here, coef, eq)  # MLwiN's β_0j = β_0 + u_0j: β_0 is the fixed part
            return
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
        other = self.fixed_by_term.get(term)  # the first fixed effect of this term
        if other is not None:
            if remarked or other.remarked or any(v.base in self.factor_of for v in here):
                return  # another dummy of the same factor, or already remarked on
            name = term_name(term) or "the intercept"
            first = (show(other.coefficient) if other.coefficient
                     else f"line {other.equation.line}")
            self.remark(D.DUPLICATE_TERM, eq,
                        f"{name} already has a fixed coefficient "
                        f"({first}); "
                        f"a second one ({show(coef) if coef else 'here'}) cannot be estimated "
                        "apart from it: delete one.",
                        at=coef.sym.start if coef else None)
            return
        self.s.fixed.append(FixedEffect(term, coef, eq, remarked))
        self.fixed_by_term[term] = self.s.fixed[-1]

    # -- after the walk --------------------------------------------------------------

def build_structure(doc: Document) -> Structure | None:
    return Builder(doc).run()
