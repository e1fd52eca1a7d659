"""Greek letters and Unicode sub/superscripts: the one table the equation writer
(:mod:`mixeq.equations`) and the equation reader (:mod:`mixeq.reader`) share.

The writer spells a Greek symbol by its name (``Sym("beta")`` → ``\\beta`` in LaTeX,
``β`` in text) and the reader turns ``\\beta`` or ``β`` back into the name, so both
must use one spelling: a letter the writer can print is a letter the reader can read.
This module is plain data (no imports), so the reader can load it without the writer.
"""
from __future__ import annotations

# Greek letter name (the LaTeX command without its backslash) → Unicode character.
GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
# LaTeX's variant shapes, read as the letter they are a shape of.
LATEX_VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varpi": "pi",
                  "varrho": "rho", "varsigma": "sigma", "varphi": "phi"}
# Every Greek command name LaTeX has (\beta, \varepsilon, …).
LATEX_GREEK = frozenset(GREEK_LETTERS) | frozenset(LATEX_VARIANTS)
# The shape the writer prints where it differs from the name: ε as \varepsilon (the
# textbooks' residual), so \epsilon's lunate ϵ never meets the reader's ε.
WRITTEN_LATEX = {"epsilon": "varepsilon"}
# Unicode Greek → name (the lunate ϵ and the variant shapes read as their letters).
UNICODE_GREEK = {**{ch: name for name, ch in GREEK_LETTERS.items()},
                 "ϵ": "epsilon", "ϑ": "theta", "ϖ": "pi", "ϱ": "rho", "ς": "sigma", "ϕ": "phi"}

# Plain character → its Unicode subscript / superscript (the characters Unicode has).
SUBSCRIPTS = dict(zip("0123456789aehijklmnoprstuvx+-=()",
                      "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₌₍₎", strict=True))
SUPERSCRIPTS = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=True))
# … and back: subscript / superscript character → the plain character.
FROM_SUBSCRIPT = {sub: ch for ch, sub in SUBSCRIPTS.items()}
FROM_SUPERSCRIPT = {sup: ch for ch, sup in SUPERSCRIPTS.items()}


def is_greek(name: str) -> bool:
    """``beta`` → True, ``U`` → False: whether a symbol's base is a Greek letter's name."""
    return name in LATEX_GREEK


def greek_latex(name: str) -> str:
    r"""``beta`` → ``\beta``; ``epsilon`` → ``\varepsilon`` (see :data:`WRITTEN_LATEX`)."""
    return "\\" + WRITTEN_LATEX.get(name, name)
