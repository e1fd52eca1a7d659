"""Rendering options: symbols, index letters, variable names and styles."""
from __future__ import annotations

from dataclasses import dataclass, field

from mixeq.errors import RenderError

# Coefficient letters from level 1 upwards, by number of levels.
COEF_LETTERS = {1: ("beta",), 2: ("beta", "gamma"), 3: ("pi", "beta", "gamma"),
                4: ("pi", "beta", "gamma", "delta")}

SYMBOL_SETS = {
    # Raudenbush–Bryk with capital U (the default)
    "default": {"residual": "epsilon", "random": {2: ("U", "V", "W", "Q")}},
    # HLM software: r_ij residual, u_0j random effects; e, r, u with three levels
    "hlm": {"residual": "r", "random": {2: ("u", "v", "w", "q")}},
}
VARIABLE_STYLES = ("auto", "operatorname", "italic")
THREE_LEVEL_RANDOM = {2: ("r", "s", "t"), 3: ("u", "v"), 4: ("w",), 5: ("q",), 6: ("o",)}


@dataclass
class Options:
    """Everything a user can change about the notation.

    ``symbols``: ``"default"`` (β/γ, U, ε), ``"hlm"`` (r_ij residual, u_0j random
    effects) or a dict with keys ``residual`` and ``random`` (a letter, or
    ``{level: letters}``). ``indices``: the observation index then one letter per
    grouping factor. ``names``: display names for variables. ``variables``:
    ``"auto"`` (one letter italic, longer names upright), ``"operatorname"`` or
    ``"italic"``. ``wrap``: the width of a line in characters of the text format: a long
    sum breaks before a + into lines no wider (continuation lines indented), LaTeX at the
    same places (amsmath ``aligned``), text sentences and notes at spaces; ``None`` (or 0)
    never wraps.
    ``row``: the row written out by the observation form. ``digits``: decimals
    of estimates. ``cluster``: the cluster whose numbers the matrix form shows.
    ``max_rows``/``max_cols``: the matrix form shows the first and last rows of a
    cluster, and of a wide X_j the first and last columns (0: all of them).
    ``levels``: the level of each predictor when there is no data.
    ``equations_only``: leave out distributions and index sentences (multilevel,
    composite), e.g. to feed the equations to a reader.
    ``family``/``link``: the GLMM of a formula without data (``"binomial"``,
    ``"poisson"``; a model or fit brings its own).
    """

    symbols: object = "default"
    indices: tuple = ("i", "j", "k", "l", "h", "g")
    names: dict = field(default_factory=dict)
    variables: str = "auto"
    wrap: int | None = 70
    row: object = 1
    digits: int = 2
    cluster: object = None
    group: str | None = None
    levels: dict | None = None
    use_estimates: bool = False
    max_rows: int = 6
    max_cols: int = 8
    equations_only: bool = False
    family: object = None
    link: str | None = None

    def __post_init__(self):
        if self.variables not in VARIABLE_STYLES:
            raise RenderError(f"variables={self.variables!r}: choose one of "
                              + ", ".join(map(repr, VARIABLE_STYLES)))
        if isinstance(self.indices, str):
            self.indices = tuple(self.indices)
        if len(self.indices) < 2 or len(set(self.indices)) != len(self.indices):
            raise RenderError("indices must be distinct letters: the observation "
                              "index first, then one per grouping factor, e.g. 'ijk'")
        _check_numbers(self)
        _check_names(self.names)
        if isinstance(self.symbols, str) and self.symbols not in SYMBOL_SETS:
            raise RenderError(f"symbols={self.symbols!r}: choose one of "
                              f"{sorted(SYMBOL_SETS)} or pass a dict "
                              "{'residual': 'e', 'random': 'u'}")

    def residual(self, nlevels: int = 2) -> str:
        if isinstance(self.symbols, dict):
            return self.symbols.get("residual", "epsilon")
        if self.symbols == "hlm" and nlevels >= 3:
            return "e"
        return SYMBOL_SETS[self.symbols]["residual"]

    def random_letters(self, level: int, nlevels: int) -> tuple:
        if isinstance(self.symbols, dict) and "random" in self.symbols:
            given = self.symbols["random"]
            if isinstance(given, str) and nlevels < 3:
                return (given, *[c for c in "UVWQ" if c != given])
            if isinstance(given, str):  # three levels: u, then v one level up …
                return (_shift(given, level - 2),)
            if isinstance(given, dict) and level in given:
                return tuple(given[level])
        if nlevels >= 3:
            return THREE_LEVEL_RANDOM.get(level, (f"e{level}",))
        name = "default" if isinstance(self.symbols, dict) else self.symbols
        return SYMBOL_SETS[name]["random"][2]

    def coef_letters(self, nlevels: int) -> tuple:
        if nlevels in COEF_LETTERS:
            return COEF_LETTERS[nlevels]
        return ("pi", "beta", "gamma", "delta", "eta", "zeta", "kappa", "lambda")[:nlevels]


def _check_numbers(opts: "Options") -> None:
    """Counts must be whole numbers in range: a negative ``digits`` or a row 0 is no
    notation, and would otherwise fail deep inside the formatting."""
    for name, low, high in [("digits", 0, 15), ("wrap", 0, None), ("max_rows", 0, None),
                            ("max_cols", 0, None)]:
        value = getattr(opts, name)
        if name == "wrap" and value is None:  # None: never wrap
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < low \
                or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise RenderError(f"{name}={value!r}: give a whole number {span}")
    row = opts.row
    if isinstance(row, bool) or not isinstance(row, (int, str)) \
            or (isinstance(row, int) and row < 1) or (isinstance(row, str) and not row.strip()):
        raise RenderError(f"row={row!r}: give a row number (1 is the first row of a cluster) "
                          "or an index letter such as 'i'")


def _check_names(names) -> None:
    if not isinstance(names, dict):
        raise RenderError(f"names={names!r}: give a dict {{variable: display name}}")
    for key, value in names.items():
        if not isinstance(key, str) or not key.strip() or not isinstance(value, str) \
                or not value.strip():
            raise RenderError(f"names: {key!r} → {value!r}: both the variable and its display "
                              "name must be non-empty text, e.g. names={'x': 'SES'}")


def _shift(letter: str, by: int) -> str:
    """The letter ``by`` places later in the alphabet (u → v), or letter + number."""
    if len(letter) == 1 and letter.isalpha() and letter.lower() <= chr(ord("z") - by):
        return chr(ord(letter) + by)
    return f"{letter}{by + 1}" if by else letter


KNOWN = set(Options.__dataclass_fields__)


def default(name: str):
    """The default of option ``name``, as the options record states it (the CLI reads
    its defaults here, so ``mixeq explain`` and ``render()`` cannot drift apart)."""
    f = Options.__dataclass_fields__[name]
    return f.default_factory() if callable(f.default_factory) else f.default


def make_options(options: dict) -> Options:
    unknown = set(options) - KNOWN
    if unknown:
        raise RenderError(f"unknown option(s) {sorted(unknown)}; known: {sorted(KNOWN)}")
    return Options(**options)
