"""The symbolic model: one object naming every coefficient, random effect,
index, level and variance parameter, from which every form is written.

A column of X is a product of atoms; splitting its atoms by level gives its
*path* ``(p, q, …)``: the index of its level-1 part (the slot of the level-1
equation), of its level-2 part, and so on. The fixed coefficient of the
column is the top-level letter with the path as subscript (γ_pq), a level-1
coefficient is β_pj (or π_pjk with three levels), and a random effect of a
grouping factor at level l attaches to the coefficient whose equation sits at
level l.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.equations.atoms import Atom
from mixeq.equations.glm import MEAN, GLMFacts, trials_total
from mixeq.equations.matrices import MatrixSymbols
from mixeq.equations.options import Options
from mixeq.equations.source import OWN_SLOPE, AtomLevel, ModelInfo
from mixeq.equations.transforms import offset_variable, parse_transform
from mixeq.equations.tree import Call, Num, Pow, Relation, Seq, Sym, mul
from mixeq.errors import RenderError
from mixeq.glyphs import is_greek



@dataclass
class Group:
    name: str
    letter: str
    level: int
    nested_in: tuple[str, ...]
    nlevels: int | None
    random_letter: str
    tokens: tuple  # index of a quantity of this grouping factor: (j,) or (j, k)

    @property
    def count(self) -> Sym:
        return Sym(self.letter.upper())

    @property
    def named(self) -> bool:
        """False when the factor's name is only its index letter (a model read
        back from equations without a legend or ``--group``)."""
        return self.name != self.letter

    @property
    def noun(self) -> str:
        """What one cluster is called before its index: *school* j, or *cluster* j."""
        return self.name if self.named else "cluster"


@dataclass
class Part:
    """Product of the atoms of one column that live at one level."""

    level: int
    index: int
    atoms: tuple[Atom, ...]


@dataclass
class FixedCoef:
    column: str
    atoms: tuple[Atom, ...]
    path: tuple[int, ...]
    symbol: Sym


@dataclass
class RandomEffect:
    term: int
    group: str
    column: str
    atoms: tuple[Atom, ...]
    path: tuple[int, ...]
    symbol: Sym
    position: int = 0  # its column within the term (its row of the term's covariance)
    # a level-2 predictor's random slope on its own factor (U_01j m_j): the predictor's
    # atoms at the factor's level, written beside the effect in the level-2 equation,
    # and the effect's subscript path (0, 1) — the γ_01 whose coefficient varies
    upper: tuple = ()
    sub: tuple = ()

    @property
    def label(self) -> str:
        path = self.sub or self.path
        return "".join(str(p) for p in path) if max(path, default=0) < 10 \
            else ",".join(str(p) for p in path)


@dataclass
class Node:
    """A coefficient with its own equation one level up (β_pj = γ_p0 + … + U_pj)."""

    level: int
    path: tuple[int, ...]
    symbol: Sym
    children: list = field(default_factory=list)  # (coefficient Sym, Part)
    random: list = field(default_factory=list)    # RandomEffect


@dataclass
class Covariance:
    group: str
    effects: list[RandomEffect]
    matrix: list[list[object]]
    symbol: Sym


@dataclass(frozen=True)
class Estimate:
    """Where a symbol's estimate is in a fit, so that the numbers follow the symbols
    (not names rebuilt from them): ``fixef`` (X's column), ``cov`` (term, row, column of
    the term's covariance matrix), ``theta`` (position in lme4's θ, from 1) or ``sigma2``
    (the residual variance: the estimate of the symbol's square)."""

    kind: str
    where: tuple = ()

    def value(self, fit) -> float:
        import numpy as np

        if self.kind == "fixef":
            return float(fit.fixef[self.where[0]])
        if self.kind == "cov":
            term, a, b = self.where
            return float(np.asarray(fit.term_covariances()[term], dtype=float)[a, b])
        if self.kind == "theta":
            return float(np.asarray(fit.theta, dtype=float)[self.where[0] - 1])
        return float(fit.sigma) ** 2


class SymbolicModel:
    """Every name of the model, built once from a :class:`ModelInfo`."""

    def __init__(self, info: ModelInfo, opts: Options):
        self.info, self.opts = info, opts
        self.spec = info.spec
        self.matrices = MatrixSymbols()
        self.estimated: dict[Sym, Estimate] = {}  # symbol → where the fit holds its number
        self.atom_levels: dict[str, AtomLevel] = info.atom_levels
        self._build_groups()
        self.letters = opts.coef_letters(self.nlevels)
        self._build_parts()
        self._build_fixed()
        self._build_random()
        self._build_nodes()
        self._build_covariances()
        self._build_theta()

    # -- grouping factors and indices ---------------------------------------
    def _build_groups(self):
        facts = sorted(self.info.groups.values(), key=lambda f: f.level)
        order = {g: n for n, g in enumerate(self.spec.group_names)}
        facts.sort(key=lambda f: (f.level, order.get(f.name, 99)))
        letters = list(self.opts.indices)
        if len(facts) + 1 > len(letters):
            raise RenderError(f"{len(facts)} grouping factors but only {len(letters) - 1} "
                              "index letters; pass indices='ijklmn…'")
        self.obs_letter = letters[0]
        self.nlevels = 1 + len({f.level for f in facts})
        distinct = sorted({f.level for f in facts})
        rank = {lev: n + 2 for n, lev in enumerate(distinct)}  # make levels 2, 3 … dense
        self.groups: dict[str, Group] = {}
        used: dict[int, int] = {}
        for f, letter in zip(facts, letters[1:]):
            lev = rank[f.level]
            pos = used.get(lev, 0)
            used[lev] = pos + 1
            rl = self.opts.random_letters(lev, self.nlevels)
            self.groups[f.name] = Group(f.name, letter, lev, f.nested_in, f.nlevels,
                                        rl[pos] if pos < len(rl) else f"{rl[0]}{pos}", ())
        for g in self.groups.values():
            upper = sorted((self.groups[h] for h in g.nested_in if h in self.groups),
                           key=lambda h: h.level)
            g.tokens = (g.letter, *(h.letter for h in upper))
        for name, lev in self.atom_levels.items():
            if lev.group is not None and lev.group in self.groups:
                self.atom_levels[name] = AtomLevel(self.groups[lev.group].level, lev.group,
                                                   lev.how, lev.reason)

    def groups_at(self, level: int) -> list[Group]:
        return [g for g in self.groups.values() if g.level == level]

    def upper_tokens(self, level: int) -> tuple:
        """Index tokens of everything above ``level``: (j,), (j, k) or ("(jk)",)."""
        out = []
        for lev in range(level + 1, self.nlevels + 1):
            gs = self.groups_at(lev)
            if len(gs) == 1:
                out.append(gs[0].letter)
            elif gs:
                out.append("(" + "".join(g.letter for g in gs) + ")")
        return tuple(out)

    def obs_tokens(self, row=None) -> tuple:
        return (self.obs_letter if row is None else row, *self.upper_tokens(1))

    @property
    def crossed(self) -> bool:
        return any(len(self.groups_at(lev)) > 1 for lev in range(2, self.nlevels + 1))

    # -- atoms and parts -----------------------------------------------------
    def level_of(self, atom: Atom) -> int:
        return self.atom_levels[atom.var].level

    def atom_sym(self, atom: Atom, row=None) -> Sym:
        """The atom's symbol with its indices (for ``I(x ** 2)``: the symbol of x)."""
        lev = self.atom_levels[atom.var]
        tokens = self.obs_tokens(row) if lev.level == 1 else self.groups[lev.group].tokens
        tf = parse_transform(atom.var) if atom.label is None else None
        var = tf.var if tf else atom.var
        return Sym(self.opts.names.get(var, var), tokens, kind="var", label=atom.label)

    def atom_node(self, atom: Atom, row=None):
        """What the equations show for an atom: x_ij, recipe_B j, x_ij², log(x_ij)."""
        sym = self.atom_sym(atom, row)
        tf = parse_transform(atom.var) if atom.label is None else None
        return tf.wrap(sym) if tf else sym

    def atoms_expr(self, atoms, row=None):
        """Product of atoms, highest level first (m_j x_ij); 1 when empty."""
        ordered = sorted(atoms, key=lambda a: -self.level_of(a))
        return mul(*(self.atom_node(a, row) for a in ordered)) if ordered else None

    def _build_parts(self):
        self.parts: dict[int, dict[frozenset, Part]] = {
            lev: {frozenset(): Part(lev, 0, ())} for lev in range(1, self.nlevels + 1)}
        self._part_lists: dict[int, list[Part]] = {}
        for atoms in [*self.info.x_atoms, *(a for t in self.info.terms for a in t.atoms)]:
            for lev in range(1, self.nlevels + 1):
                mine = tuple(a for a in atoms if self.level_of(a) == lev)
                key = frozenset(a.key for a in mine)
                table = self.parts[lev]
                if key not in table:
                    table[key] = Part(lev, len(table), mine)

    def path_of(self, atoms, upto: int) -> tuple[int, ...]:
        return tuple(self.parts[lev][frozenset(a.key for a in atoms
                                               if self.level_of(a) == lev)].index
                     for lev in range(1, upto + 1))

    def part(self, level: int, index: int) -> Part:
        # parts are numbered in insertion order (Part(lev, len(table), …)), so the
        # index is the position: a list per level instead of a scan per look-up
        table = self.parts[level]
        cached = self._part_lists.get(level)
        if cached is None or len(cached) != len(table):
            cached = self._part_lists[level] = list(table.values())
        return cached[index]

    def subscript(self, path) -> tuple:
        wide = any(len(lev) > 10 for lev in self.parts.values())  # some index ≥ 10
        return (",".join(map(str, path)),) if wide else tuple(str(p) for p in path)

    # -- coefficients ----------------------------------------------------------
    def coef_sym(self, level: int, path) -> Sym:
        return Sym(self.letters[level - 1], (*self.subscript(path), *self.upper_tokens(level)),
                   kind="greek")

    def _build_fixed(self):
        self.fixed = []
        seen = set()
        for col, atoms in zip(self.info.x_columns, self.info.x_atoms):
            path = self.path_of(atoms, self.nlevels)
            if path in seen:
                raise RenderError(f"X column {col!r} repeats the predictors of another "
                                  "column; the equations cannot tell them apart")
            seen.add(path)
            self.fixed.append(FixedCoef(col, atoms, path, self.coef_sym(self.nlevels, path)))
            self.estimated[self.fixed[-1].symbol] = Estimate("fixef", (col,))

    def _build_random(self):
        self.random: list[RandomEffect] = []
        for t_index, term in enumerate(self.info.terms):
            g = self.groups[term.group]
            for pos, (col, atoms) in enumerate(zip(term.columns, term.atoms)):
                path = self.path_of(atoms, g.level - 1)
                upper = tuple(a for a in atoms if self.level_of(a) >= g.level)
                sub = self.path_of(atoms, g.level) if upper else ()
                twice = any(r.group == term.group and (r.sub or r.path) == (sub or path)
                            for r in self.random)
                sym = Sym(g.random_letter, (*self.subscript(sub or path), *g.tokens),
                          f"({t_index + 1})" if twice else None,
                          kind="greek" if is_greek(g.random_letter) else "plain")
                self.random.append(RandomEffect(t_index, term.group, col, atoms, path, sym,
                                                pos, upper, sub))

    def _build_nodes(self):
        self.nodes: dict[tuple, Node] = {}
        for f in self.fixed:
            for lev in range(1, self.nlevels):
                self._node(f.path[:lev])
        for r in self.random:
            for lev in range(1, len(r.path) + 1):
                self._node(r.path[:lev])
            self.nodes[r.path].random.append(r)
        for node in self.nodes.values():  # U_0j before U_01j m_j, as T writes them
            node.random.sort(key=lambda r: (r.sub or r.path, r.term))
        kids_of: dict[tuple, list] = {}  # parent path → children, one pass (linear)
        for f in self.fixed:
            if len(f.path) == self.nlevels:
                kids_of.setdefault(f.path[:-1], []).append((f.symbol, f.path))
        for n in self.nodes.values():
            kids_of.setdefault(n.path[:-1], []).append((n.symbol, n.path))
        for path, node in self.nodes.items():
            lev = len(path) + 1
            kids = sorted(kids_of.get(path, ()), key=lambda k: k[1])
            node.children = [(sym, self.part(lev, p[-1])) for sym, p in kids]

    def _node(self, path):
        if path not in self.nodes:
            self.nodes[path] = Node(len(path), path, self.coef_sym(len(path), path))
        return self.nodes[path]

    def level_nodes(self, level: int) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.level == level),
                      key=lambda n: n.path)

    def level1_terms(self) -> list[tuple[Sym, Part]]:
        """(coefficient, level-1 part) pairs of the level-1 equation."""
        if self.nlevels == 1:
            return [(f.symbol, self.part(1, f.path[0])) for f in self.fixed]
        return [(n.symbol, self.part(1, n.path[0])) for n in self.level_nodes(1)]

    # -- variances -------------------------------------------------------------
    def _build_covariances(self):
        self.covariances: list[Covariance] = []
        chain = len(self.groups) > 1 and not self.crossed
        for g in self.groups.values():
            effects = [r for r in self.random if r.group == g.name]
            if not effects:
                continue
            if chain:  # RB's three-level notation: T_π, τ_π00; T_β, τ_β00
                tag = Sym(self.letters[g.level - 2], kind="greek")
                mat, entry = Sym("T", (tag,)), (lambda a, b: Sym("tau", (tag, a, b), kind="greek"))
            else:
                sup = g.name if len(self.groups) > 1 else None
                mat = Sym("T", (), sup)
                entry = (lambda a, b, sup=sup: Sym("tau", (a, b), sup, kind="greek"))
            short = all(len(r.label) == 1 for r in effects) and \
                len({r.label for r in effects}) == len(effects)
            written = sorted(effects, key=lambda r: (r.sub or r.path, r.term))  # T's order
            labels = {id(r): (r.label if short else str(k)) for k, r in enumerate(written)}
            matrix = []
            for a, ra in enumerate(effects):
                row = []
                for b, rb in enumerate(effects):
                    if ra.term != rb.term:
                        row.append(Num(0))
                        continue
                    lo, hi = (ra, rb) if a <= b else (rb, ra)
                    row.append(entry(labels[id(lo)], labels[id(hi)]))
                    self.estimated[row[-1]] = Estimate("cov", (ra.term, ra.position,
                                                               rb.position))
                matrix.append(row)
            self.covariances.append(Covariance(g.name, effects, matrix, mat))
        if self.glm.has_scale:
            self.estimated[self.sigma2().base] = Estimate("sigma2")

    def _build_theta(self):
        """lme4's θ: per term, the lower triangle of its relative covariance factor
        Λ_t, column by column, numbered on from term to term (Bates et al. 2015 §2.3).
        ``theta_blocks[t]`` is term t's k × k grid of θ symbols and zeros."""
        self.theta_blocks: dict[int, list[list]] = {}
        number = 0
        for t in sorted({r.term for r in self.random}):
            k = sum(1 for r in self.random if r.term == t)
            cells = [[Num(0)] * k for _ in range(k)]
            for c in range(k):
                for r in range(c, k):
                    number += 1
                    cells[r][c] = self.matrices.theta(number)
                    self.estimated[cells[r][c]] = Estimate("theta", (number,))
            self.theta_blocks[t] = cells

    # -- other names -----------------------------------------------------------
    @property
    def response_name(self) -> str:
        """The response as displayed: its column (cbind(s, f): the successes s)."""
        trials = self.glm.trials
        name = self.spec.response
        if trials and trials[0] == "cbind":
            name = trials[1]
        elif trials and trials[2]:  # s/n with weights n: the successes s
            name = trials[2]
        return self.opts.names.get(name, name)

    def response(self, row=None, tokens=None) -> Sym:
        return Sym(self.response_name, self.obs_tokens(row) if tokens is None else tokens,
                   kind="var")

    # -- the response's distribution and link (one table: mixeq.equations.glm) ---------
    @property
    def glm(self) -> GLMFacts:
        return self.info.glm

    @property
    def generalized(self) -> bool:
        """A GLMM (or a Gaussian model with a link): the level-1 line is the
        distribution of y and g(mean) = η, with no ε."""
        return self.glm.generalized

    def mean(self, row=None, tokens=None) -> Sym:
        """p_ij (binomial), λ_ij (Poisson) or μ_ij: the mean of y given the random effects."""
        base, kind = MEAN[self.glm.family]
        return Sym(base, self.obs_tokens(row) if tokens is None else tokens, kind=kind)

    def eta(self, row=None, tokens=None) -> Sym:
        return Sym("eta", self.obs_tokens(row) if tokens is None else tokens, kind="greek")

    def trials(self, row=None, tokens=None) -> Sym:
        """The binomial trials: the column n of ``cbind(s, n - s)`` or of the weights;
        n_ij when they are s + f of two columns (a sentence says so)."""
        tokens = self.obs_tokens(row) if tokens is None else tokens
        trials = self.glm.trials
        name = trials_total(self.glm) if trials[0] == "cbind" else trials[1]
        if name is None:
            return Sym("n", tokens)
        return Sym(self.opts.names.get(name, name), tokens, kind="var")

    def link(self, node):
        """g(node): logit(p_ij), Φ⁻¹(p_ij), log(λ_ij); the identity writes node."""
        name = self.glm.link_name
        return node if name is None else Call(name, (node,))

    def inverse_link(self, node):
        """g⁻¹(node): logit⁻¹(η), Φ(η), exp(η); the identity writes node."""
        name = self.glm.inverse_name
        return node if name is None else Call(name, (node,))

    def distribution(self, row=None, given=(), tokens=None) -> Relation:
        """``y_ij | β_0j ~ Bernoulli(p_ij)``, ``Binomial(n_ij, p_ij)``, ``Poisson(λ_ij)``;
        a proportion with trials as weights is written n_ij y_ij ~ Binomial(n_ij, p_ij)."""
        glm = self.glm
        lhs = self.response(row, tokens)
        mean = self.mean(row, tokens)
        if glm.distribution == "Binomial":
            n = self.trials(row, tokens)
            if glm.trials[0] == "weights" and not glm.trials[2]:  # a proportion column
                lhs = mul(n, lhs)
            args = (n, mean)
        elif glm.family == "gaussian":
            args = (mean, self.residual_variance(row))
        else:
            args = (mean,)
        if given:
            lhs = Relation(lhs, "|", Seq(tuple(given)))
        return Relation(lhs, "~", Call(glm.distribution, args))

    def expectation(self, y, given=()):
        """E[y | b]: the conditional mean of a vector (or of one y_ij) given ``given``."""
        arg = Relation(y, "|", Seq(tuple(given))) if given else y
        return Call("E", (arg,), brackets="[]")

    def vector_mean(self, y, given=(), tokens=()):
        """What the link applies to in the matrix forms: E[Y_j | b_j] — or, for a Binomial
        with trials, the vector of success probabilities p_j (E[y_ij | b_j] = n_ij p_ij)."""
        if self.glm.distribution == "Binomial":
            return Sym(MEAN["binomial"][0], tuple(tokens))
        return self.expectation(y, given)

    def mean_relation(self, given=()):
        """E[y_ij | b_j] = p_ij (λ_ij, μ_ij); n_ij p_ij for a Binomial with trials."""
        mean = self.mean()
        if self.glm.distribution == "Binomial":
            mean = mul(self.trials(), mean)
        return Relation(self.expectation(self.response(), given), "=", mean)

    def random_coefficients(self) -> list[Sym]:
        """The level-1 coefficients that vary at random (what y is conditioned on)."""
        if self.nlevels == 1:
            return []
        out = []
        for node in self.level_nodes(1):
            below = [n for n in self.nodes.values() if n.path[:1] == node.path]
            if any(n.random for n in below):
                out.append(node.symbol)
        return out

    def offset_terms(self, row=None, tokens=None) -> list:
        """The offsets with coefficient 1: ``log(t_ij)`` for ``offset(log(t))``."""
        tokens = self.obs_tokens(row) if tokens is None else tokens
        out = []
        for expr in self.glm.offsets:
            tf = parse_transform(expr)
            var = tf.var if tf else offset_variable(expr)
            sym = Sym(self.opts.names.get(var, var), tokens, kind="var")
            out.append(tf.wrap(sym) if tf else sym)
        return out

    def residual(self, row=None) -> Sym:
        letter = self.opts.residual(self.nlevels)
        return Sym(letter, self.obs_tokens(row),
                   kind="greek" if is_greek(letter) else "plain")

    @staticmethod
    def sigma2():
        return Pow(Sym("sigma", kind="greek"), Num(2))

    def residual_variance(self, row=None, tokens=None):
        """σ², or σ²/w_ij with prior weights (lme4: Var(ε_i) = σ²/w_i)."""
        if not self.glm.weights:
            return self.sigma2()
        w = Sym(self.opts.names.get(self.glm.weights, self.glm.weights),
                self.obs_tokens(row) if tokens is None else tokens, kind="var")
        return mul(self.sigma2(), Pow(w, Num(-1)))

    def z_terms(self) -> list[tuple[RandomEffect, object]]:
        """(random effect, its predictor product at level 1) in Z's order."""
        return [(r, self.atoms_expr(r.atoms)) for r in self.random]

    def fixed_term_expr(self, f: FixedCoef, row=None):
        """γ_pq × level-L part × … × level-1 part (composite order)."""
        return mul(f.symbol, self.atoms_expr(f.atoms, row))

    def notes(self) -> list[str]:
        out = [f"{v} is {lv.reason}: within a cluster {v} does not vary, so a cluster's slope "
               f"deviation times {v} cannot be told from its intercept deviation (the random "
               "slope is confounded with the random intercept); it is written as a level-1 "
               "predictor" for v, lv in self.atom_levels.items()
               if lv.how != "assumed" and lv.reason.startswith("constant within ")
               and not lv.reason.startswith(OWN_SLOPE)]
        return out + self._own_slope_notes() + self._assumed_notes()

    def _own_slope_notes(self) -> list[str]:
        """``y ~ m + (1 + m | g)`` with m constant within g: m is written at its level and
        its random slope in the level-2 equation; say why that slope is confounded."""
        out = []
        for v, lv in self.atom_levels.items():
            if not lv.reason.startswith(OWN_SLOPE):
                continue
            from mixeq.equations.text import node_text

            g = self.groups[lv.group]
            slopes = [r for r in self.random if any(a.var == v for a in r.upper)]
            intercept = next((r for r in self.random if r.group == g.name and not r.atoms), None)
            shown = ", ".join(node_text(r.symbol, self.opts) for r in slopes)
            with_ = (f" as {node_text(intercept.symbol, self.opts)} is" if intercept else "")
            out.append(
                f"{v} is constant within {g.name} and has a random slope on {g.name}: it is "
                f"written at its level (level {g.level}, in the level-{g.level} equation), "
                f"and its random slope {shown} is one number per {g.noun}{with_}, so the "
                "random slope is confounded with the random intercept: within a cluster "
                f"{v} does not vary, and only the way the clusters' spread changes with {v} "
                "tells the two variances apart")
        return out

    def _assumed_notes(self) -> list[str]:
        assumed = {v: lv for v, lv in self.atom_levels.items() if lv.how == "assumed"}
        if not assumed or not self.groups:
            return []
        said = []
        for v, lv in assumed.items():
            where = "level 1" if lv.level == 1 else f"level {lv.level} ({lv.group})"
            said.append(f"{v}: {where}, {lv.reason}" if lv.reason else f"{v}: {where}")
        return ["Levels assumed (no data): " + "; ".join(said)
                + ". Pass data or levels={...} to state them."]
