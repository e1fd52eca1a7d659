"""What the page says: data summary, every form, verify()'s checks, the fit's numbers
(lme4's), the comparison with its marked differences and lme4's likelihood-ratio test."""
from __future__ import annotations

import re
import warnings

import pytest

import mixeq
from conftest import DATA, load_dataset, load_reference
from mixeq.equations import FORMS
from mixeq.report.compare import colour_row, mark_differences, top_level_cells


def load_inference(name: str) -> dict:
    import json

    return json.loads((DATA / "inference" / f"{name}.json").read_text())


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_seedlike_page_has_data_forms_proof_fit_and_pictures(reports):
    html = reports["seedlike"].read_text(encoding="utf-8")
    words = text(html)
    ref = load_reference("seedlike_crosslevel")
    assert f"{ref['nobs']} observations" in words
    assert re.search(r"school \d+ level 2", words)
    assert "m level 2: constant within school" in words and "x level 1: varies within clusters" in words
    for form in FORMS:
        assert f'id="m1-form-{form}"' in html
    assert "with its numbers" in html and "Not shown for this model" not in html
    checks = mixeq.verify(mixeq.Model(ref["formula"], load_dataset("seedlike"))).checks
    assert html.count('<td class="status-') == len(checks) > 3
    assert "every form is the same model" in words
    fixed = html[html.index("<caption>Fixed effects"):]
    for name, value in ref["fixef"].items():  # lme4's estimates and standard errors
        row = re.search(rf'<th scope="row">{re.escape(name)}</th><td class="num">([^<]+)</td>'
                        r'<td class="num">([^<]+)</td>', fixed)
        assert float(row.group(1)) == pytest.approx(value, rel=1e-4)
        assert float(row.group(2)) == pytest.approx(ref["fixef_se"][name], rel=1e-3)
    for fig in ("z", "lambda", "caterpillar", "residuals", "qq"):
        assert f'id="m1-fig-{fig}"' in html


def test_sleepstudy_comparison_marks_the_covariance_and_shows_lme4s_test(reports):
    html = reports["sleepstudy"].read_text(encoding="utf-8")
    words = text(html)
    assert words.count("1 row differs") == 4  # T, in the multilevel and composite forms of both
    assert "random-effect terms — differs" in words and "fixed-effect columns — differs" not in words
    # lme4: anova(fm_uncorrelated, fm) gives Chisq 0.0639 on 1 df, p = 0.8004
    lrt = html[html.index("Likelihood-ratio test (mixeq.anova)"):]
    assert "0.06391" in lrt[:3000] and "0.8004" in lrt[:3000]


def test_fixed_effects_show_lmertest_df_p_and_wald_intervals(reports):
    """With the fit's coef_table() and confint(): lmerTest's Satterthwaite df and
    p-values, lme4's Wald intervals (confint(method = "Wald"): 238.029, 264.781)."""
    html = reports["sleepstudy"].read_text(encoding="utf-8")
    fixed = html[html.index("<caption>Fixed effects"):]
    fixed = fixed[:fixed.index("</table>")]
    head = re.findall(r'<th scope="col">([^<]*)</th>', fixed)
    assert head == ["", "Estimate", "Std. Error", "df", "t value", "Pr(&gt;|t|)", "2.5 %", "97.5 %"]
    cells = dict((m.group(1), re.findall(r'<td class="num">([^<]*)</td>', m.group(2))) for m in
                 re.finditer(r'<th scope="row">([^<]+)</th>(.*?)</tr>', fixed))
    ref = load_inference("sleepstudy_slope")["satterthwaite"]
    days = cells["Days"]
    assert float(days[2]) == pytest.approx(ref["df"]["Days"], rel=1e-3)
    assert float(days[4]) == pytest.approx(ref["Pr(>|t|)"]["Days"], rel=1e-3)
    assert cells["(Intercept)"][4] == "&lt; 2.2e-16"  # 1.17e-17, as R's format.pval
    assert float(cells["(Intercept)"][5]) == pytest.approx(238.0291, rel=1e-5)
    assert float(cells["(Intercept)"][6]) == pytest.approx(264.7811, rel=1e-5)


def test_penicillin_crossed_shows_both_factors(reports):
    html = reports["penicillin"].read_text(encoding="utf-8")
    words = text(html)
    assert "plate 24 level 2" in words and "sample 6 level 2" in words
    assert "Not shown for this model" in words  # one cluster's matrices: not for crossed factors
    assert "levels of plate 24" in words


def test_mark_differences_colours_only_rows_the_other_model_lacks():
    a = "\\begin{aligned}\ny &= a \\\\\nT &= \\begin{bmatrix} t & s \\\\ s & u \\end{bmatrix}\n\\end{aligned}"
    b = a.replace("t & s \\\\ s & u", "t & 0 \\\\ 0 & u")
    (ma, mb), counts = mark_differences([a, b])
    assert counts == [1, 1]
    assert ma.splitlines()[1] == "y &= a \\\\" and "\\color" in ma.splitlines()[2]
    assert mark_differences([a, a])[1] == [0, 0]  # the same model: nothing marked
    # cells are coloured at top level only, not inside the matrix
    row = "T &= \\begin{bmatrix} t & s \\end{bmatrix}"
    assert len(top_level_cells(row)) == 1 and colour_row(row).count("\\color") == 2


def test_report_takes_models_and_fits_only(tmp_path):
    with pytest.raises(mixeq.MixeqError, match="Models or fits"):
        mixeq.report.report("y ~ x", path=tmp_path / "x.html")
    with pytest.raises(mixeq.MixeqError, match="labels"):
        m = mixeq.Model("Reaction ~ Days + (1 | Subject)", load_dataset("sleepstudy"))
        mixeq.report.report(m, m, labels=["one"])


def test_model_report_without_fit_has_no_fit_section(tmp_path):
    m = mixeq.Model("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        html = m.report(tmp_path / "m.html")
    assert (tmp_path / "m.html").read_text(encoding="utf-8") == html
    assert 'id="m1-fit"' not in html and html.count("<figure") == 2  # Z and Λθ's pattern
    assert "pattern (where some θ" in html
