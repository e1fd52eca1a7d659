"""``mixeq report``: one page for a formula (fitted unless --no-fit), or several compared."""
from __future__ import annotations

from mixeq.cli.main import main

SEED = "mixeq/examples/seedlike.csv"


def test_report_without_fit_writes_the_page(tmp_path, capsys):
    out = tmp_path / "model.html"
    assert main(["report", "y ~ x * m + (1 + x | school)", "--data", SEED, "-o", str(out),
                 "--no-fit", "--title", "Seedlike <model>"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<title>Seedlike &lt;model&gt;</title>" in html  # user text is escaped
    assert 'id="m1-fit"' not in html and html.count("<figure") == 2
    assert f"wrote {out}" in capsys.readouterr().err


def test_report_compares_labelled_models_quietly(tmp_path, capsys):
    out = tmp_path / "compare.html"
    assert main(["report", "Reaction ~ Days + (Days | Subject)", "Reaction ~ Days + (1 | Subject)",
                 "--data", "mixeq/examples/sleepstudy.csv", "-o", str(out), "--label", "slopes",
                 "--label", "intercepts", "--quiet", "--no-fit"]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<section id="compare">' in html and ">slopes</h2>" in html and ">intercepts</h2>" in html
    assert capsys.readouterr().err == ""


def test_report_bad_input_is_a_clear_error(tmp_path, capsys):
    assert main(["report", "y ~ x + (1 | school)", "--data", "nope.csv", "-o", str(tmp_path / "x.html")]) == 2  # a user error
    assert "data file 'nope.csv' does not exist" in capsys.readouterr().err
    assert main(["report", "y ~ nothere + (1 | school)", "--data", SEED, "--no-fit",
                 "-o", str(tmp_path / "x.html")]) == 2  # a user error
    assert "nothere" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_report_matrix_form_for_a_chosen_cluster(tmp_path, capsys):
    out = tmp_path / "m.html"
    assert main(["report", "y ~ x * m + (1 + x | school)", "--data", SEED, "-o", str(out),
                 "--no-fit", "--cluster", "s007", "--quiet"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "(school s007, with its numbers)" in html and "school = s007" in html
    assert main(["report", "y ~ x * m + (1 + x | school)", "--data", SEED, "-o", str(out),
                 "--no-fit", "--cluster", "s999"]) == 2
    assert "no cluster 's999' in grouping factor 'school'" in capsys.readouterr().err
