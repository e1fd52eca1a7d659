"""Random text and random mutations of valid equations never raise: every
failure is a diagnostic."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mixeq.reader import read_equations
from mixeq.reader.diagnostics import Diagnostic

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
VALID = [
    (FIXTURES / "cross_level_as_written.tex").read_text(),
    "y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*w_j + u0j\nb1j = g10 + u1j\n"
    "(u0j, u1j)' ~ N(0, [t00, 0; 0, t11])",
    "yᵢⱼ = β₀ⱼ + β₁ⱼ xᵢⱼ + εᵢⱼ\nβ₀ⱼ = γ₀₀ + U₀ⱼ\nβ₁ⱼ = γ₁₀ + U₁ⱼ\n"
    "          ⎛ U₀ⱼ ⎞ ∼ N⎛ ⎛ 0 ⎞, T ⎞\n          ⎝ U₁ⱼ ⎠    ⎝ ⎝ 0 ⎠    ⎠\n"
    "T = ⎡ τ₀₀   0  ⎤\n    ⎣  0   τ₁₁ ⎦\n- j = 1, …, J: Subject",
    r"""\begin{aligned}
&\text{Level 1:} & y_{ijk} &= \pi_{0jk} + \pi_{1jk} a_{ijk} + \varepsilon_{ijk} \\
&\text{Level 2:} & \pi_{0jk} &= \beta_{00k} + r_{0jk} \\ & & \pi_{1jk} &= \beta_{10k} \\
&\text{Level 3:} & \beta_{00k} &= \gamma_{000} + u_{00k} \\ & & \beta_{10k} &= \gamma_{100} \\
& & \begin{pmatrix} r_{0jk} \end{pmatrix} &\sim N\left(0, \tau_{\pi00}\right) \\
& & T &= \begin{bmatrix} \tau_{00} & 0 \\ 0 & \tau_{11} \end{bmatrix}
\end{aligned}""",
]
ALPHABET = list("yxbgeuUjik0123456789_{}()[]^'+-*=~,;&|\\ \n%$.") + [
    "\\beta", "\\gamma", "\\epsilon", "\\cdot", "\\sim", "\\left(", "\\right)", "\\\\",
    "\\begin{pmatrix}", "\\end{pmatrix}", "\\text{", "\\mathrm{", "β", "ⱼ", "₀", "⎛", "⎝",
    "⎞", "⎠", "⎡", "⎣", "⎤", "⎦", "N(", "T = ", "- j = 1: g",
]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def check(text: str) -> None:
    result = read_equations(text, render=False)
    assert "internal-error" not in result.codes(), result.diagnostics
    assert all(isinstance(d, Diagnostic) and d.code and d.message for d in result.diagnostics)
    assert result.spec is not None or result.diagnostics
    result.to_dict()
    str(result)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_never_raises(text):
    check(text)


@SETTINGS
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join))
def test_random_equation_soup_never_raises(text):
    check(text)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "insert", "swap"]))
        pos = draw(st.integers(0, max(0, len(text) - 1)))
        if kind == "delete" and text:
            text = text[:pos] + text[pos + 1:]
        elif kind == "insert":
            text = text[:pos] + draw(st.sampled_from(ALPHABET)) + text[pos:]
        elif len(text) > 1:
            other = draw(st.integers(0, len(text) - 1))
            chars = list(text)
            chars[pos], chars[other] = chars[other], chars[pos]
            text = "".join(chars)
    return text


@SETTINGS
@given(mutated())
def test_mutated_equations_never_raise(text):
    check(text)
