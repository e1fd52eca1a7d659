"""When the input also holds a composite equation for the same outcome, check
that it is the same model as the level-1/level-2 equations."""
from __future__ import annotations

from dataclasses import replace

from mixeq.reader import diagnostics as D
from mixeq.reader.assemble import build_spec, exact_letters, glm_response
from mixeq.reader.walk import build_structure
from mixeq.reader.covariance import blocks
from mixeq.reader.parsed import Document, Equation
from mixeq.reader.structure import Structure
from mixeq.spec.types import ModelSpec


def _spec_of(eq: Equation, doc: Document, mapping: dict[str, str]) -> ModelSpec | None:
    alone = replace(doc, level1_candidates=[eq], definitions=[], diagnostics=[])
    structure = build_structure(alone)
    if structure is None:
        return None
    return build_spec(structure, blocks(structure, alone), mapping, glm_response(doc),
                      exact_letters(doc))


def _terms(spec: ModelSpec) -> dict:
    out = {("fixed", frozenset(t.split(":"))): t
           for t in (["1"] if spec.intercept else []) + list(spec.fixed)}
    for r in spec.random:
        out[("random", r.key())] = r.canonical()
    return out


def _describe(terms: list[str]) -> str:
    return ", ".join(terms) if terms else "nothing"


def check_agreement(structure: Structure, spec: ModelSpec, doc: Document,
                    mapping: dict[str, str]) -> None:
    for eq in structure.also_written:
        other = _spec_of(eq, doc, mapping)
        if other is None or other == spec:
            continue
        mine, theirs = _terms(spec), _terms(other)
        only_levels = [mine[k] for k in mine if k not in theirs]
        only_here = [theirs[k] for k in theirs if k not in mine]
        reading = (f"{other.canonical()}, they read as {spec.canonical()}; only in the level "
                   f"equations: {_describe(only_levels)}; only here: {_describe(only_here)}.")
        doc.disagreements[eq.line] = reading
        D.emit(doc.diagnostics, D.COMPOSITE_MISMATCH, eq.line, eq.text,
               f"this equation for {spec.response} is not the same model as the level-1/level-2 "
               f"equations: it reads as {reading}")

