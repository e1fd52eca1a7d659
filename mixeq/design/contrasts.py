"""Contrasts named in ``C()`` coded and named as R codes and names them.

R's ``C(f, sum)`` maps the names ``treatment``, ``sum``, ``helmert``, ``poly`` and
``SAS`` to the functions' names ("contr.sum" …), and ``model.matrix`` calls
``contr.sum(levels(f))``: its columns are named by levels where the function names
them (treatment: ``C(f, treatment)b``; SAS: ``C(f, SAS)a``) and numbered where it
does not (sum, helmert: ``C(f, sum)1``, ``C(f, sum)2``; poly: ``.L``, ``.Q``, ``.C``,
``^4`` …). ``C(f, contr.sum)`` hands R the function itself, which ``contrasts<-``
calls with the number of levels: every column is numbered (``C(f, contr.treatment)2``,
``C(f, contr.SAS)1``). The name the user wrote stays in the column's name, as in R
(:func:`mixeq.spec.check.written_contrasts`). Which coding a written name means and
whether R numbers it is :func:`mixeq.spec.vocabulary.contrast_coding`; the values are
formulaic's codings (R's: treatment, sum, Helmert unscaled, orthogonal polynomials,
SAS; ``diff`` is formulaic's own, with its level names).
"""
from __future__ import annotations

from dataclasses import dataclass

from formulaic.transforms.contrasts import (Contrasts, DiffContrasts, HelmertContrasts,
                                            PolyContrasts, SASContrasts, SumContrasts,
                                            TreatmentContrasts)
from interface_meta import override

from mixeq.spec.vocabulary import contrast_coding

_CODINGS = {"treatment": TreatmentContrasts, "SAS": SASContrasts, "sum": SumContrasts,
            "helmert": HelmertContrasts, "poly": PolyContrasts, "diff": DiffContrasts}


def r_contrasts(written: str) -> "RContrasts":
    """The contrasts of a name as written in ``C(f, …)`` (``sum``, ``contr.sum``, ``Sum``)."""
    coding, numbered = contrast_coding(written)
    return RContrasts(coding, numbered)


def r_labels(coding: str, numbered: bool, levels) -> list[str]:
    """R's names of the k − 1 contrast columns of a factor with ``levels``."""
    levels = [str(v) for v in levels]
    k = len(levels)
    if coding == "poly":
        return list(PolyContrasts().get_coding_column_names(levels, reduced_rank=True))
    if coding == "treatment" and not numbered:
        return levels[1:]                               # contr.treatment(levels): names
    if coding == "treatment":
        return [str(i) for i in range(2, k + 1)]        # contr.treatment(k): 2 … k
    if coding == "SAS" and not numbered:
        return levels[:-1]                              # contr.SAS(levels): all but the last
    if coding == "diff":
        return levels[1:]                               # formulaic's own (R has none)
    return [str(i) for i in range(1, k)]                # sum, helmert, contr.SAS(k): 1 … k-1


@dataclass
class RContrasts(Contrasts):
    """formulaic's coding of ``coding`` with R's column names (``{name}[{field}]``: the
    label follows the factor's name, ``C(f, sum)1``, no ``S.`` prefix)."""

    coding: str = "treatment"
    numbered: bool = False

    FACTOR_FORMAT = "{name}[{field}]"
    FACTOR_FORMAT_REDUCED = "{name}[{field}]"

    def _values(self) -> Contrasts:
        return _CODINGS[self.coding]()

    @override
    def _get_coding_matrix(self, levels, reduced_rank: bool = True, sparse: bool = False):
        return self._values()._get_coding_matrix(levels, reduced_rank=reduced_rank,
                                                 sparse=sparse)

    @override
    def get_coding_column_names(self, levels, reduced_rank: bool = True):
        return r_labels(self.coding, self.numbered, levels) if reduced_rank else list(levels)

    @override
    def get_coefficient_row_names(self, levels, reduced_rank: bool = True):
        return self._values().get_coefficient_row_names(levels, reduced_rank=reduced_rank)

    @override
    def get_drop_field(self, levels, reduced_rank: bool = True):
        return self._values().get_drop_field(levels, reduced_rank=reduced_rank)
