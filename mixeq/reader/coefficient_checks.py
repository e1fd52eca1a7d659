"""Remarks about coefficients: written without the cluster index, with the
wrong index, without an equation, numbered against the convention."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.builder_base import GREEK_NAME, NEXT_LEVEL, BuilderBase, show, strip_zeros
from mixeq.reader.parsed import Equation
from mixeq.reader.structure import Owner, RandomEffect
from mixeq.reader.symbols import COEF, ERROR, Index, SymInfo


class CoefficientChecks(BuilderBase):
    def _by_stripped(self) -> dict[tuple, list[Equation]]:
        """Definitions by (base, numbers without trailing zeros), built once after
        the definitions are indexed (a scan per look-up made the walk quadratic)."""
        if getattr(self, "_stripped_index", None) is None or \
                self._stripped_count != len(self.defs):
            index: dict[tuple, list[Equation]] = {}
            for (base, nums, *_), d in self.defs.items():
                index.setdefault((base, strip_zeros(nums)), []).append(d)
            self._stripped_index, self._stripped_count = index, len(self.defs)
        return self._stripped_index

    def lookup(self, coef: SymInfo, eq: Equation) -> Equation | None:
        found = self.defs.get(self.def_key(coef))
        if found is not None or self.doc.gelman_hill:
            return found
        matches = self._by_stripped().get((coef.base, strip_zeros(coef.numbers)), [])
        if len(matches) != 1:
            return None
        d = matches[0]
        right = d.lhs if d.lhs.letters else coef
        wrong = coef if right is d.lhs else d.lhs
        target_eq = eq if wrong is coef else d
        self.remark(D.INDEX_MISMATCH, target_eq,
                    f"{show(coef)} (line {eq.line}) and {show(d.lhs)} (line {d.line}) are the same "
                    f"coefficient written two ways; write {show(right)} in both.",
                    self.fix(target_eq, [self.reindex(wrong, right.index)]),
                    at=wrong.sym.start)
        return d

    def not_indexed(self, coef, eq, d, numbers, letters, here) -> None:
        index = Index(numbers, self.cluster_order(letters))
        slope = bool(here)
        code = D.SLOPE_NOT_INDEXED if slope else D.INTERCEPT_NOT_INDEXED
        errs = [e for m in d.monomials for e in m.errors]
        what = "slope" if slope else "intercept"
        fixed = [self.fix(eq, [self.reindex(coef, index)])]
        if d is not eq and not set(index.letters) <= set(d.lhs.letters):
            fixed.append(self.fix(d, [self.reindex(d.lhs, index)]))
        self.remark(code, eq,
                    f"the {what} {show(coef)} has a random effect {show(errs[0])} in its equation "
                    f"(line {d.line}), so it varies by cluster: write {show(coef, index)}, "
                    f"not {show(coef)}.", "\n".join(fixed), at=coef.sym.start)

    def missing_equation(self, coef, eq, numbers, letters, here) -> None:
        index = Index(numbers, letters)
        base = NEXT_LEVEL.get(coef.base, "gamma")
        gamma = self.spell(COEF, base, Index(numbers + ("0",), ()))
        u = self.spell(ERROR, "u", index)
        lhs = self.doc.source[coef.sym.start:coef.sym.end]
        if any(d.code == D.PARSE_ERROR and d.equation.lstrip().startswith(lhs)
               for d in self.doc.diagnostics):
            self.add_fixed(here, coef, eq)  # its equation is there but could not be read
            self.s.random.append(RandomEffect(self.term(here), letters, coef, eq,
                                              {("missing", coef.key)}))
            return
        self.remark(D.MISSING_LEVEL2, eq,
                    f"{show(coef)} carries the cluster index {''.join(letters)}, so it varies by "
                    f"cluster, but it has no equation of its own; mixeq reads it as "
                    f"{show(coef)} = {GREEK_NAME[base]}_{''.join(numbers)}0 + U_{index.text()} "
                    "(a fixed effect plus a random effect); add that equation, or drop the index "
                    "if the coefficient is the same in every cluster.",
                    f"{lhs} = {gamma} + {u}", at=coef.sym.start)
        self.add_fixed(here, coef, eq)
        self.s.random.append(RandomEffect(self.term(here), letters, coef, eq,
                                          {("missing", coef.key)}))

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
                    self.fix(eq, [self.reindex(coef, good)]), at=coef.sym.start)

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
                    self.fix(eq, [self.reindex(coef, good)]), at=coef.sym.start)
