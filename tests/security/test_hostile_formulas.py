"""Formulas and equations are data: hostile text never runs code (issue 8, section 1).

Every payload tries to create a canary file; each test asserts a clean
MixeqError (or a clean exit of the command line) and that the canary does not exist.
"""
from __future__ import annotations

import json
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import mixeq
from mixeq.cli.main import main
from mixeq.errors import FormulaSyntaxError, MixeqError

USER_ERROR = 2  # the CLI's exit code for a user error (1 is kept for bugs; issue 8)


def payloads(canary: str) -> dict[str, str]:
    """Code that would create ``canary`` if it ran, in the shapes an attacker tries."""
    path = repr(str(canary))
    return {
        "import": f"__import__('os').system('touch ' + {path})",
        "open": f"open({path}, 'w')",
        "eval": f"eval(\"open({path}, 'w')\")",
        "exec": f"exec(\"open({path}, 'w')\")",
        "attribute": f"x.__class__.__base__.__subclasses__()",
        "lambda": f"(lambda: open({path}, 'w'))()",
        "comprehension": f"[open({path}, 'w') for _ in x]",
        "dunder": f"__builtins__['open']({path}, 'w')",
        "numpy": f"np.save({path}, x)",
        "braces": "{open(" + path + ", 'w')}",
        "nested": f"log(abs(sqrt(open({path}, 'w'))))",
    }


def positions(code: str) -> dict[str, str]:
    """The payload in every part of a formula."""
    return {
        "response": f"log(y + {code}) ~ x + (1 | g)",
        "response_cbind": f"cbind(y, {code}) ~ x + (1 | g)",
        "fixed": f"y ~ x + log({code}) + (1 | g)",
        "fixed_bare": f"y ~ x + {code} + (1 | g)",
        "C_argument": f"y ~ C(f, {code}) + (1 | g)",
        "C_data": f"y ~ C({code}) + (1 | g)",
        "random_lhs": f"y ~ x + (1 + log({code}) | g)",
        "group": f"y ~ x + (1 | {code})",
        "group_call": f"y ~ x + (1 | g:log({code}))",
        "offset": f"y ~ x + offset({code}) + (1 | g)",
        "power": f"y ~ I(x ** {code}) + (1 | g)",
        "transform_keyword": f"y ~ poly(x, degree={code}) + (1 | g)",
    }


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 60
    return pd.DataFrame({"y": rng.normal(size=n), "x": rng.normal(size=n),
                         "g": np.repeat(list("abcdef"), 10), "f": np.tile(list("uvw"), 20)})


CASES = [(kind, where) for kind in payloads("c") for where in positions("")]


@pytest.mark.parametrize("kind, where", CASES)
def test_api_refuses_before_anything_runs(tmp_path, kind, where):
    canary = tmp_path / "canary"
    formula = positions(payloads(canary)[kind])[where]
    data = _data()
    before = data.copy()
    for call in (lambda: mixeq.parse(formula), lambda: mixeq.Model(formula, data),
                 lambda: mixeq.fit(formula, data), lambda: mixeq.render(formula)):
        with pytest.raises(MixeqError) as info:
            call()
        assert not canary.exists(), f"{kind} in {where} ran: {formula}"
        assert "Traceback" not in str(info.value)
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("where", list(positions("")))
def test_parse_error_points_at_the_payload(tmp_path, where):
    canary = tmp_path / "canary"
    formula = positions(payloads(canary)["import"])[where]
    with pytest.raises(FormulaSyntaxError) as info:
        mixeq.parse(formula)
    assert info.value.position is not None
    assert formula[info.value.position:].startswith(("__import__", "(1 | __import__", "__"))
    assert not canary.exists()


def test_a_hand_made_spec_is_checked_before_evaluation(tmp_path):
    """A ModelSpec built by hand (not by parse) is checked when it meets data."""
    canary = tmp_path / "canary"
    bad = f"open({str(canary)!r}, 'w')"
    data = _data()
    specs = [
        mixeq.ModelSpec(bad, True, ("x",), ()),
        mixeq.ModelSpec("y", True, (f"log({bad})",), ()),
        mixeq.ModelSpec("y", True, ("x",), (mixeq.RandomTerm(True, (bad,), ("g",)),)),
        mixeq.ModelSpec("y", True, ("x",), (mixeq.RandomTerm(True, (), (bad,)),)),
        mixeq.ModelSpec("y", True, ("x",), (), offsets=(bad,)),
    ]
    for spec in specs:
        with pytest.raises(MixeqError):
            mixeq.Model(spec, data)
        assert not canary.exists()


EQUATION_WRAPPERS = [r"\operatorname{%s}", r"\mathrm{%s}", r"\text{%s}", "%s"]


@pytest.mark.parametrize("wrapper", EQUATION_WRAPPERS)
@pytest.mark.parametrize("kind", ["import", "open", "nested"])
def test_equations_never_copy_code_into_the_formula(tmp_path, wrapper, kind):
    canary = tmp_path / "canary"
    code = payloads(canary)[kind]
    name = wrapper % code
    text = (r"y_{ij} = \beta_{0j} + \beta_{1j} " + name + r"_{ij} + e_{ij}" "\n"
            r"\beta_{0j} = \gamma_{00} + u_{0j}" "\n" r"\beta_{1j} = \gamma_{10}")
    data = _data().rename(columns={"g": "j"})
    result = mixeq.read_equations(text, data=data)
    assert not canary.exists()
    if result.spec is None:
        return  # not read as a model at all: nothing to evaluate
    for target in (result.spec, result.formula):
        with pytest.raises(MixeqError):
            mixeq.Model(target, data)
        assert not canary.exists()


def test_equation_names_become_columns_in_backticks():
    text = (r"y_{ij} = \beta_{0j} + \beta_{1j} \operatorname{open('f', 'w')}_{ij} + e_{ij}" "\n"
            r"\beta_{0j} = \gamma_{00} + u_{0j}" "\n" r"\beta_{1j} = \gamma_{10}")
    result = mixeq.read_equations(text)
    assert "`open('f', 'w')`" in result.formula
    data = pd.DataFrame({"y": np.arange(8.0), "open('f', 'w')": [1, 3, 2, 5, 4, 6, 8, 7.0],
                         "j": list("aabbccdd")})
    model = mixeq.Model(result.formula, data)   # a strange column name is just a column
    assert list(model.X.columns) == ["(Intercept)", "`open('f', 'w')`"]  # R's name of it


def test_only_explicit_transforms_are_called():
    data = _data().assign(p=lambda d: 1 / (1 + np.exp(-d.x)))
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731 - a user's function
    with pytest.raises(FormulaSyntaxError, match=r"unknown function 'logit\(\)'.*transforms="):
        mixeq.Model("y ~ logit(p) + (1 | g)", data)
    model = mixeq.Model("y ~ logit(p) + (1 | g)", data, transforms={"logit": logit})
    np.testing.assert_allclose(model.X["logit(p)"], data.x, rtol=1e-10)
    fit = mixeq.fit("y ~ logit(p) + (1 | g)", data, transforms={"logit": logit})
    assert list(fit.fixef.index) == ["(Intercept)", "logit(p)"]
    np.testing.assert_allclose(fit.predict(data.iloc[:5]), fit.fitted[:5], rtol=1e-10)


@pytest.mark.parametrize("transforms, words", [
    ({"__import__": print}, "not a usable function name"),
    ({"os.system": print}, "not a usable function name"),
    ({"log": print}, "already a formula function"),
    ({"f": 3}, "must be a function"),
    (["f"], "mapping"),
])
def test_transforms_are_checked(transforms, words):
    with pytest.raises(MixeqError, match=words):
        mixeq.Model("y ~ x + (1 | g)", _data(), transforms=transforms)


CLI_COMMANDS = [
    ["design", "{formula}", "--data", "{csv}"],
    ["design", "{formula}", "--data", "{csv}", "--json"],
    ["fit", "{formula}", "--data", "{csv}"],
    ["explain", "{formula}", "--data", "{csv}"],
    ["explain", "{formula}"],
]


@pytest.mark.parametrize("command", CLI_COMMANDS, ids=lambda c: " ".join(c[:1] + c[3:]))
@pytest.mark.parametrize("where", ["response", "fixed", "C_argument", "random_lhs", "group"])
def test_cli_refuses_in_every_command(tmp_path, capsys, command, where):
    canary = tmp_path / "canary"
    csv = tmp_path / "d.csv"
    _data().to_csv(csv, index=False)
    formula = positions(payloads(canary)["import"])[where]
    argv = [a.format(formula=formula, csv=csv) for a in command]
    assert main(argv) == USER_ERROR
    captured = capsys.readouterr()
    err = captured.err
    assert not canary.exists()
    if "--json" in argv:  # the error is a JSON object on stdout, pointing at the payload
        error = json.loads(captured.out)["error"]
        assert "Traceback" not in err and error["type"] == "FormulaSyntaxError"
        assert formula[error["position"]:].startswith("__import__")
    else:
        assert "Traceback" not in err and "double underscores" in err


@pytest.mark.parametrize("wrapper", EQUATION_WRAPPERS[:3])
def test_cli_check_with_data(tmp_path, capsys, wrapper):
    canary = tmp_path / "canary"
    csv = tmp_path / "d.csv"
    _data().rename(columns={"g": "j"}).to_csv(csv, index=False)
    eqs = tmp_path / "eq.tex"
    eqs.write_text(r"y_{ij} = \beta_{0j} + \beta_{1j} " + wrapper % payloads(canary)["open"]
                   + r"_{ij} + e_{ij}" "\n" r"\beta_{0j} = \gamma_{00} + u_{0j}" "\n"
                   r"\beta_{1j} = \gamma_{10}")
    code = main(["check", str(eqs), "--data", str(csv)])
    out = capsys.readouterr().out
    assert not canary.exists()
    assert code == 3   # remarks: the strange name reported as a name, or not read at all
    assert "is not a column of the data" in out or "[parse-error]" in out


def test_cli_subprocess_the_issue_reproduction(tmp_path):
    """The issue's own command: `mixeq design "log(Reaction + __import__('os')…"`."""
    canary = tmp_path / "x"
    from conftest import DATA

    formula = (f"log(Reaction + __import__('os').system('id > {canary}')) ~ Days "
               "+ (1|Subject)")
    proc = subprocess.run([sys.executable, "-m", "mixeq", "design", formula, "--data",
                           str(DATA / "sleepstudy.csv")], capture_output=True, text=True)
    assert proc.returncode == USER_ERROR
    assert "double underscores" in proc.stderr and "Traceback" not in proc.stderr
    assert not canary.exists()


def test_the_canary_does_detect_code_that_runs(tmp_path):
    """The canary check can fail: a function the caller passes explicitly runs
    and creates it (so its absence above means the payloads did not run)."""
    canary = tmp_path / "canary"

    def touch(x):
        canary.touch()
        return x

    mixeq.Model("y ~ touch(x) + (1 | g)", _data(), transforms={"touch": touch})
    assert canary.exists()


def test_lookalike_names_are_not_read_as_other_names():
    """Python reads identifiers in NFKC form: fullwidth 'ｘ' is 'x' inside a function call
    (a silent wrong column) and could spell a builtin; refused at the spot."""
    data = _data().assign(**{"ｘ": 100.0})
    with pytest.raises(FormulaSyntaxError, match="reads 'ｘ' as 'x'") as info:
        mixeq.Model("y ~ log(ｘ) + (1 | g)", data)
    assert info.value.position == 8
    model = mixeq.Model("y ~ ｘ + x + (1 | g)", data.assign(**{"ｘ": np.arange(60.0)}))
    assert list(model.X.columns) == ["(Intercept)", "ｘ", "x"]   # outside calls: a lookup
    with pytest.raises(FormulaSyntaxError, match="not part of the formula language"):
        mixeq.parse("y ~ log(x) + \uff3f\uff3fimport\uff3f\uff3f")   # fullwidth low lines
