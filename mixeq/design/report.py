"""Plain facts about a model's design, for the CLI and for JSON."""
from __future__ import annotations

import numpy as np


def design_facts(model) -> dict:
    Z = model.Z
    held = _held_in_engine(model)
    return {
        "formula": model.formula,
        "canonical": model.spec.canonical(),
        "nobs": model.nobs,
        "dropped_rows": model.dropped_rows,
        "dropped_columns": model.dropped_columns,
        # the data's X and Z are n × p and n × q wherever the rows are; a remote design
        # holds pseudo-rows or cross-products instead, and its non-zeros are not counted
        "X_shape": [model.nobs, model.X.shape[1]],
        "Z_shape": [model.nobs, Z.shape[1]],
        "Z_nnz": None if held else int(Z.nnz),
        "held_in_engine": held,
        "X_columns": list(model.X.columns),
        "Z_columns": [list(c) for c in model.Z_columns],
        "terms": [
            {"term": t.spec.canonical(), "group": t.group, "columns": t.columns,
             "nlevels": t.nlevels, "q": t.q}
            for t in model.terms
        ],
        "groups": {
            g.name: {"nlevels": g.nlevels, "level": g.level, "nested_in": list(g.nested_in)}
            for g in model.groups.values()
        },
        "levels": {name: lev.as_dict() for name, lev in model.levels.items()},
        **family_facts(model),
    }


def _held_in_engine(model) -> str | None:
    """How a design whose rows stay in the engine (mixeq.remote) is held here, or None."""
    design = getattr(model, "design", None)
    mode = getattr(design, "mode", None) if getattr(design, "remote", False) else None
    if mode is None:
        return None
    if getattr(design, "products", None) is not None:
        return "the rows stay in the engine; held here as per-level and per-pair cross-products"
    return (f"the rows stay in the engine; held here as {design.X.shape[0]} pseudo-rows "
            f"with the data's cross-products ({mode})")


def family_facts(model) -> dict:
    """The family and link (glmer's), the prior weights and offsets and, for a
    binomial cbind() response, the trials: what a GLMM adds to the design."""
    family = getattr(model, "family", None)
    trials = getattr(model, "trials", None)
    offsets = list(model.spec.offsets) + ([model.offset_name]
                                          if getattr(model, "offset_name", None) else [])
    return {"family": family.name if family else "gaussian",
            "link": family.link.name if family else "identity",
            "weights": getattr(model, "weights_name", None),
            "offsets": offsets,
            "trials_total": None if trials is None else float(np.sum(trials))}


def design_text(facts: dict) -> str:
    lines = [
        f"formula      {facts['canonical']}",
        f"observations {facts['nobs']}"
        + (f" ({facts['dropped_rows']} rows with missing values dropped)"
           if facts["dropped_rows"] else ""),
        f"X            {facts['X_shape'][0]} x {facts['X_shape'][1]}: "
        + ", ".join(facts["X_columns"]),
    ]
    if facts.get("family", "gaussian") != "gaussian" or facts.get("link", "identity") != "identity":
        lines.append(f"family       {facts['family']} ({facts['link']} link)"
                     + (f", offset {', '.join(facts['offsets'])}" if facts["offsets"] else "")
                     + (f", weights {facts['weights']}" if facts["weights"] else ""))
    if facts["dropped_columns"]:
        lines.append(f"             aliased, dropped: {', '.join(facts['dropped_columns'])}")
    lines.append(f"Z            {facts['Z_shape'][0]} x {facts['Z_shape'][1]}"
                 + (f", {facts['Z_nnz']} non-zeros" if facts["Z_nnz"] is not None else ""))
    if facts.get("held_in_engine"):
        lines.append(f"             {facts['held_in_engine']}")
    for t in facts["terms"]:
        lines.append(f"  {t['term']:<32} {t['nlevels']} levels x "
                     f"{len(t['columns'])} column(s) ({', '.join(t['columns'])}) = {t['q']}")
    if facts["groups"]:
        lines.append("grouping factors")
        for name, g in facts["groups"].items():
            nest = f", nested in {', '.join(g['nested_in'])}" if g["nested_in"] else ""
            lines.append(f"  {name:<20} {g['nlevels']} levels, level {g['level']}{nest}")
    if facts["levels"]:
        lines.append("predictors")
        for name, lev in facts["levels"].items():
            where = ("varies within clusters (level 1)" if lev["group"] is None
                     else f"constant within {lev['group']} (level {lev['level']})")
            lines.append(f"  {name:<20} {where}")
    return "\n".join(lines)
