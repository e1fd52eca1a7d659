"""No hang on equations (issue 8, section 4): the issue's large inputs give a result
(or a diagnostic), and reading stays linear (figures in benchmarks/bench_parse.py)."""
import mixeq
from mixeq.reader import diagnostics as D


def test_an_equation_summing_a_thousand_terms():
    n = 1000
    text = (r"y_{ij} = \beta_{0j} + " + " + ".join(rf"\beta_{{{k}j}} x{k}_{{ij}}"
                                                   for k in range(1, n)) + r" + e_{ij}" "\n"
            + r"\beta_{0j} = \gamma_{00} + u_{0j}" "\n"
            + "\n".join(rf"\beta_{{{k}j}} = \gamma_{{{k}0}}" for k in range(1, n)))
    assert len(text) > 25_000
    result = mixeq.read_equations(text, render=False)
    assert result.diagnostics == []
    assert len(result.spec.fixed) == n - 1 and result.spec.fixed[-1] == f"x{n - 1}"


def test_three_thousand_nested_distributions():
    text = r"y_i \sim " + r"N(" * 3000 + "0, 1" + ")" * 3000
    result = mixeq.read_equations(text)
    assert result.spec is None
    assert [d.code for d in result.diagnostics] == [D.PARSE_ERROR]
    assert "nested more than 100 brackets deep" in result.diagnostics[0].message


def test_nesting_below_the_limit_is_read():
    text = r"y_{ij} = \beta_{0j} + \beta_{1j} " + "(" * 90 + "x_{ij}" + ")" * 90 + r" + e_{ij}"
    assert mixeq.read_equations(text, render=False).formula == "y ~ 1 + x + (1 + x | j)"


def test_two_thousand_level2_equations():
    text = (r"y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + e_{ij}" "\n"
            + "\n".join(rf"\beta_{{{k}j}} = \gamma_{{{k}0}} + u_{{{k}j}}" for k in range(2000)))
    result = mixeq.read_equations(text, render=False)
    assert result.formula == "y ~ 1 + x + (1 + x | j)"
    unused = [d for d in result.diagnostics if d.code == D.UNUSED_LEVEL2]
    assert len(unused) == 1998 and unused[-1].line == 2001   # line numbers stay right


def test_many_continuation_lines():
    text = r"y_{ij} = \beta_{0j}" "\n" + "\n".join(rf"+ \beta_{{{k}j}} x{k}_{{ij}}"
                                                   for k in range(1, 500)) + "\n+ e_{ij}"
    result = mixeq.read_equations(text, render=False)
    assert result.spec is not None and len(result.spec.fixed) == 499
