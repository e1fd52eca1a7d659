"""The matrix vocabulary (y, X, Z, b, β, ε, G, Λθ, θ, u, I, n, q) belongs to the symbolic
model (mixeq/equations/matrices.py), and each estimate is attached to its symbol."""
from __future__ import annotations

import dataclasses

import pytest

from mixeq.equations import render, symbolic_model
from mixeq.equations.forms.registry import form
from mixeq.equations.matrices import MatrixSymbols
from mixeq.equations.tree import Sym

from .helpers import model
from .test_estimates import LmeFit

HAND_SPELLED = {"X", "Z", "b", "y", "Y", "G", "u", "q", "I", "Lambda", "theta"}


@dataclasses.dataclass(frozen=True)
class Renamed(MatrixSymbols):
    """Every matrix symbol spelled otherwise: a form that still writes X, Z … spells
    them by hand instead of asking the symbolic model."""

    beta: Sym = Sym("BETA")
    G: Sym = Sym("GG")
    u: Sym = Sym("uu")
    n: Sym = Sym("nn")
    q: Sym = Sym("qq")

    @staticmethod
    def y(tokens=()):
        return Sym("yy", tuple(tokens))

    @staticmethod
    def X(tokens=()):
        return Sym("XX", tuple(tokens))

    @staticmethod
    def Z(tokens=(), tag=None):
        return Sym("ZZ", tuple(tokens), tag)

    @staticmethod
    def b(tokens=(), tag=None):
        return Sym("bb", tuple(tokens), tag)

    @staticmethod
    def eps(tokens=()):
        return Sym("EPS", tuple(tokens))

    @staticmethod
    def identity(size):
        return Sym("II", (size,))

    @staticmethod
    def theta(k=None):
        return Sym("TH", () if k is None else (str(k),))

    @property
    def Lambda(self):
        return Sym("LL", (self.theta(),))

    @staticmethod
    def rows(tokens=()):
        return Sym("nn", tuple(tokens))


def _symbols(node, out):
    if isinstance(node, Sym):
        out.add(node.base)
        for t in (*node.sub, node.sup):
            _symbols(t, out)
    elif isinstance(node, (tuple, list)):
        for n in node:
            _symbols(n, out)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            _symbols(getattr(node, f.name), out)
    return out


@pytest.mark.parametrize("name", ["stacked", "matrix", "observation", "explain"])
@pytest.mark.parametrize("formula", ["score ~ x + (1 + x | g)",
                                     "score ~ x + (1 | g) + (0 + x | g)",
                                     "score ~ 1 + (1 | plate) + (1 | sample)",
                                     "score ~ x"])
def test_matrix_forms_ask_the_symbolic_model_for_their_matrices(name, formula):
    sm = symbolic_model(formula)
    if name == "matrix" and sm.crossed:
        return
    default = _symbols(form(name).build(sm).blocks, set())
    sm.matrices = Renamed()
    sm._build_theta()
    written = _symbols(form(name).build(sm).blocks, set())
    assert not (written & HAND_SPELLED), (name, formula, written & HAND_SPELLED)
    assert default & HAND_SPELLED or name == "observation"  # the check can fail


def test_every_parameter_symbol_carries_its_estimate():
    sm = symbolic_model(model("sleepstudy_slope"))
    kinds = {}
    for sym, est in sm.estimated.items():
        kinds.setdefault(est.kind, []).append(sym)
    assert {f.symbol for f in sm.fixed} == set(kinds["fixef"])
    taus = {e for cov in sm.covariances for row in cov.matrix for e in row if isinstance(e, Sym)}
    assert taus == set(kinds["cov"]) and len(taus) == 3
    assert kinds["theta"] == [sm.matrices.theta(k) for k in (1, 2, 3)]
    assert [s.base for s in kinds["sigma2"]] == ["sigma"]


def test_theta_in_lambda_is_lme4s_by_its_symbol():
    fit = LmeFit("sleepstudy_slope_reml", "sleepstudy_slope")
    fit.theta = fit.ref["theta"]  # lme4: 0.9667, 0.0152, 0.2309
    lam = render(fit, "stacked", "text", use_estimates=True, digits=4).tree.row("Lambda")
    cells = [c.value for row in lam.relation.rhs.right.rows for c in row]
    assert cells == [0.9667417739674120, 0, 0.0151690588960361, 0.230909953207795]
