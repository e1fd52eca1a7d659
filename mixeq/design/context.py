"""The evaluation context of formula terms: the vocabulary's functions and the
caller's explicit ``transforms``, nothing else.

formulaic looks names up in the data first, then in the context we pass, then
in its own transforms; without an explicit context it would capture the
caller's local and global variables. We always pass this mapping: after
:func:`mixeq.spec.check.check_formula` every name in an expression is a column
or one of these functions, so evaluation reaches nothing else.
"""
from __future__ import annotations

import keyword
from types import MappingProxyType, SimpleNamespace

import numpy as np
from formulaic.transforms import C, center, poly, scale
from formulaic.transforms.contrasts import ContrastsRegistry
from formulaic.transforms.identity import identity

from mixeq.errors import MixeqError
from mixeq.spec import vocabulary as V

_NUMERIC = {
    "log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p,
    "exp": np.exp, "expm1": np.expm1, "sqrt": np.sqrt, "abs": np.abs,
}


def _factor(data, *args, **kwargs):
    """R's ``factor(x)``: the column as categorical (formulaic's ``C``)."""
    return C(data, *args, **kwargs)


def _contrasted(data, contrasts=None, *args, **kwargs):
    """``C(f, sum)``: formulaic's ``C`` with a contrast named as written (a string, as
    :func:`mixeq.spec.check.formulaic_text` spells it) coded and named as R does."""
    if isinstance(contrasts, str):
        from mixeq.design.contrasts import r_contrasts

        contrasts = r_contrasts(contrasts)
    return C(data, contrasts, *args, **kwargs)


_BASE = MappingProxyType({
    **_NUMERIC,
    "I": identity, "C": _contrasted, "factor": _factor,
    "poly": poly, "scale": scale, "center": center,
    "contr": ContrastsRegistry,
    "np": SimpleNamespace(**_NUMERIC),  # np.log(x) as formulaic users write it
    "TRUE": True, "FALSE": False,   # R's logical constants, as arguments (raw = TRUE) are
                                    # written in R's spelling of a term (poly(x, 2, raw = TRUE))
})
assert set(V.FUNCTIONS) <= set(_BASE), "every vocabulary word has an implementation"
# functions whose value on a row depends on every row (formulaic keeps their state for
# new data): a term calling one is computed only by materialising it (build_matrix)
STATEFUL = ("poly", "scale", "center")


def check_transforms(transforms) -> dict:
    """The caller's ``transforms={"logit": f}``: names that are Python identifiers
    (no dots, no double underscores), not vocabulary words, bound to callables."""
    if transforms is None:
        return {}
    if not hasattr(transforms, "items"):
        raise MixeqError("transforms must be a mapping of names to functions, "
                         "e.g. transforms={'logit': my_logit}")
    out = {}
    for name, func in transforms.items():
        if not (isinstance(name, str) and name.isidentifier()) or keyword.iskeyword(name) \
                or "__" in name:
            raise MixeqError(f"transforms: {name!r} is not a usable function name; use a plain "
                             "name such as 'logit'")
        if name in _BASE or name in V.SPECIAL:
            raise MixeqError(f"transforms: '{name}' is already a formula function; "
                             "choose another name")
        if not callable(func):
            raise MixeqError(f"transforms: '{name}' must be a function, "
                             f"not {type(func).__name__}")
        out[name] = func
    return out


def evaluation_context(transforms=None) -> dict:
    """A fresh mapping of every function a checked formula may call."""
    return {**_BASE, **check_transforms(transforms)}


def transform_names(transforms) -> tuple | None:
    """The names of the caller's ``transforms`` as a key for the caches of
    data-free work on formula text (parse, check, the variables used): a formula's
    meaning depends on which names are functions, not on what they compute.
    ``None`` when the argument cannot be such a key (it is then checked uncached)."""
    if transforms is None:
        return ()
    if not hasattr(transforms, "keys"):
        return None
    try:
        names = tuple(transforms.keys())
        hash(names)
    except TypeError:
        return None
    return names

