"""The table of forms: one record per notation, read by ``render()``, ``verify()``, the
CLI's ``--form`` choices and help, the report's section titles and the docs' table
(tests/equations/test_registry.py holds the docs to it). A new form is one module in
this package and one record here."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from mixeq.errors import RenderError


@dataclass(frozen=True)
class Form:
    """``name`` (what ``form=`` takes), ``module`` (the module of this package whose
    ``build(sm)`` writes it), ``title`` (a heading), ``summary`` (one line for help
    texts), ``aliases`` (other names accepted) and ``proved`` (verify() reads it back
    and proves it equal to the others)."""

    name: str
    module: str
    title: str
    summary: str
    aliases: tuple[str, ...] = ()
    proved: bool = True

    def build(self, sm):
        """The form's display tree (:class:`~mixeq.equations.tree.Document`) of ``sm``."""
        return importlib.import_module(f"mixeq.equations.forms.{self.module}").build(sm)


TABLE: tuple[Form, ...] = (
    Form("multilevel", "multilevel", "Multilevel (Raudenbush–Bryk)",
         "level-1 and level-2 (and level-3) equations", ("rb",)),
    Form("gelman-hill", "gelman_hill", "Gelman–Hill",
         "varying coefficients, as Gelman & Hill and equatiomatic write them",
         ("gelman_hill", "gh", "equatiomatic")),
    Form("composite", "composite", "Composite",
         "the single equation: fixed part, then random part", ("mixed", "single")),
    Form("matrix", "matrix", "Matrix form for one cluster",
         "Y_j = X_j β + Z_j b_j + ε_j for one cluster, written out"),
    Form("stacked", "stacked", "Stacked (all clusters)",
         "y = Xβ + Zb + ε over all clusters, G and lme4's Λθ"),
    Form("observation", "observation", "One observation",
         "one row written out term by term"),
    Form("explain", "explain", "Why Z has these columns",
         "a sentence per column of Z_j", proved=False),
)
FORMS: tuple[str, ...] = tuple(f.name for f in TABLE)
_BY_NAME = {**{a: f for f in TABLE for a in f.aliases}, **{f.name: f for f in TABLE}}


def form(name: str) -> Form:
    """The record of ``name`` (or one of its aliases); an unknown name is a RenderError."""
    found = _BY_NAME.get(name)
    if found is None:
        raise RenderError(f"unknown form {name!r}; choose one of {', '.join(FORMS)}")
    return found


def help_text() -> str:
    """``multilevel (level-1 and …), gelman-hill (…), …`` for the CLI's help."""
    return "; ".join(f"{f.name}: {f.summary}" for f in TABLE)
