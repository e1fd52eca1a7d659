"""Remarks about predictors and error terms: a level-1 predictor or the
observation index in a level-2 equation, a random effect with the wrong index."""
from __future__ import annotations

from mixeq.reader import diagnostics as D
from mixeq.reader.builder_base import BuilderBase, show
from mixeq.reader.corrections import Edit
from mixeq.reader.parsed import Equation
from mixeq.reader.structure import Owner, Predictor, RandomEffect
from mixeq.reader.symbols import ERROR, Index, SymInfo


class TermChecks(BuilderBase):
    def check_variable(self, v: SymInfo, eq: Equation, owner: Owner | None) -> SymInfo:
        obs = self.s.observation
        has_obs = obs is not None and obs in v.letters
        clusters = tuple(c for c in v.letters if c in self.s.clusters)
        name = self.factor_of.get(v.base, v.base)
        if owner is not None and (has_obs or name in self.level1_names):
            target = owner.letters or tuple(self.s.clusters[:1])
            if name in self.level1_names:
                bar = (f"\\bar{{{v.base}}}_{{{Index((), target).text()}}}" if self.doc.latex
                       else f"{v.base}bar_{Index((), target).text()}")
                self.remark(D.LEVEL1_IN_LEVEL2, eq,
                            f"{show(v)} is a level-1 predictor (it is in the level-1 "
                            "equation), but this is the equation of a coefficient that varies "
                            "between clusters, which can only hold cluster-level predictors; to "
                            f"use the cluster mean of {v.base}, make it a column and write it "
                            f"with the cluster index, e.g. {bar}.",
                            self.fix(eq, [Edit(v.sym.start, v.sym.end, bar)]), at=v.sym.start)
                self.register(v, eq, level1=True, letters=())
                return v
            self.remark(D.LEVEL2_OBSERVATION_INDEX, eq,
                        f"{show(v)} carries the observation index {obs}, but a predictor in a "
                        f"level-2 equation is constant within clusters: write it "
                        f"{show(v, Index((), target))}.",
                        self.fix(eq, [self.reindex(v, Index(v.numbers, target))]),
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

    def index_problems(self, err: SymInfo, owner: Owner | None, is_residual: bool,
                       letters: tuple, expected: tuple) -> tuple[list[str], tuple]:
        """What is wrong with a random effect's indices, and the numbers it should carry."""
        obs = self.s.observation
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
        return problems, numbers

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
            expected = tuple(self.s.clusters[:1]) or tuple(err.letters) or ("j",)
        problems, numbers = self.index_problems(err, owner, is_residual, letters, expected)
        group = letters if not problems else self.cluster_order(expected)
        if problems:
            good = Index(numbers, group)
            new = self.spell(ERROR, "u" if err.base == "e" else err.base, good)
            shown = new if err.base == "e" else show(err, good)
            self.remark(D.WRONG_RANDOM_INDEX, eq, "; ".join(problems) + f": write {shown}.",
                        self.fix(eq, [Edit(err.sym.start, err.sym.end, new)]), at=err.sym.start)
        self.error_uses.setdefault(err.key, []).append((err, eq))
        keys = {err.key, (ERROR, err.base, numbers, group, err.key[-1])}
        effect = RandomEffect(self.term(here), self.cluster_order(group), err, eq, keys)
        self.s.random.append(effect)
