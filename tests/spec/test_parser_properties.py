"""Property tests: the canonical form parses back to the same spec."""
from hypothesis import given, settings
from hypothesis import strategies as st

import mixeq

# Python keywords are plain names (as in R); other names in backticks, R's reserved words too
VARS = ["x", "z", "w", "m", "Days", "class", "lambda", "`my var`", "`2nd`", "`if`"]
GROUPS = ["g", "h", "school", "batch"]
NAMED_GROUPS = [*GROUPS, "import", "`my school`", "`in`"]

term = st.one_of(
    st.sampled_from(VARS),
    st.tuples(st.sampled_from(VARS), st.sampled_from(VARS)).map(lambda t: f"{t[0]}:{t[1]}"),
    st.sampled_from(VARS).map(lambda v: f"I({v} ** 2)"),
)


@st.composite
def random_term(draw):
    lhs_terms = draw(st.lists(st.sampled_from(VARS), max_size=2, unique=True))
    intercept = draw(st.sampled_from(["", "1 + ", "0 + ", "-1 + "])) if lhs_terms else "1"
    lhs = intercept + " + ".join(lhs_terms) if lhs_terms else intercept
    bar = draw(st.sampled_from(["|", "||"]))
    group = draw(st.one_of(
        st.sampled_from(NAMED_GROUPS),
        st.tuples(st.sampled_from(NAMED_GROUPS), st.sampled_from(NAMED_GROUPS))
        .filter(lambda t: t[0] != t[1]).map(lambda t: f"{t[0]}{draw(st.sampled_from(['/', ':']))}{t[1]}"),
    ))
    return f"({lhs} {bar} {group})"


@st.composite
def formula(draw):
    fixed = draw(st.lists(term, max_size=3))
    intercept = draw(st.sampled_from(["", "1 + ", "0 + "]))
    rand = draw(st.lists(random_term(), max_size=3))
    parts = [intercept + " + ".join(fixed) if fixed else (intercept.strip(" +") or "1")]
    parts += rand
    return "y ~ " + " + ".join(parts)


def _unordered(spec):
    def terms(ts):
        return tuple(frozenset(t.split(":")) for t in ts)
    return (spec.response, spec.intercept, terms(spec.fixed),
            tuple((r.intercept, terms(r.terms), r.group) for r in spec.random))


@settings(max_examples=150, deadline=None)
@given(formula())
def test_canonical_round_trip(text):
    """Canonical text parses back to the same model. The variables inside an
    interaction follow their first appearance in the text (R's terms()), which the
    canonical text may change (``y ~ z:x + x`` → ``y ~ 1 + x + z:x`` → x:z, as R does):
    equal up to that order, and the canonical text is a fixed point from then on."""
    spec = mixeq.parse(text)
    again = mixeq.parse(spec.canonical())
    assert _unordered(again) == _unordered(spec)
    third = mixeq.parse(again.canonical())
    assert third == again and third.canonical() == again.canonical()
    # no bars survive in the fixed part, and every random term has a group
    assert "|" not in spec.fixed_formula()
    assert all(r.group for r in spec.random)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VARS), min_size=1, max_size=3, unique=True),
       st.booleans(), st.sampled_from(GROUPS))
def test_double_bar_splits_into_one_term_per_column(lhs_terms, intercept, group):
    lhs = ("1 + " if intercept else "0 + ") + " + ".join(lhs_terms)
    spec = mixeq.parse(f"y ~ 1 + ({lhs} || {group})")
    expected = ([((), True)] if intercept else []) + [((t,), False) for t in lhs_terms]
    assert [(r.terms, r.intercept) for r in spec.random] == expected
    assert all(r.group == (group,) for r in spec.random)
