"""Gelman–Hill / equatiomatic varying-coefficient notation.

One grouping factor: y_i ~ N(α_j[i] + β_1j[i] x_i, σ²) and the varying
coefficients' joint distribution (α_j, β_1j)' ~ N(mean, Σ), the level-2
predictors in the mean (γ_0^α + γ_1^α m_j), or μ_α when there are none. Several grouping factors: every factor adds its own
zero-mean effects to the linear predictor (a^{plate}_{j[i]} + a^{sample}_{k[i]}).
"""
from __future__ import annotations

from mixeq.equations.forms.common import for_clusters
from mixeq.equations.symbolic import SymbolicModel
from mixeq.equations.transforms import parse_transform
from mixeq.equations.tree import (Block, Call, Document, Matrix, Num, Pow, Relation, Row,
                                  Sym, add, mul)


class GHNames:
    """Atoms written with Gelman–Hill indices: x_i, m_j[i] (or m_j at group level)."""

    def __init__(self, sm: SymbolicModel):
        self.sm = sm
        self.aliases: dict[Sym, Sym] = {}  # GH symbol → the composite's symbol

    def atom(self, a, group_level: bool = False):
        sm = self.sm
        lev = sm.atom_levels[a.var]
        tf = parse_transform(a.var) if a.label is None else None
        var = tf.var if tf else a.var
        name = sm.opts.names.get(var, var)
        if lev.level == 1:
            sym = Sym(name, (sm.obs_letter,), kind="var", label=a.label)
        else:
            letter = sm.groups[lev.group].letter
            token = letter if group_level else f"{letter}[{sm.obs_letter}]"
            sym = Sym(name, (token,), kind="var", label=a.label)
        self.aliases[sym] = sm.atom_sym(a)
        return tf.wrap(sym) if tf else sym

    def atoms(self, atoms, group_level: bool = False):
        ordered = sorted(atoms, key=lambda a: -self.sm.level_of(a))
        return mul(*(self.atom(a, group_level) for a in ordered)) if ordered else None


def build(sm: SymbolicModel) -> Document:
    single = len(sm.groups) == 1 and sm.nlevels == 2
    own_slope = any(r.upper for r in sm.random)  # U_01j m_j: not one varying coefficient
    if single and not own_slope and all(len(n.random) <= 1 for n in sm.level_nodes(1)):
        return _single(sm)
    return _additive(sm)


def _single(sm: SymbolicModel) -> Document:
    names = GHNames(sm)
    g = next(iter(sm.groups.values()))
    i = sm.obs_letter
    varying = [n for n in sm.level_nodes(1) if n.random]
    mean_terms = []
    taken = {n.path[0] for n in varying}  # β_1j[i] is β_1's: fixed ones get other numbers
    numbers = (k for k in range(1, 10_000) if k not in taken)
    vsyms, means, aliases, expand = [], [], names.aliases, {}
    cov = sm.covariances[0]
    pos = []  # where each varying coefficient's random effect sits in T
    for node in sm.level_nodes(1):
        part = sm.part(1, node.path[0])
        if node in varying:
            sym = _varying_sym(node.path[0], g.letter)
            vsyms.append(sym)
            indexed = sym.with_sub((*sym.sub[:-1], f"{g.letter}[{i}]"))
            mean_terms.append(mul(indexed, names.atoms(part.atoms)))
            means.append(_group_mean(node, sym, names))
            pos.append(cov.effects.index(node.random[0]))
            expand[indexed] = add(means[-1], node.random[0].symbol)
        else:
            for child, p in node.children:  # a non-varying coefficient: plain β_k
                number = 0 if not part.atoms and not p.atoms else next(numbers)
                beta = Sym("beta", (str(number),), kind="greek")
                aliases[beta] = child
                mean_terms.append(mul(beta, names.atoms(p.atoms), names.atoms(part.atoms)))
    y = sm.response(tokens=(i,))
    rows = mean_rows(sm, y, mean_terms, aliases)
    tau = [[cov.matrix[pa][pb] for pb in pos] for pa in pos]
    rows.append(_group_row(vsyms, means, tau, aliases, for_clusters(g), name="gh-group"))
    return Document("gelman-hill", [Block("", rows)], sm.notes(), aliases, expand)


def _group_mean(node, sym: Sym, names: GHNames):
    """The mean of a varying coefficient: γ_0^α + γ_1^α m_j, or μ_α without
    group-level predictors."""
    if len(node.children) == 1 and not node.children[0][1].atoms:
        mu = Sym("mu", (_sup(sym),), kind="greek")
        names.aliases[mu] = node.children[0][0]
        return mu
    gam = []
    for k, (child, p) in enumerate(node.children):
        g_sym = Sym("gamma", (str(k),), _sup(sym), kind="greek")
        names.aliases[g_sym] = child
        gam.append(mul(g_sym, names.atoms(p.atoms, group_level=True)))
    return add(*gam) if gam else Num(0)


def _group_row(syms: list, means: list, tau: list, aliases: dict, remark, name="") -> Row:
    """One factor's varying coefficients ~ N(means, Σ) (a vector when several), Σ's
    entries written σ²_α, σ_(α,β₁) and aliased to the composite's τ."""
    n = len(syms)
    sigma = [[_entry(tau[a][b], syms[min(a, b)], syms[max(a, b)]) for b in range(n)]
             for a in range(n)]
    for a in range(n):
        for b in range(n):
            base = sigma[a][b].base if isinstance(sigma[a][b], Pow) else sigma[a][b]
            if isinstance(base, Sym) and isinstance(tau[a][b], Sym):
                aliases[base] = tau[a][b]
    if n == 1:
        return Row(Relation(syms[0], "~", Call("N", (means[0], _var(syms[0])))),
                   remark=remark, name=name)
    return Row(Relation(Matrix(tuple((s,) for s in syms), paren=True), "~",
                        Call("N", (Matrix(tuple((m,) for m in means), paren=True),
                                   Matrix(tuple(tuple(r) for r in sigma))))),
               remark=remark, name=name)


def mean_rows(sm: SymbolicModel, y: Sym, terms: list, aliases: dict) -> list[Row]:
    """y_i ~ N(mean, σ²); a long mean gets its own line μ_i = … A GLMM as
    Gelman & Hill (2007, ch. 14) and equatiomatic write glmer models:
    Pr(y_i = 1) = logit⁻¹(α_j[i] + β x_i), y_i ~ Binomial(n_i, p_i) with p_i = logit⁻¹(…),
    y_i ~ Poisson(λ_i) with log(λ_i) = log(t_i) + … (the offset first)."""
    i = (sm.obs_letter,)
    offsets = sm.offset_terms(tokens=i)
    for gh, full in zip(offsets, sm.offset_terms()):  # log(t_i) is the composite's log(t_ij)
        for a, b in zip(_variables(gh), _variables(full)):
            aliases[a] = b
    terms = [*offsets, *terms]
    if sm.generalized:
        return _glm_rows(sm, y, terms)
    variance = sm.residual_variance(tokens=i)
    one_line = Relation(y, "~", Call("N", (add(*terms), variance)))
    if _fits(sm, one_line, len(terms)):
        return [Row(one_line, name="gh")]
    mu = Sym("mu", i, kind="greek")
    return [Row(Relation(y, "~", Call("N", (mu, variance))), name="gh"),
            Row(Relation(mu, "=", add(*terms)), name="gh-mean")]


def _variables(node) -> list:
    from mixeq.equations.proof_data import variable_symbols

    return variable_symbols(node, [])


def _fits(sm: SymbolicModel, relation, n_terms: int) -> bool:
    """The mean stays inside N(…) when it has at most 6 terms and, with ``wrap=``, the
    line is no wider than the wrap width (a term inside a call cannot be broken)."""
    if n_terms > 6:
        return False
    if not sm.opts.wrap:
        return True
    from mixeq.equations.text import node_text

    return max(map(len, node_text(relation, sm.opts).splitlines())) <= sm.opts.wrap


def _glm_rows(sm: SymbolicModel, y: Sym, terms: list) -> list[Row]:
    i = (sm.obs_letter,)
    long = not _fits(sm, Relation(y, "~", Call("N", (add(*terms), Num(0)))), len(terms))
    eta = sm.eta(tokens=i)
    predictor = eta if long else add(*terms)
    if sm.glm.family == "binomial" and sm.glm.distribution == "Bernoulli":
        rows = [Row(Relation(Call("Pr", (Relation(y, "=", Num(1)),)), "=",
                             sm.inverse_link(predictor)), name="gh")]
    elif sm.glm.family == "binomial":
        p = sm.mean(tokens=i)
        rows = [Row(sm.distribution(tokens=i), name="gh"),
                Row(Relation(p, "=", sm.inverse_link(predictor)),
                    name="gh-link" if long else "gh-mean")]
    else:  # y_i ~ Poisson(λ_i), log(λ_i) = …
        rows = [Row(sm.distribution(tokens=i), name="gh"),
                Row(Relation(sm.link(sm.mean(tokens=i)), "=", predictor),
                    name="gh-link" if long else "gh-mean")]
    if long:
        rows.append(Row(Relation(eta, "=", add(*terms)), name="gh-mean"))
    return rows


def _varying_sym(p: int, letter: str) -> Sym:
    if p == 0:
        return Sym("alpha", (letter,), kind="greek")
    return Sym("beta", (str(p), letter), kind="greek")


def _sup(sym: Sym):
    return Sym(sym.base, sym.sub[:-1], sym.sup, kind=sym.kind)


def _var(sym: Sym):
    return Pow(Sym("sigma", (_sup(sym),), kind="greek"), Num(2))


def _entry(tau, a: Sym, b: Sym):
    if isinstance(tau, Num):
        return tau
    if a == b:
        return _var(a)
    return Sym("sigma", (_sup(a), _sup(b)), kind="greek")


def _additive(sm: SymbolicModel) -> Document:
    names = GHNames(sm)
    i = sm.obs_letter
    terms, aliases = [], names.aliases
    for k, f in enumerate(sorted(sm.fixed, key=lambda f: f.path)):
        beta = Sym("beta", (str(k),), kind="greek")
        aliases[beta] = f.symbol
        terms.append(mul(beta, names.atoms(f.atoms)))
    rows_after = []
    for letter_pos, g in enumerate(sm.groups.values()):
        effects = [r for r in sm.random if r.group == g.name]
        if not effects:
            continue
        a = "abcdfgh"[letter_pos]
        slots = [str(r.path[0]) for r in effects]
        labels = [s if slots.count(s) == 1 else r.label for s, r in zip(slots, effects)]
        syms = [Sym(a, (lab, g.letter), r.symbol.sup) for lab, r in zip(labels, effects)]
        if len(effects) == 1 and not effects[0].atoms:  # an intercept only: a_j
            syms = [Sym(a, (g.letter,), effects[0].symbol.sup)]
        for r, s in zip(effects, syms):
            indexed = s.with_sub((*s.sub[:-1], f"{g.letter}[{i}]"))
            aliases[indexed] = r.symbol
            terms.append(mul(indexed, names.atoms(r.atoms)))
        cov = next(c for c in sm.covariances if c.group == g.name)
        rows_after.append(_group_row(syms, [Num(0)] * len(syms), cov.matrix, aliases,
                                     for_clusters(g)))
    y = sm.response(tokens=(i,))
    rows = mean_rows(sm, y, terms, aliases)
    return Document("gelman-hill", [Block("", rows + rows_after)], sm.notes(), aliases)
