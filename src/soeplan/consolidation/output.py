"""The rollup's output on the cell-by-cell path: the values to show, sorted and decoded.

:func:`_output_cells` adds to the propagated sums the static leaves' own rows (the entity level)
and the local metrics, turns the sums back into the indicators' units, recomputes the ratios and
keeps the wanted indicators and years. :func:`_ordered_output` sorts the cells into the output's
order (year; scopes, units, groups, entities, each by id; indicator) and decodes them into
:data:`~soeplan.consolidation.records.VALUE_SCHEMA` with the nodes' names of that year.
:func:`_finished` makes the :class:`~soeplan.consolidation.records.Rollup`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from soeplan.consolidation.encoding import _Codes, _Run
from soeplan.consolidation.inputs import _SCALE
from soeplan.consolidation.ratios import _ratio_findings, _ratios
from soeplan.consolidation.records import _TYPE_ORDER, VALUE_SCHEMA, Rollup
from soeplan.rules import findings_frame
from soeplan.structure.dated import Structure


def _output_cells(
    values: pl.DataFrame,
    entity_rows: pl.DataFrame | None,
    local: pl.DataFrame,
    adjusted: bool,
    nodes: pl.DataFrame,
    run: _Run,
    present: set[int],
) -> pl.DataFrame:
    """The cells to output (in the indicators' units): the entity level, local metrics, ratios."""
    inds, grid, inputs = run.inds, run.grid, run.inputs
    width, n_nodes, code_of = grid.width, grid.n_nodes, inds.code_of
    c_ind = grid.cell_ind()
    not_ratio = ~c_ind.is_in(inds.ratio_c)
    parts = [values]
    if entity_rows is not None:
        parts.append(
            entity_rows.filter(pl.col("ind") < inds.n_ind)
            .select(grid.cell().alias("cell"), "value")
            .filter(not_ratio)
        )
    if not local.is_empty():
        parts.append(local.group_by("cell").agg(pl.col("value").sum()))
    # disjoint by construction: propagated sums (no local metrics), static leaves' own rows,
    # and local metrics of the other entities and of units
    # (a difference unit's booked gap is the one overlap: add it to its own row)
    values = pl.concat(parts) if len(parts) > 1 else values
    if adjusted:
        values = values.group_by("cell").agg(pl.col("value").sum())
    del parts
    size = grid.span * n_nodes
    if entity_rows is None:  # no entity level
        # propagation also gives the entities placed year by year: not wanted here
        entity_pos = nodes.filter(pl.col("node_type") == "entity")["pos"]
        if not entity_pos.is_empty():
            mask = pl.zeros(size, pl.Boolean, eager=True).scatter(entity_pos, True)
            values = values.filter(~pl.lit(mask).gather(pl.col("cell") // width))
    values = values.with_columns(pl.col("value") / _SCALE)  # back to the indicators' units
    out_inds = inputs.out_inds
    values = pl.concat([values, _ratios(values, run.cat, out_inds, code_of, width, n_nodes)])
    out_c = {code_of[c] for c in out_inds}
    if not present <= out_c or any(code_of[c] not in out_c for c in inds.ratios):
        values = values.filter(c_ind.is_in(sorted(out_c)))
    if inputs.wanted_years is not None:
        wanted_off = [y - grid.y0 for y in inputs.wanted_years]
        values = values.filter((pl.col("cell") // width // n_nodes).is_in(wanted_off))
    return values


def _finished(
    values: pl.DataFrame,
    findings: list[Mapping[str, Any]],
    dropped: Sequence[str],
    structure: Structure,
) -> Rollup:
    findings = [*findings, *_ratio_findings(dropped)]
    return Rollup(values, findings_frame(findings), structure)


def _sorted_by_cell(
    values: pl.DataFrame, positions: pl.Series, size: int, width: int
) -> pl.LazyFrame | None:
    """``values`` sorted by cell, without a sort: the node-years with info (``positions``,
    below ``size``) number a dense table of cells; scattered into it, the values come out in
    order. ``None`` if a value is null, two rows share a cell or a node-year has no info
    (then sort instead)."""
    if values["value"].null_count():
        return None
    slots = positions.sort()
    # node-years without info go to one more slot at the end: any value there, and we sort
    slot_of = pl.repeat(len(slots), size, dtype=pl.UInt32, eager=True).scatter(
        slots, pl.int_range(len(slots), dtype=pl.UInt32, eager=True)
    )
    dense = values.select(
        pl.lit(slot_of).gather(pl.col("cell") // width).cast(pl.UInt64) * width
        + pl.col("cell") % width
    ).to_series()
    table = pl.Series([None], dtype=pl.Float64).extend_constant(None, (len(slots) + 1) * width - 1)
    table = table.scatter(dense, values["value"])
    filled = table.is_not_null()
    if filled.sum() != values.height or filled.tail(width).any():
        return None
    at = filled.arg_true()
    cell = slots.cast(pl.UInt64).gather(at // width) * width + (at % width)
    return pl.DataFrame({"cell": cell, "value": table.filter(filled)}).lazy()


def _ordered_output(
    values: pl.DataFrame,
    nodes: pl.DataFrame,
    codes: _Codes,
    inds: Sequence[str],
    y0: int,
    span: int,
    width: int,
) -> pl.DataFrame:
    """The output: sorted by year, then scopes, units, groups, entities, each by id, then by
    indicator code; with the nodes' names of that year, and ids and codes as strings."""
    n_nodes = len(codes.ids)
    pos = pl.col("cell") // width
    node = pos % n_nodes
    c_ind = pl.col("cell") % width
    # per node-year (pos): its place among the node types (1…; 0: no info for that year)
    place = nodes["node_type"].replace_strict(_TYPE_ORDER, return_dtype=pl.UInt8) + 1
    kind = pl.zeros(span * n_nodes, pl.UInt8, eager=True).scatter(nodes["pos"], place)
    by_cell = False
    if codes.in_order:  # sorting by cell is enough if each node's type is its codes' class
        c1, c2, c3 = codes.classes
        code = pl.col("node")
        cls = 1 + (code >= c1).cast(pl.UInt8) + (code >= c2) + (code >= c3)
        # (node-years without info, if any, make _sorted_by_cell give up)
        by_cell = bool(nodes.select((pl.lit(place) == cls.cast(pl.UInt8)).all()).item())
    ordered = _sorted_by_cell(values, nodes["pos"], span * n_nodes, width) if by_cell else None
    if ordered is None:  # one packed UInt64 key (year, type, id's rank, indicator)
        key = (
            ((pos // n_nodes) * 6 + pl.lit(kind).gather(pos)) * n_nodes
            + pl.lit(codes.order).gather(node).cast(pl.UInt64)
        ) * width + c_ind
        ordered = values.lazy().sort(key)
    info = ["node_type", "name_zh", "name_en", "unit"]
    if nodes.select("node", *info).unique().height == nodes["node"].n_unique():
        # the same names every year (no renames): look them up by node
        dense = pl.DataFrame({"node": pl.int_range(n_nodes, eager=True, dtype=pl.UInt32)}).join(
            nodes.select("node", *info).unique("node"), on="node", how="left", maintain_order="left"
        )
        names = {c: pl.lit(dense[c]).gather(node) for c in info}
    else:  # by node-year
        row = pl.Series([None], dtype=pl.UInt32).extend_constant(None, span * n_nodes - 1)
        row = row.scatter(nodes["pos"], pl.int_range(nodes.height, eager=True, dtype=pl.UInt32))
        at = pl.lit(row).gather(pos)
        names = {c: pl.lit(nodes[c]).gather(at) for c in info}
    return (
        ordered.select(
            node=pl.lit(codes.ids).gather(node),
            **names,
            year=(pos // n_nodes).cast(pl.Int64) + y0,
            indicator=pl.lit(pl.Series(inds, dtype=pl.String)).gather(c_ind),
            value=pl.col("value"),
        )
        .cast(VALUE_SCHEMA)  # type: ignore[arg-type]
        .collect()
    )
