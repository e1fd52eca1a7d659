"""Generalized linear mixed models as textbooks write them, read back: the family and
the link (McCullagh & Nelder 1989, ch. 2; Raudenbush & Bryk 2002, ch. 10; Gelman & Hill
2007, ch. 14–15):

    y_ij | β_0j ~ Bernoulli(p_ij)      Binomial(n_ij, p_ij)      Poisson(λ_ij)
    logit(p_ij) = η_ij = β_0j + β_1j x_ij        (or η_ij = … on its own line)
    Φ^{-1}(p_ij) = …    log(λ_ij) = log(t_ij) + β_0j + …     (an offset: no coefficient)
    Pr(y_i = 1) = logit^{-1}(α_j[i] + β x_i)     p_i = logit^{-1}(…)     (Gelman–Hill)

Each link equation becomes a level-1 equation of the outcome with no residual (the
level-1 randomness is the distribution itself); the walk then reads it as any other.
What is wrong is said: no link written, a link outside the distribution's usual domain,
a link of another mean than the distribution's, no distribution line (and, after the
walk, an ε at level 1: reader/walk_final.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from mixeq.reader import diagnostics as D
from mixeq.reader.lines import Statement
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.parser import ParseError
from mixeq.reader.symbols import VAR, SymInfo, classify
from mixeq.reader.syntax import Call, Group, Prod, Relation, Sym, symbols_of
from mixeq.reader.terms import expand
from mixeq.reader.vocabulary import GLM_DISTRIBUTIONS, INVERSE_LINKS, LINKS

# The link a family takes when none is written (R's canonical links), the family a
# link implies when no distribution is written, and the links that keep the mean in
# the distribution's domain (p in (0, 1), λ > 0).
CANONICAL = {"binomial": "logit", "poisson": "log"}
FAMILY_OF_LINK = {"logit": "binomial", "probit": "binomial", "cloglog": "binomial",
                  "log": "poisson"}
USUAL = {"binomial": ("logit", "probit", "cloglog"), "poisson": ("log",)}
DISTRIBUTION_NAME = {"binomial": "Bernoulli", "poisson": "Poisson"}
DOMAIN = {"binomial": "a probability p in (0, 1)", "poisson": "a mean λ > 0"}

_MEAN_OF = re.compile(r"mean of\s*\$?\s*([^$\s]+?)\s*\$?\s+given")
_WRAPPED = re.compile(r"\}\s*\\\\(?:\[[^\]]*\])?\s*&?\s*(?:\\quad\s*)?\\text\{")
_TRIALS = re.compile(r"number of trials of\s+(cbind\([^()]*\))")


@dataclass
class Family:
    """A distribution line ``y_ij | … ~ Bernoulli(p_ij)``."""

    statement: Statement
    family: str
    response: Sym
    mean: object | None
    trials: object | None
    name: str


@dataclass
class Link:
    """A link equation: the ``link`` of ``mean`` (or of ``response``'s mean, for
    ``Pr(y_i = 1)`` and ``E[y_ij]``) equals ``predictor``."""

    statement: Statement
    link: str
    mean: Sym | None
    response: Sym | None
    predictor: object


@dataclass
class GLMRead:
    """The family and link read: ``family`` (binomial, poisson), ``link`` (logit, probit,
    cloglog, log), ``response`` (the formula's left side: ``y``, ``cbind(s, f)``)."""

    family: str
    link: str
    response: str | None = None

    def glmer(self) -> str:
        return f'{self.family}(link = "{self.link}")'


# -- while the lines are sorted -------------------------------------------------------
def read_distribution(doc: Document, st: Statement, tree: Relation) -> bool:
    """``y_ij | β_0j ~ Bernoulli(p_ij)``: record it (True), or not a GLM line (False)."""
    rhs = tree.rhs
    if not (isinstance(rhs, Call) and rhs.func in GLM_DISTRIBUTIONS and rhs.args):
        return False
    family = GLM_DISTRIBUTIONS[rhs.func]
    trials = rhs.args[0] if family == "binomial" and len(rhs.args) > 1 else None
    response = _proportion(tree.lhs, trials)
    if response is not None:  # n_ij y_ij ~ Binomial(n_ij, p_ij): a proportion y with
        trials = None         # its trials as prior weights (glmer's y ~ …, weights = n)
    elif isinstance(tree.lhs, Sym):
        response = tree.lhs
    else:
        return False
    mean = rhs.args[-1]
    if isinstance(mean, Call) and mean.func in INVERSE_LINKS and mean.args:
        doc.glm_links.append(Link(st, INVERSE_LINKS[mean.func], None, response, mean.args[0]))
        mean = None
    doc.glm_families.append(Family(st, family, response, mean, trials, rhs.func))
    return True


def _proportion(lhs, trials) -> Sym | None:
    """``size_ij prop_ij``: the proportion, when the other factor is the trials."""
    if not (isinstance(lhs, Prod) and len(lhs.factors) == 2 and isinstance(trials, Sym)
            and all(isinstance(f, Sym) for f in lhs.factors)):
        return None
    a, b = lhs.factors
    if _key(a) == _key(trials):
        return b
    return a if _key(b) == _key(trials) else None


def read_link(doc: Document, st: Statement, tree: Relation) -> bool:
    """``logit(p_ij) = …``, ``Pr(y_i = 1) = logit^{-1}(…)``, ``p_i = logit^{-1}(…)``."""
    lhs, rhs = tree.lhs, tree.rhs
    if isinstance(lhs, Call) and lhs.func in LINKS and len(lhs.args) == 1:
        if LINKS[lhs.func] == "log" and not doc.glm_families and _has_residual(rhs):
            return False  # log(y_ij) = … + ε_ij: a linear model of log(y)
        mean, response = _mean_or_response(lhs.args[0])
        doc.glm_links.append(Link(st, LINKS[lhs.func], mean, response, rhs))
        return True
    inverse = rhs.func if isinstance(rhs, Call) and rhs.func in INVERSE_LINKS else None
    if inverse is None or len(rhs.args) != 1:
        return False
    if isinstance(lhs, Call) and lhs.func == "Pr" and len(lhs.args) == 1 \
            and isinstance(lhs.args[0], Relation) and isinstance(lhs.args[0].lhs, Sym):
        doc.glm_links.append(Link(st, INVERSE_LINKS[inverse], None, lhs.args[0].lhs,
                                  rhs.args[0]))
        return True
    if isinstance(lhs, Sym):
        doc.glm_links.append(Link(st, INVERSE_LINKS[inverse], lhs, None, rhs.args[0]))
        return True
    return False


def read_linear_predictor(doc: Document, st: Statement, tree: Relation) -> bool:
    """``η_ij = β_0j + …`` (the linear predictor on its own line)."""
    if isinstance(tree.lhs, Sym) and tree.lhs.name == "eta":
        doc.linear_predictors.append((st, tree))
        return True
    return False


def _mean_or_response(node) -> tuple[Sym | None, Sym | None]:
    """``p_ij`` → (p_ij, None); ``E[y_ij]`` or ``E(y_ij)`` → (None, y_ij)."""
    if isinstance(node, Sym):
        return node, None
    if isinstance(node, Prod) and len(node.factors) == 2 and isinstance(node.factors[0], Sym) \
            and node.factors[0].name == "E" and isinstance(node.factors[1], Group):
        inner = node.factors[1].items()
        if len(inner) == 1 and isinstance(inner[0], Sym):
            return None, inner[0]
    return None, None


def _has_residual(node) -> bool:
    try:
        monomials = expand(node)
    except ParseError:
        return False
    return any(e.base == "e" and not e.numbers for m in monomials for e in m.errors)


# -- once every line is read -----------------------------------------------------------
def hints(text: str) -> dict:
    """What mixeq's own output says in prose: the outcome of a one-observation form (``the
    mean of y_1j given the random effects``) and a binomial's cbind() response."""
    out = {}
    text = _WRAPPED.sub(" ", text)  # a sentence wrapped over \\text{…} lines: one again
    found = _MEAN_OF.search(text)
    if found:
        from mixeq.reader.tokens import NAME, tokenize

        name = next((t.value for t in tokenize(found.group(1)) if t.kind == NAME), None)
        if name:
            out["response"] = name
    trials = _TRIALS.search(text)
    if trials:
        out["cbind"] = trials.group(1)
    return out


def finish(doc: Document, hint: dict | None = None) -> None:
    """Pair the distribution with the link equations; each link equation becomes a level-1
    equation of the outcome (no residual); ``doc.glm`` the family and link."""
    hint = hint or {}
    fams, links = doc.glm_families, doc.glm_links
    if not fams and not links:
        _unused_predictors(doc)
        return
    fam = fams[0] if fams else None
    written = [lk.link for lk in links]
    family = fam.family if fam else FAMILY_OF_LINK.get(written[0], "binomial")
    response = _response(doc, fam, links, hint)
    if not links:
        links = _unlinked(doc, fam, family)
    link = links[0].link if links else CANONICAL[family]
    for lk in links:
        if fam is not None and isinstance(fam.mean, Sym) and lk.mean is not None \
                and _key(lk.mean) != _key(fam.mean):
            mean_mismatch(doc, fam, lk)
        _level1(doc, lk, response)
    if fam is None and links and "response" not in hint and links[0].response is None:
        no_distribution(doc, links[0], family, response)
    if link not in USUAL[family]:
        link_domain(doc, fam, links[0] if links else None, family, link)
    doc.glm = GLMRead(family, link, _formula_response(fam, response, hint))
    _unused_predictors(doc)


def _key(sym: Sym) -> tuple:
    info = classify(sym)
    return info.base, info.index


def _response(doc: Document, fam: Family | None, links: list[Link], hint: dict) -> Sym:
    if fam is not None:
        return fam.response
    for lk in links:
        if lk.response is not None:
            return lk.response
    if "response" in hint:
        like = links[0].mean if links and links[0].mean is not None else None
        sub = like.sub if like is not None else None
        return Sym(hint["response"], like.start if like else 0, like.end if like else 0, sub)
    return links[0].mean if links and links[0].mean is not None else Sym("y", 0, 0)


def _formula_response(fam: Family | None, response: Sym, hint: dict) -> str | None:
    """``cbind(s, f)`` (the legend names the failures), ``cbind(s, n - s)`` (the trials
    n of Binomial(n_ij, p_ij)), or None: the outcome's own name."""
    if fam is None or fam.family != "binomial" or fam.trials is None:
        return None
    y = classify(response).base
    cbind = hint.get("cbind")
    if cbind and cbind[len("cbind("):].split(",")[0].strip() == y:
        return cbind
    trials = classify(fam.trials).base if isinstance(fam.trials, Sym) else "n"
    return f"cbind({y}, {trials} - {y})"


def _predictor(doc: Document, lk: Link):
    """The linear predictor: ``η_ij`` looked up in its own equation."""
    node = lk.predictor
    if isinstance(node, Sym) and node.name == "eta":
        for st, tree in doc.linear_predictors:
            if _key(tree.lhs) == _key(node):
                doc.linear_predictors.remove((st, tree))
                return tree.rhs
    return node


def _level1(doc: Document, lk: Link, response: Sym) -> None:
    predictor = _predictor(doc, lk)
    try:
        monomials = expand(predictor)
    except ParseError as err:
        from mixeq.reader.document import parse_failure

        parse_failure(doc, lk.statement, err)
        return
    if any("[" in s.sub.raw for s in symbols_of(predictor) if s.sub is not None):
        doc.gelman_hill = True  # α_j[i]: Gelman–Hill's varying coefficients
    info = classify(response)
    if info.role != VAR:  # the outcome, whatever its letter (p, b, u): a variable
        info = SymInfo(VAR, response.name, info.index, response)
    doc.level1_candidates.append(Equation(lk.statement, Relation(response, "=", predictor),
                                          info, monomials, implicit_residual=True))


def _unlinked(doc: Document, fam: Family, family: str) -> list[Link]:
    """No link written: the mean (p_ij = β_0j + …) or the outcome (y_ij = β_0j + …)
    equated to the linear predictor. Remarked on; read with the family's usual link."""
    targets = [t for t in (fam.mean, fam.response) if isinstance(t, Sym)]
    for pool in (doc.level1_candidates, doc.definitions):
        for eq in list(pool):
            if any(_key(eq.tree.lhs) == _key(t) for t in targets if isinstance(eq.tree.lhs, Sym)):
                pool.remove(eq)
                is_y = _key(eq.tree.lhs) == _key(fam.response)
                lk = Link(eq.statement, CANONICAL[family], None if is_y else eq.tree.lhs,
                          eq.tree.lhs if is_y else None, eq.tree.rhs)
                no_link(doc, fam, eq, family)
                return [lk]
    no_link(doc, fam, None, family)
    return []


def _written(doc: Document, node) -> str:
    return doc.source[node.start:node.end]


def no_link(doc: Document, fam: Family, eq: Equation | None, family: str) -> None:
    link = CANONICAL[family]
    mean = _written(doc, fam.mean) if isinstance(fam.mean, Sym) else "the mean"
    if eq is not None:
        lhs = _written(doc, eq.tree.lhs)
        g = "\\operatorname{logit}" if doc.latex and link == "logit" else link
        corrected = eq.text.replace(lhs, f"{g}({mean})", 1) if lhs != mean else \
            eq.text.replace(lhs, f"{g}({lhs})", 1)
        D.emit(doc.diagnostics, D.GLMM_NO_LINK, eq.line, eq.text,
               f"the outcome is {fam.name}-distributed ({fam.statement.text.strip()}), but "
               f"this equation sets {lhs} to the linear predictor without a link, which can "
               f"leave {DOMAIN[family]}; mixeq reads it with the {link} link, the usual one: "
               f"write {link}({mean}) = ….", corrected)
        return
    D.emit(doc.diagnostics, D.GLMM_NO_LINK, fam.statement.line, fam.statement.text,
           f"a {fam.name} distribution, but no equation says how its mean {mean} depends on "
           f"the predictors: add {link}({mean}) = β_0j + … (the linear predictor).")


def no_distribution(doc: Document, lk: Link, family: str, response: Sym) -> None:
    mean = _written(doc, lk.mean) if lk.mean is not None else "the mean"
    D.emit(doc.diagnostics, D.GLMM_NO_DISTRIBUTION, lk.statement.line, lk.statement.text,
           f"a {lk.link} link of {mean}, but no line says how the outcome is distributed; "
           f"mixeq reads the {family} family ({lk.link}'s usual) with {response.name} as "
           f"the outcome: add y_ij ~ {DISTRIBUTION_NAME[family]}({mean}).")


def mean_mismatch(doc: Document, fam: Family, lk: Link) -> None:
    D.emit(doc.diagnostics, D.GLMM_MEAN_MISMATCH, lk.statement.line, lk.statement.text,
           f"the link is applied to {_written(doc, lk.mean)}, but the distribution's mean is "
           f"{_written(doc, fam.mean)} ({fam.statement.text.strip()}): the link equation "
           f"models the mean of the outcome, write {lk.link}({_written(doc, fam.mean)}).",
           lk.statement.text.replace(_written(doc, lk.mean), _written(doc, fam.mean), 1))


def link_domain(doc: Document, fam: Family | None, lk: Link | None, family: str,
                 link: str) -> None:
    st = lk.statement if lk is not None else fam.statement
    usual = " or ".join(USUAL[family])
    D.emit(doc.diagnostics, D.GLMM_LINK_DOMAIN, st.line, st.text,
           f"the {link} link with the {family} family: its mean is {DOMAIN[family]}, which "
           f"the {link} link does not map onto the whole line (the linear predictor can "
           f"reach values the mean cannot take); use {usual}.")


def _unused_predictors(doc: Document) -> None:
    for st, _ in doc.linear_predictors:
        D.emit(doc.diagnostics, D.NOT_AN_EQUATION, st.line, st.text,
               "η (the linear predictor) is defined here, but no link equation uses it: "
               "write logit(p_ij) = η_ij (or log(λ_ij) = η_ij) and the outcome's "
               "distribution.")
    doc.linear_predictors.clear()
