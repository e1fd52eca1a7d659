"""Remarks made once the walk is over: unused equations, a missing residual,
symbols used for two things."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.builder_base import BuilderBase, show
from mixeq.reader.corrections import unicode_like
from mixeq.reader.symbols import Index


class FinalChecks(BuilderBase):
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
        if self.s.residual is not None or self.level1.implicit_residual:
            return
        letters = tuple(filter(None, [self.s.observation])) + tuple(
            c for c in self.level1.lhs.letters if c != self.s.observation)
        index = Index((), letters).text()
        sub = self.level1.lhs.sym.sub
        unicode = unicode_like(self.doc.source[sub.span[0]:sub.span[1]], index) if sub else None
        if self.doc.latex:
            res = f"\\varepsilon_{{{index}}}" if index else "\\varepsilon"
        elif unicode is not None:
            res = "ε" + unicode
        else:
            res = f"e_{index}" if index else "e"
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
                            self.fix(eq, [self.reindex(coef, good)]), at=coef.sym.start)
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
