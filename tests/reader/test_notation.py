"""The notations people type: LaTeX habits, plain text, Unicode, composite
input, three levels, distribution lines and covariance matrices."""
from __future__ import annotations

import pytest

import mixeq
from mixeq.reader import read_equations
from mixeq.reader.symbols import Index, parse_index
from mixeq.reader.tokens import tokenize

RANDOM_SLOPE = mixeq.parse("y ~ x + w + (1 + x | j)")


def spec_of(text: str, **opts):
    result = read_equations(text, render=False, **opts)
    assert result.diagnostics == [], "\n".join(map(str, result.diagnostics))
    return result.spec


@pytest.mark.parametrize("text", [
    # LaTeX with \cdot, \times, juxtaposition, \left( \right), & alignment, \\ and comments
    r"""\begin{aligned}
y_{ij} &= \beta_{0j} + \beta_{1j} \cdot x_{ij} + \epsilon_{ij} \\ % level 1
\beta_{0j} &= \gamma_{00} + \gamma_{01} \times w_{j} + U_{0j} \\
\beta_{1j} &= \gamma_{10} + U_{1j}
\end{aligned}""",
    r"""\begin{equation} y_{ij} = \beta_{0j} + \beta_{1j}\left(x_{ij}\right) + \varepsilon_{ij} \end{equation}
\begin{align*}
\beta_{0j} &= \gamma_{00} + \gamma_{01}\,\mathrm{w}_{j} + U_{0j}\\
\beta_{1j} &= \gamma_{10} + U_{1j}
\end{align*}""",
    r"""$$\text{Level 1: } \operatorname{y}_{ij} = \beta_{0j} + \beta_{1j}\,\text{x}_{ij} + e_{ij}$$
$$\text{Level 2: } \beta_{0j} = \gamma_{00} + \gamma_{01} {w_{j}} + u_{0j}, \quad \beta_{1j} = \gamma_{10} + u_{1j}$$""",
    # plain text, with and without underscores and stars
    "y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*w_j + u0j\nb1j = g10 + u1j",
    "Level 1: y_ij = b_0j + b_1j x_ij + r_ij\nLevel 2: b_0j = g_00 + g_01 w_j + u_0j\n"
    "b_1j = g_10 + u_1j",
    "y_ij = beta0j + beta1j x_ij + eps_ij\nbeta0j = gamma00 + gamma01 w_j + u0j\n"
    "beta1j = gamma10 + u1j  # the slope varies",
    # Unicode Greek with Unicode subscripts
    "yᵢⱼ = β₀ⱼ + β₁ⱼ·xᵢⱼ + εᵢⱼ\nβ₀ⱼ = γ₀₀ + γ₀₁ wⱼ + U₀ⱼ\nβ₁ⱼ = γ₁₀ + U₁ⱼ",
    # composite (single-equation) input
    r"y_{ij} = \gamma_{00} + \gamma_{01} w_{j} + \gamma_{10} x_{ij} + U_{0j} + U_{1j} x_{ij} + \varepsilon_{ij}",
    # the slope's random part factored out
    r"y_{ij} = \gamma_{00} + \gamma_{01} w_{j} + (\gamma_{10} + U_{1j}) x_{ij} + U_{0j} + \varepsilon_{ij}",
    # a continuation line
    "y_ij = b0j + b1j*x_ij\n     + e_ij\nb0j = g00 + g01*w_j + u0j\nb1j = g10 + u1j",
])
def test_the_same_model_in_many_spellings(text):
    assert spec_of(text) == RANDOM_SLOPE


def test_comma_separated_numbers_ten_and_above():
    text = r"""y_{ij} = \beta_{0j} + \beta_{10,j} x_{ij} + \varepsilon_{ij}
\beta_{0j} = \gamma_{0,0} + U_{0j}
\beta_{10,j} = \gamma_{10,0} + U_{10,j}"""
    assert spec_of(text) == mixeq.parse("y ~ x + (x | j)")
    assert parse_index("10,j") == Index(("10",), ("j",))
    assert parse_index("i(jk)") == Index((), ("i", "j", "k"))


def test_three_levels_pi_beta_gamma():
    text = """y_ijk = p0jk + p1jk*a_ijk + e_ijk
p0jk = b00k + b01k*X_jk + r0jk
p1jk = b10k
b00k = g000 + g001*W_k + u00k
b01k = g010
b10k = g100 + u10k"""
    result = read_equations(text, group_map={"j": "school", "k": "district"}, render=False)
    assert result.diagnostics == []
    assert result.spec == mixeq.parse(
        "y ~ a + X + W + (1 + a | district) + (1 | school:district)")
    assert result.levels == {"a": {"level": 1, "group": None},
                             "X": {"level": 2, "group": "school:district"},
                             "W": {"level": 3, "group": "district"}}


def test_cross_classified():
    text = r"""y_{i(jk)} = \beta_{0(jk)} + \varepsilon_{i(jk)}
\beta_{0(jk)} = \gamma_{00} + U_{0j} + V_{0k}"""
    spec = read_equations(text, group_map={"j": "plate", "k": "sample"}, render=False).spec
    assert spec == mixeq.parse("y ~ 1 + (1 | plate) + (1 | sample)")


def test_squared_predictor_and_products():
    text = "y_ij = b0j + b1j*x_ij + b2j*x_ij^2 + b3j*x_ij*z_ij + e_ij\nb0j = g00 + u0j\n" \
           "b1j = g10\nb2j = g20\nb3j = g30"
    assert spec_of(text) == mixeq.parse("y ~ x + I(x ** 2) + x:z + (1 | j)")


def test_no_intercept_when_gamma00_is_absent():
    text = "y_ij = b0j + b1j*x_ij + e_ij\nb0j = u0j\nb1j = g10"
    assert spec_of(text) == mixeq.parse("y ~ 0 + x + (1 | j)")


@pytest.mark.parametrize("distribution, expected", [
    ("", "y ~ x + (1 + x | j)"),
    (r"\begin{pmatrix} U_{0j} \\ U_{1j} \end{pmatrix} \sim N\left(\begin{pmatrix} 0 \\ 0 "
     r"\end{pmatrix}, \begin{pmatrix} \tau_{00} & \tau_{01} \\ \tau_{10} & \tau_{11} "
     r"\end{pmatrix}\right)", "y ~ x + (1 + x | j)"),
    (r"\begin{pmatrix} U_{0j} \\ U_{1j} \end{pmatrix} \sim N\left(0, \begin{bmatrix} "
     r"\tau_{00} & 0 \\ 0 & \tau_{11} \end{bmatrix}\right)", "y ~ x + (x || j)"),
    ("(U_{0j}, U_{1j})' \\sim N(0, T)\nT = \\begin{bmatrix} \\tau_{00} & \\\\ 0 & \\tau_{11} "
     "\\end{bmatrix}", "y ~ x + (x || j)"),
    ("(U_{0j}, U_{1j})^T \\sim MVN(0, \\operatorname{diag}(\\tau_{00}, \\tau_{11}))",
     "y ~ x + (x || j)"),
    ("U_{0j} \\sim N(0, \\tau_{00})\nU_{1j} \\sim N(0, \\tau_{11})", "y ~ x + (x || j)"),
    ("(U_{0j}, U_{1j})' \\sim N(0, T)\n\\tau_{01} = 0", "y ~ x + (x || j)"),
    ("\\operatorname{Cov}(U_{0j}, U_{1j}) = 0", "y ~ x + (x || j)"),
    ("(U_0j, U_1j)' ~ N(0, [t00, 0; 0, t11])", "y ~ x + (x || j)"),
    ("(U_0j, U_1j)' ~ N(0, [t00, t01; t01, t11])", "y ~ x + (x | j)"),
    ("ε_ij ~ N(0, σ²)", "y ~ x + (x | j)"),
])
def test_distribution_lines_decide_correlation(distribution, expected):
    text = r"""y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + \varepsilon_{ij}
\beta_{0j} = \gamma_{00} + U_{0j}
\beta_{1j} = \gamma_{10} + U_{1j}
""" + distribution
    assert spec_of(text) == mixeq.parse(expected)


def test_covariance_of_the_wrong_size():
    text = "y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j\n" \
           "(u0j, u1j)' ~ N(0, [t00, 0, 0; 0, t11, 0; 0, 0, t22])"
    result = read_equations(text, render=False)
    assert result.codes() == ["covariance-size"]
    assert result.spec == mixeq.parse("y ~ x + (x | j)")


def test_tokens_keep_positions():
    text = r"y_{ij} = \beta_{0j}"
    toks = tokenize(text)
    assert [(t.kind, t.value) for t in toks] == [
        ("NAME", "y"), ("SUB", "ij"), ("=", "="), ("NAME", "beta"), ("SUB", "0j")]
    assert text[toks[3].start:toks[3].end] == r"\beta"
    assert text[slice(*toks[4].inner)] == "0j"


def test_legend_names_the_groups():
    text = "y_ij = b0j + e_ij\nb0j = g00 + u0j\n- j = 1, …, J: Subject"
    assert spec_of(text) == mixeq.parse("y ~ 1 + (1 | Subject)")
    # an explicit group_map wins over the legend
    result = read_equations(text, group_map={"j": "person"}, render=False)
    assert result.spec == mixeq.parse("y ~ 1 + (1 | person)")


def test_input_is_not_changed():
    text = "y_ij = b0j + e_ij\nb0j = g00 + u0j"
    mapping = {"j": "g"}
    read_equations(text, group_map=mapping, render=False)
    assert mapping == {"j": "g"}


def test_crossed_factors_get_the_stacked_matrix_form():
    text = r"""y_{i(jk)} = \beta_{0(jk)} + \varepsilon_{i(jk)}
\beta_{0(jk)} = \gamma_{00} + U_{0j} + V_{0k}"""
    result = read_equations(text, format="text")
    assert result.matrix_form == "stacked" and "y = X β + Z b + ε" in result.matrix
    assert "Matrix form, stacked over all clusters:" in str(result)


def test_centred_predictor_is_one_variable():
    text = r"""y_{ij} = \beta_{0j} + \beta_{1j} (X_{ij} - \bar{X}_{\cdot j}) + r_{ij}
\beta_{0j} = \gamma_{00} + \gamma_{01} \bar{X}_{\cdot j} + u_{0j}
\beta_{1j} = \gamma_{10} + u_{1j}"""
    result = read_equations(text, render=False)
    assert result.diagnostics == []
    assert result.spec == mixeq.parse("y ~ I(X - X_bar) + X_bar + (1 + I(X - X_bar) | j)")
    assert result.levels["X_bar"] == {"level": 2, "group": "j"}
    assert result.levels["I(X - X_bar)"] == {"level": 1, "group": None}


@pytest.mark.parametrize("text, expected", [
    (r"""y_{i} \sim N(\alpha_{j[i]} + \beta_{1} x_{i}, \sigma^2) \\
\alpha_{j} \sim N(\mu_{\alpha}, \sigma^2_{\alpha}), \text{ for school } j = 1, \dots, J""",
     "y ~ x + (1 | school)"),
    ("y_i ~ N(mu_i, sigma^2)\nmu_i = b0 + b1*x_i + a_j[i]\na_j ~ N(0, s2)",
     "y ~ x + (1 | j)"),
    ("y_i ~ N(alpha_j[i] + beta_1j[i]*x_i, sigma^2)\n"
     "(alpha_j, beta_1j) ~ N((g0 + g1*m_j, g10), [s00, 0; 0, s11])",
     "y ~ x + m + (x || j)"),
])
def test_gelman_hill_notation(text, expected):
    assert spec_of(text) == mixeq.parse(expected)


def test_textbook_styles_mlwin_snijders_bosker_and_growth():
    mlwin = r"""\begin{aligned}
y_{ij} &= \beta_{0j} + \beta_{1j}\,\mathrm{standlrt}_{ij} + e_{ij}\\
\beta_{0j} &= \beta_{0} + u_{0j}\\
\beta_{1j} &= \beta_{1} + u_{1j}\\
\begin{bmatrix} u_{0j} \\ u_{1j} \end{bmatrix} &\sim N\left(0, \Omega_u\right),\quad
\Omega_u = \begin{bmatrix} \sigma^2_{u0} & \\ 0 & \sigma^2_{u1} \end{bmatrix}
\end{aligned}"""
    assert spec_of(mlwin) == mixeq.parse("y ~ standlrt + (standlrt || j)")
    snijders_bosker = r"Y_{ij} = \gamma_{00} + \gamma_{10} x_{ij} + U_{0j} + U_{1j} x_{ij} + R_{ij}"
    assert spec_of(snijders_bosker) == mixeq.parse("Y ~ x + (x | j)")
    growth = r"""Y_{ti} = \pi_{0i} + \pi_{1i} a_{ti} + e_{ti}
\pi_{0i} = \beta_{00} + \beta_{01} X_{i} + r_{0i}
\pi_{1i} = \beta_{10} + r_{1i}"""
    result = read_equations(growth, group_map={"i": "person"}, render=False)
    assert result.spec == mixeq.parse("Y ~ a + X + (a | person)") and not result.diagnostics
