"""The per-structure tables of a rollup: for each year, the nodes and what each counts toward.

For each data year, the structure in force (or the year's comparable structure) gives one row
per node (type, names, unit, depth in the tree, its difference unit, whether it has children)
and the steps a contribution is added along, by level: an entity to itself and every group
above it (``tree``) and to its unit (``unit``); a unit to itself (``unit``) and to each scope it
is in (``scope``). A scope's total is its units' totals, so no entity row leads to a scope. The tables of a year are made once per structure and set of flat entries
(see :mod:`soeplan.consolidation.cache`), then stamped with the year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from soeplan.consolidation.cache import _cached
from soeplan.consolidation.encoding import _Codes, _Grid
from soeplan.structure.dated import Snapshot, Structure
from soeplan.structure.records import NodeType


@attrs.frozen
class _Tables:
    """Per year: node info, and the steps each node's contributions are added along."""

    nodes: (
        pl.DataFrame
    )  # year, node, node_type, name_zh, name_en, unit, depth, diff_child, internal
    anc: pl.DataFrame  # year, node, anc, level


def _snapshot_rows(
    structure: Structure,
    snap: Snapshot,
    extra: Mapping[str, str],
    needed: frozenset[str],
    all_nodes: bool,
    code: Mapping[str, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[int, int, str]]]:
    """Node info and ancestor rows of one snapshot, nodes by their codes.

    Ancestor rows are made only for the nodes contributions can land on: units, groups,
    difference units, and the ``needed`` entities (placed year by year); node info for those
    and the scopes, or for every entity with ``all_nodes``.
    """
    nodes: list[tuple[Any, ...]] = []
    anc: list[tuple[int, int, str]] = []
    for s in structure.scopes.values():
        c = code[s.scope]
        nodes.append((c, "scope", s.name_zh or s.scope, s.name_en or s.scope, None, -2, None, True))
    for u in structure.units.values():
        c = code[u.id]
        nodes.append((c, "unit", u.name_zh, u.name_en, u.id, -1, None, True))
        anc += [(c, c, "unit")]
        anc += [(c, code[s.scope], "scope") for s in structure.scopes.values() if u.id in s.units]
    states = dict(snap.entities)
    children = snap.children_map
    for eid, st in states.items():
        kids = children.get(eid, ())
        placed = bool(kids) or eid in needed or st.node_type is not NodeType.SINGLE
        if not placed and not all_nodes:
            continue
        c = code[eid]
        ups = snap.ancestors(eid)
        diff = next((code[k] for k in kids if states[k].node_type is NodeType.DIFFERENCE), None)
        kind = "group" if st.node_type is NodeType.GROUP else "entity"
        name_en = st.name_en or st.name_zh
        nodes.append((c, kind, st.name_zh, name_en, st.unit, len(ups), diff, bool(kids)))
        if placed:
            uc = code[st.unit]
            anc += [(c, c, "tree")] + [(c, code[a], "tree") for a in ups] + [(c, uc, "unit")]
    for eid, unit in extra.items():  # each a known entity out of force, or one added by its id
        e = structure.entities[eid]
        c = code[eid]
        nodes.append((c, "entity", e.name_zh, e.name_en or e.name_zh, unit, 0, None, False))
        anc += [(c, c, "tree"), (c, code[unit], "unit")]
    return nodes, anc


_NODE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "node": pl.UInt32,
    "node_type": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "unit": pl.String,
    "depth": pl.Int32,
    "diff_child": pl.UInt32,
    "internal": pl.Boolean,
}
_ANC_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "node": pl.UInt32,
    "anc": pl.UInt32,
    "level": pl.String,
}


def _tables(
    structure: Structure,
    year: int,
    extra: Mapping[str, str],
    needed: frozenset[str],
    all_nodes: bool,
    codes: _Codes,
) -> _Tables:
    n, a = _snapshot_rows(structure, structure.at(year), extra, needed, all_nodes, codes.code)
    nodes = pl.DataFrame(n, schema=_NODE_SCHEMA, orient="row").unique(
        ["node"], keep="last"
    )  # an extra (flat) entry wins over its structure entry
    return _Tables(nodes, pl.DataFrame(a, schema=_ANC_SCHEMA, orient="row"))


def _tables_for(
    structure: Structure,
    data_years: Sequence[int],
    struct_year: Mapping[int, int],
    extra: Mapping[int, Mapping[str, str]],
    needed: frozenset[str],
    all_nodes: bool,
    codes: _Codes,
) -> _Tables:
    """The node and ancestor tables of ``data_years``, each year on the structure of
    ``struct_year[year]`` with that year's flat entries (``extra``: entity → unit)."""
    cache: dict[tuple[tuple[int, int], tuple[tuple[str, str], ...]], _Tables] = {}
    memo_key = ("rollup.tables", needed, all_nodes)
    parts = []
    for y in data_years:
        sy = struct_year[y]
        ex = extra.get(y, {})
        key = (structure.signature(sy), tuple(sorted(ex.items())))
        t = cache.get(key)
        if t is None:
            t = cache[key] = _cached(
                structure,
                (*memo_key, key),
                lambda: _tables(structure, sy, ex, needed, all_nodes, codes),  # noqa: B023
            )
        parts.append(
            _Tables(
                t.nodes.with_columns(year=pl.lit(y, pl.Int64)),
                t.anc.with_columns(year=pl.lit(y, pl.Int64)),
            )
        )
    return _Tables(pl.concat([p.nodes for p in parts]), pl.concat([p.anc for p in parts]))


def _positioned(tables: _Tables, grid: _Grid) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The node and ancestor tables with each node-year as its position (``pos``, see
    :class:`_Grid`)."""
    y0, n_nodes = grid.y0, grid.n_nodes
    pos_of = ((pl.col("year") - y0) * n_nodes).cast(pl.UInt64)
    nodes = tables.nodes.with_columns(pos=pos_of + pl.col("node"))
    anc = tables.anc.select(
        pos=pos_of + pl.col("node"), anc=pos_of + pl.col("anc"), level=pl.col("level")
    )
    return nodes, anc
