"""The matrix vocabulary of a model: y, X, Z, b, β, ε, G, Λθ, θ, u, I_n, n, q, o, W — the
names of lme4's model ``y = Xβ + Zb + ε``, ``b ~ N(0, G)``, ``b = Λθ u``
(Bates, Mächler, Bolker & Walker 2015, *J. Stat. Softw.* 67(1), §1–2).

The symbolic model owns one :class:`MatrixSymbols` (``sm.matrices``) as it owns the scalar
symbols (γ, U, τ): the stacked, matrix, observation and explain forms ask it for their
matrices, so one model never writes Z in two spellings, and θ_k is the same symbol in
Λθ, in the estimates and in the proof.
"""
from __future__ import annotations

from dataclasses import dataclass

from mixeq.equations.tree import Sym


@dataclass(frozen=True)
class MatrixSymbols:
    """Symbol makers; ``tokens`` index one cluster (X_j), ``tag`` one term or level
    (Z⁽¹⁾, Z⁽²⁾)."""

    beta: Sym = Sym("beta", kind="greek")
    G: Sym = Sym("G")
    u: Sym = Sym("u")
    n: Sym = Sym("n")
    q: Sym = Sym("q")

    @staticmethod
    def y(tokens: tuple = ()) -> Sym:
        """y for all rows, Y_j for the rows of cluster j."""
        return Sym("Y" if tokens else "y", tuple(tokens))

    @staticmethod
    def X(tokens: tuple = ()) -> Sym:
        return Sym("X", tuple(tokens))

    @staticmethod
    def Z(tokens: tuple = (), tag=None) -> Sym:
        return Sym("Z", tuple(tokens), tag)

    @staticmethod
    def b(tokens: tuple = (), tag=None) -> Sym:
        return Sym("b", tuple(tokens), tag)

    @staticmethod
    def eps(tokens: tuple = ()) -> Sym:
        return Sym("epsilon", tuple(tokens), kind="greek")

    @staticmethod
    def offset(tokens: tuple = ()) -> Sym:
        """o (o_j): the offsets, entering with coefficient 1."""
        return Sym("o", tuple(tokens))

    @staticmethod
    def W(tokens: tuple = ()) -> Sym:
        """W (W_j): the prior weights on the diagonal (Var(ε) = σ² W⁻¹)."""
        return Sym("W", tuple(tokens))

    @staticmethod
    def identity(size) -> Sym:
        """I_n, I_J, I_q: the identity of ``size`` rows (a Sym or an index text)."""
        return Sym("I", (size,))

    @staticmethod
    def theta(k: int | None = None) -> Sym:
        """θ (the vector), or its k-th element θ_k (lme4's order, from 1)."""
        return Sym("theta", () if k is None else (str(k),), kind="greek")

    @property
    def Lambda(self) -> Sym:
        """Λ_θ, lme4's relative covariance factor."""
        return Sym("Lambda", (self.theta(),), kind="greek")

    @staticmethod
    def rows(tokens: tuple = ()):
        """n_j, the rows of cluster j (n without tokens)."""
        return Sym("n", tuple(tokens)) if tokens else "n"
