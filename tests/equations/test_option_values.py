"""Equation options of the wrong type or range are clear RenderErrors (issue 8)."""
import pytest

import mixeq
from conftest import load_dataset
from mixeq.errors import RenderError

F = "Reaction ~ Days + (Days | Subject)"


@pytest.mark.parametrize("option, text", [
    ({"digits": -3}, "digits=-3"),
    ({"digits": 2.5}, "whole number"),
    ({"digits": 99}, "from 0 to 15"),
    ({"wrap": -1}, "wrap=-1"),
    ({"max_cols": "x"}, "max_cols='x'"),
    ({"row": 0}, "row=0"),
    ({"row": -2}, "row=-2"),
    ({"row": ""}, "row=''"),
    ({"row": 1.5}, "row=1.5"),
    ({"names": {"Days": ""}}, "non-empty"),
    ({"names": {"": "x"}}, "non-empty"),
    ({"names": ["Days"]}, "give a dict"),
])
def test_bad_option_values_are_render_errors(option, text):
    with pytest.raises(RenderError) as info:
        mixeq.render(F, form="observation", format="text", **option)
    assert text in str(info.value)


def test_a_row_beyond_every_cluster_is_an_error_with_data():
    model = mixeq.Model(F, load_dataset("sleepstudy"))
    with pytest.raises(RenderError, match="row=11: no cluster has that many rows.*largest has 10"):
        mixeq.render(model, form="observation", format="text", row=11)
    text = str(mixeq.render(model, form="observation", format="text", row=10))
    assert "Row 10 of" in text
    # without data any row number is a row of some (unknown) cluster
    assert "Row 99 of" in str(mixeq.render(F, form="observation", format="text", row=99))
