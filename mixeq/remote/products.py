"""Crossed factors from a remote source: the cross-products themselves, not rows.

When the cells of the grouping factors (one per combination of their levels) hold
about one row each — crossed factors, 100,000 × 2,000 levels over 20,000,000
rows — pseudo-rows (pseudo.py) would be as many as the rows. What the fitter needs
(mixeq/fitting/products.py) is far less, and is brought back instead:

1. per level of every grouping factor, the Gram matrix of the basis [1, shifted
   columns…, shifted response]: one GROUP BY per factor (``aggregate.cell_grams``),
   levels × d × d. Every term's columns and F = [X y] are linear maps T of the
   basis, so a term's Σ m mᵀ and Σ m Fᵀ per level are Tᵀ G_l T, and FᵀF is TᵀGT of
   their sum over the levels of any one factor;
2. the level codes of every row (one query, read as Arrow batches into int32
   arrays: ``row_codes``) and, where a term has columns besides its intercept,
   those columns; from them, for each pair of factors, the per-pair sums
   Σ r_i r_j of the terms' basis [1, r…] as sparse matrices (pair counts for
   intercepts: Z_bᵀZ_a of ``(1 | a) + (1 | b)``, 2,000 × 100,000 with one entry per
   pair that occurs). Grouping 20,000,000 rows by pair in the engine costs a hash
   table of as many groups (DuckDB: 6.6 s of CPU and 1.1 GB for the benchmark's
   19,000,000 pairs) for a result as long as the rows; the codes cost 0.6 s and
   160 MB, and scipy sums them per pair (coo → csc) in linear time.

Nothing is kept per row but the codes (the grouping factors' ``codes``, which the
hierarchy of factors and the equations read).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mixeq.design.grouping import assign_hierarchy, grouping_factor
from mixeq.design.types import GroupingFactor
from mixeq.fitting.products import Products
from mixeq.remote import aggregate
from mixeq.remote.errors import SourceError


@dataclass
class FactorSums:
    """A grouping factor and the per-level Gram stack of the basis (level order)."""

    group: GroupingFactor
    columns: tuple
    G: np.ndarray                    # (levels, d, d)


def factor_sums(src, complete, spec, given: dict, exprs: list, weight,
                n: int) -> dict[str, FactorSums]:
    """Step 1 for every grouping factor of ``spec`` (design/grouping.py's
    ``grouping_factor`` on the levels found: too few or too many are refused)."""
    from mixeq.remote.design import given_levels

    out: dict[str, FactorSums] = {}
    for r in spec.random:
        name = r.group_name
        if name in out:
            continue
        keys, G = aggregate.cell_grams(src, complete, list(r.group), exprs, weight)
        g = grouping_factor(given_levels(keys, given), r.group, r.canonical(), nobs=n)
        order = np.argsort(g.codes, kind="stable")          # level l's row of the result
        g.codes = np.zeros(0, dtype=np.int32)
        g.level_keys = keys.iloc[order][list(r.group)].reset_index(drop=True)
        out[name] = FactorSums(g, tuple(r.group), np.ascontiguousarray(G[order]))
    return out


def row_codes(src, complete, sums: dict[str, FactorSums], extra: list, weight, n: int):
    """Every complete row's level code of each factor (int32), and its values of the
    ``extra`` expressions (the terms' basis columns) and weight; filled a batch at
    a time into arrays of the data's n rows."""
    cols = list(dict.fromkeys(c for s in sums.values() for c in s.columns))
    named = {f"r_{i}": e for i, e in enumerate(extra)}
    if weight is not None:
        named["w_"] = weight
    codes = {name: np.empty(n, dtype=np.int32) for name in sums}
    values = {k: np.empty(n) for k in named}
    lookups = {name: _Lookup(s) for name, s in sums.items()}
    table = src.table.filter(complete)
    start = 0
    for batch in src.batches(table.select(*cols, **named)):
        stop = start + batch.num_rows
        if stop > n:
            raise SourceError(f"{src.description} returned more complete rows than the "
                              f"{n} it counted: did the data change while being read?")
        for name, look in lookups.items():
            codes[name][start:stop] = look(batch)
        for k in named:
            values[k][start:stop] = batch.column(k).to_numpy(zero_copy_only=False)
        start = stop
    if start != n:
        raise SourceError(f"{src.description} returned {start} complete rows, not the {n} "
                          "it counted: did the data change while being read?")
    w = values.pop("w_", None)
    return codes, [values[k] for k in named if k != "w_"], w


class _Lookup:
    """Engine values of a factor's columns → its level codes (``_column_map`` per
    column; no Python objects per row)."""

    def __init__(self, s: FactorSums):
        keys = s.group.level_keys
        self.columns = s.columns
        if len(self.columns) == 1:
            self.sets = [keys[self.columns[0]]]
            self.level_of = None
            return
        self.sets = [pd.Series(pd.unique(keys[c])) for c in self.columns]
        combined = np.zeros(len(keys), dtype=np.int64)
        for c, vals in zip(self.columns, self.sets):
            combined = combined * len(vals) + pd.Index(vals).get_indexer(keys[c])
        self.order = np.argsort(combined, kind="stable")
        self.level_of = combined[self.order]

    def __call__(self, batch) -> np.ndarray:
        if not hasattr(self, "maps"):    # one map per column, in the stream's own types
            self.maps = [_column_map(vals, batch.column(c).type)
                         for c, vals in zip(self.columns, self.sets)]
        combined = None
        for c, vals, index in zip(self.columns, self.sets, self.maps):
            idx = index(batch.column(c))
            if idx is None:
                raise SourceError(f"a value of '{c}' read with the rows is not among the "
                                  "levels the aggregate found: did the data change?")
            combined = idx if combined is None else combined * len(vals) + idx
        if self.level_of is None:
            return combined
        pos = np.searchsorted(self.level_of, combined)
        return self.order[pos]


TABLE_SPAN = 4         # integer levels spanning up to 4 × their number (+ 2²⁰): a table


def _column_map(values: pd.Series, arrow_type):
    """A function from an Arrow column to each value's position in ``values`` (int64),
    or None when a value is not there. Integer levels within a short range: a lookup
    table indexed by value − min (one gather, ~15× faster than hashing 20M values);
    anything else: Arrow's hash lookup (``pyarrow.compute.index_in``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_integer(arrow_type) and pd.api.types.is_integer_dtype(values.dtype):
        v = values.to_numpy(dtype=np.int64)
        lo, hi = int(v.min()), int(v.max())
        if hi - lo < TABLE_SPAN * v.size + (1 << 20):
            table = np.full(hi - lo + 1, -1, dtype=np.int64)
            table[v - lo] = np.arange(v.size)

            def lookup(col):
                if col.null_count:
                    return None
                x = col.to_numpy(zero_copy_only=False).astype(np.int64) - lo
                if x.size and (x.min() < 0 or x.max() > hi - lo):
                    return None
                out = table[x]
                return None if (out < 0).any() else out
            return lookup
    value_set = pa.array(values.tolist()).cast(arrow_type)

    def hashed(col):
        idx = pc.index_in(col, value_set=value_set)
        return None if idx.null_count else idx.to_numpy().astype(np.int64)
    return hashed


def pair_sums(rows: np.ndarray, cols: np.ndarray, shape: tuple, R: list, w) -> dict:
    """Per pair (row level, column level): Σ w r_i r_j for the basis [1, R…], i ≤ j,
    each a canonical CSC matrix with the same pattern (the pairs that occur)."""
    basis = [None] + list(R)
    out = {}
    for i in range(len(basis)):
        for j in range(i, len(basis)):
            v = np.ones(rows.size) if w is None else w.copy()
            for b in (basis[i], basis[j]):
                if b is not None:
                    v *= b
            out[(i, j)] = sp.coo_matrix((v, (rows, cols)), shape=shape).tocsc()
            del v
    return out


def assemble(sums: dict[str, FactorSums], terms: list, maps: list, random_basis: list,
             F_map: np.ndarray, codes: dict, R: list, w, n: int) -> Products:
    """The products of ``terms`` (lme4's order; ``maps``: each term's T, d × k, on the
    basis; ``random_basis``: the basis positions of R, after the constant)."""
    first = next(iter(sums.values()))
    FF = F_map.T @ first.G.sum(axis=0) @ F_map
    own, ZF = [], []
    for t, T in zip(terms, maps):
        G = sums[t.group].G
        own.append(np.einsum("ia,lij,jb->lab", T, G, T))
        ZF.append(np.einsum("ia,lij,jb->lab", T, G, F_map))
    pr = Products(n, FF, own, ZF)
    positions = [0] + list(random_basis)
    tables: dict = {}
    for i in range(len(terms)):
        for j in range(i):
            ti, tj = terms[i], terms[j]
            if ti.group == tj.group:
                pr.cross[(i, j)] = _same_levels(sums[ti.group].G, maps[i], maps[j])
                continue
            key = (ti.group, tj.group)
            if key not in tables:
                if (tj.group, ti.group) in tables:
                    tables[key] = {k: m.T.tocsc() for k, m in tables[(tj.group, ti.group)].items()}
                else:
                    shape = (sums[ti.group].group.nlevels, sums[tj.group].group.nlevels)
                    tables[key] = pair_sums(codes[ti.group], codes[tj.group], shape, R, w)
            pr.cross[(i, j)] = _combine(tables[key], maps[i][positions], maps[j][positions])
    return pr


def _same_levels(G: np.ndarray, Ti: np.ndarray, Tj: np.ndarray) -> sp.csr_matrix:
    """Z_iᵀZ_j of two terms on one factor: per level Tᵢᵀ G_l Tⱼ, block-diagonal."""
    B = np.einsum("ia,lij,jb->lab", Ti, G, Tj)
    nl, ki, kj = B.shape
    rows = (np.arange(nl)[:, None, None] * ki + np.arange(ki)[None, :, None])
    cols = (np.arange(nl)[:, None, None] * kj + np.arange(kj)[None, None, :])
    return sp.csr_matrix((B.ravel(), (np.broadcast_to(rows, B.shape).ravel(),
                                      np.broadcast_to(cols, B.shape).ravel())),
                         shape=(nl * ki, nl * kj))


def _combine(S: dict, Ti: np.ndarray, Tj: np.ndarray):
    """Z_iᵀZ_j (level-major columns) from the per-pair sums S[(u, v)] (u ≤ v) of the
    random basis: entry (l·kᵢ + a, m·kⱼ + b) = Σ_uv Tᵢ[u, a] Tⱼ[v, b] S_uv[l, m]."""
    ki, kj = Ti.shape[1], Tj.shape[1]
    blocks = {}
    for a in range(ki):
        for b in range(kj):
            acc = None
            for (u, v), M in S.items():
                c = Ti[u, a] * Tj[v, b] + (Ti[v, a] * Tj[u, b] if u != v else 0.0)
                if c == 0.0:
                    continue
                if acc is None:
                    acc = M if c == 1.0 else M * c     # the pair counts themselves: no copy
                else:
                    acc = acc + M * c
            blocks[(a, b)] = acc
    if ki == kj == 1:
        out = blocks[(0, 0)]
        return out if out is not None else sp.csc_matrix(next(iter(S.values())).shape)
    nl, nm = next(iter(S.values())).shape
    rows, cols, vals = [], [], []
    for (a, b), M in blocks.items():
        if M is None:
            continue
        coo = M.tocoo()
        rows.append(coo.row.astype(np.int64) * ki + a)
        cols.append(coo.col.astype(np.int64) * kj + b)
        vals.append(coo.data)
    if not rows:
        return sp.csc_matrix((nl * ki, nm * kj))
    return sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(nl * ki, nm * kj)).tocsc()


def hierarchy(sums: dict[str, FactorSums], codes: dict) -> dict[str, GroupingFactor]:
    """The grouping factors with their rows' codes, nesting found as in memory."""
    groups = {}
    for name, s in sums.items():
        s.group.codes = codes[name]
        groups[name] = s.group
    assign_hierarchy(groups)
    return groups
