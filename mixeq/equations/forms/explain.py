"""Plain sentences: where each column of Z_j comes from and why it repeats X_j."""
from __future__ import annotations

from mixeq.equations.forms.common import factor_words
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.tree import Block, Document, Num, Relation, Sentence, Sym, add, mul


def build(sm: SymbolicModel) -> Document:
    if not sm.random:
        X, beta, eps = Sym("X"), Sym("beta", kind="greek"), Sym("epsilon", kind="greek")
        linear = Relation(Sym("y"), "=", add(mul(X, beta), eps))
        text = [Sentence(("This formula has no random-effects terms: ", Sym("Z"),
                          " is empty and the model is the linear model ", linear,
                          ", one coefficient per column of ", X, ".",))]
        return Document("explain", [Block("", [], text)], sm.notes())
    sentences = []
    several = len(sm.groups) > 1
    terms = sorted({r.term for r in sm.random})
    for g in sm.groups.values():
        effects = [r for r in sm.random if r.group == g.name]
        for k, r in enumerate(effects, start=1):
            if sm.crossed:  # the stacked form's block of this term, for level j of g
                mine = [e for e in sm.random if e.term == r.term]
                tag = f"({terms.index(r.term) + 1})" if len(terms) > 1 else None
                Zj, k = Sym("Z", (g.letter,), tag), mine.index(r) + 1
            else:  # the matrix form of one finest cluster
                Zj = Sym("Z", sm.upper_tokens(1), f"({g.level})" if several else None)
            sentences.append(column_sentence(sm, g, Zj, k, r))
        if len({r.term for r in effects}) > 1:
            sentences.append(Sentence((
                "The random effects of ", *factor_words(g), " come from separate terms "
                f"({', '.join(sm.info.terms[t].spec.canonical() for t in sorted({r.term for r in effects}))}), "
                "so they are uncorrelated: the off-diagonal entries of their covariance "
                "matrix are 0.",)))
    return Document("explain", [Block("", [], sentences)], sm.notes())


def column_sentence(sm: SymbolicModel, g, Zj, k: int, r) -> Sentence:
    term = sm.info.terms[r.term].spec.canonical()
    entry = sm.atoms_expr(r.atoms) or Num(1)
    shown = [a.var if a.label is None else f"{a.var}_{a.label}" for a in r.atoms]
    what = "intercept" if not r.atoms else "slope of " + " × ".join(shown)
    head = (f"Column {k} of ", Zj, " (", entry, f") comes from {term}: ", r.symbol,
            f" is {g.noun} ", Sym(g.letter), f"'s own deviation in the {what}.")
    match = next((f for f in sm.fixed if {a.key for a in f.atoms} == {a.key for a in r.atoms}),
                 None)
    if match is not None:
        pos = sm.fixed.index(match) + 1
        X = Sym("X", () if sm.crossed else sm.upper_tokens(1))
        tail = (f" It repeats column {pos} of ", X, " because that "
                "coefficient varies by cluster: ", Sym("X"), " carries its average effect ",
                match.symbol, ", ", Sym("Z"), " carries each cluster's deviation from it.")
    else:
        tail = (" X has no such column, so the model has no average effect for it: "
                "the cluster deviations vary around 0.",)
    return Sentence(head + tail)
