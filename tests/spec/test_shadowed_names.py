"""The alias map keeps functions the formula calls visible to formulaic: a column of
such a name crosses under an alias when the formula reads it, is left out of the frame
when it does not, and the frame is the caller's own object when nothing collides."""
from __future__ import annotations

import pandas as pd

from mixeq.spec.aliases import Aliases, called_names
from mixeq.spec.check import check_formula


def test_a_called_name_read_as_a_column_gets_an_alias():
    aliases = check_formula("y ~ log + log(x) + poly(x, 2) + (1 | g)").aliases
    assert set(aliases.alias) == {"log"}          # poly is called, not read
    assert aliases.text("log + log(x)") == "mixeq_c0_ + log(x)"
    assert aliases.undo("mixeq_c0_:log(x)") == "log:log(x)"
    assert {"log", "poly", "I"} <= aliases.calls


def test_a_formula_that_calls_nothing_aliases_nothing():
    aliases = check_formula("y ~ log + poly + (1 | g)").aliases
    assert not aliases and aliases.alias == {}
    assert aliases.calls == called_names([]) == {"I"}   # the response's I() wrapper


def test_the_frame_hides_unread_columns_named_like_called_functions():
    data = pd.DataFrame({"y": [1.0, 2.0], "x": [3.0, 4.0], "log": [5.0, 6.0],
                         "poly": [7.0, 8.0], "I": [0.0, 1.0], "np": [1.0, 1.0]})
    before = data.copy()
    frame = Aliases.of(["y", "x"], ["log", "np.exp"]).frame(data)
    assert list(frame.columns) == ["y", "x", "poly"]   # log, np, I would hide functions
    frame = Aliases.of(["y", "log"], ["log"]).frame(data)
    assert list(frame.columns) == ["y", "x", "mixeq_c0_", "poly", "np"]
    assert frame["mixeq_c0_"].tolist() == [5.0, 6.0]
    pd.testing.assert_frame_equal(data, before)


def test_the_frame_is_the_data_itself_when_nothing_collides():
    data = pd.DataFrame({"y": [1.0], "x": [2.0]})
    assert Aliases.of(["y", "x"], ["log"]).frame(data) is data
