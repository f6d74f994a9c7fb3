"""Propagation: every contribution into its node and all the nodes above it.

The big pass's sums are first split into contributions (:func:`_contributions`): the leaves'
figures, which propagate up; the own figures of groups and units (checked against their
children's, or standing in for them: :mod:`soeplan.consolidation.reported`); and the metrics
that do not roll up, which stay with the node that reports them. :func:`_propagate` adds the
contributions up the entity tree, to the units and on to the scopes; :func:`_propagate_wide`
does the same for wide rows (one column per indicator).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import polars as pl

from soeplan.consolidation.encoding import (
    _DIRECT,
    _KEYED_SCHEMA,
    _NO_KEY,
    _OWN,
    _PLACED,
    _Engine,
    _Grid,
    _IndicatorCodes,
    _KeyMap,
)


@attrs.frozen
class _Keyed:
    """The big pass's sums by kind of key."""

    direct: pl.DataFrame  # cell, value: leaves summed under their first node
    placed: pl.DataFrame  # _KEYED_SCHEMA, node: the entity (placed year by year)
    unit_rows: pl.DataFrame  # _KEYED_SCHEMA, node: the unit (a unit's own rows)


def _split_keys(
    grouped: pl.DataFrame,
    keymap: _KeyMap,
    grid: _Grid,
    n_ind: int,
    simple: bool,
    flat_rows: pl.DataFrame | None,
) -> _Keyed:
    """Split the keys: leaves summed under their first node, entities placed year by year
    (with the flat ones, ``flat_rows``), units' own rows. ``simple``: every key is a leaf's."""
    width, span, n_nodes = grid.width, grid.span, grid.n_nodes
    key = pl.col("key")
    k = (key // (width * span)).cast(pl.UInt32)
    if simple:  # one pass
        direct = grouped.select(
            cell=((key % span) * n_nodes + pl.lit(keymap.node).gather(k)) * width
            + key // span % width,
            value="value",
        )
        placed = unit_rows = pl.DataFrame(schema=_KEYED_SCHEMA)
    else:
        s1 = grouped.select(
            kind=pl.lit(keymap.kind).gather(k),
            node=pl.lit(keymap.node).gather(k),
            yo=(key % span).cast(pl.UInt64),
            ind=(key // span % width).cast(pl.UInt64),
            value=pl.col("value"),
        ).filter((pl.col("ind") < n_ind) & (pl.col("kind") != _NO_KEY))
        direct = s1.filter(pl.col("kind") == _DIRECT).select(grid.cell().alias("cell"), "value")
        placed = s1.filter(pl.col("kind") == _PLACED)  # node: the entity
        unit_rows = s1.filter(pl.col("kind") == _OWN)  # node: the unit
        del s1
    if flat_rows is not None:
        placed = pl.concat([placed, flat_rows])
    return _Keyed(direct, placed, unit_rows)


@attrs.frozen
class _Contributions:
    """What goes into the propagation, in cells (``cell, value``)."""

    leaf: pl.DataFrame  # the leaves' figures (no ratios, no local metrics)
    own: pl.DataFrame  # own figures of internal nodes (groups, units) (no ratios, no local)
    local: pl.DataFrame  # metrics that do not roll up: they stay with the node reporting them


def _contributions(
    keyed: _Keyed,
    nodes: pl.DataFrame,
    inds: _IndicatorCodes,
    present: set[int],
    grid: _Grid,
) -> _Contributions:
    """Contributions: cells from the leaves; own rows of internal nodes; local metrics."""
    width = grid.width
    c_ind = grid.cell_ind()
    cell_cols = [grid.cell().alias("cell"), "value"]
    not_ratio = ~c_ind.is_in(inds.ratio_c)
    is_none = c_ind.is_in(inds.none_c)
    direct, placed, unit_rows = keyed.direct, keyed.placed, keyed.unit_rows
    leaf_sum = direct
    if present & (set(inds.ratio_c) | set(inds.none_c)):
        leaf_sum = direct.filter(not_ratio & ~is_none)
    own_sum = local = direct.clear()
    if not placed.is_empty() or not unit_rows.is_empty():
        internal = nodes.filter(pl.col("internal") & (pl.col("node_type") != "scope")).select("pos")
        placed = placed.select(cell_cols).with_columns(pos=pl.col("cell") // width)
        placed_leaf = placed.join(internal, on="pos", how="anti").drop("pos")
        own = pl.concat(
            [placed.join(internal, on="pos", how="semi").drop("pos"), unit_rows.select(cell_cols)]
        )
        leaf_sum = pl.concat([leaf_sum, placed_leaf.filter(not_ratio & ~is_none)])
        own_sum = own.filter(not_ratio & ~is_none)
        # a metric that does not roll up stays with the entity or unit that reports it
        local = pl.concat([placed_leaf, own]).filter(is_none)
    return _Contributions(leaf_sum, own_sum, local)


def _levels(
    anc: pl.DataFrame, size: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.Series | None]:
    """The ancestor table's steps: up the tree, to the unit, units to scopes; and, where each
    node-year (below ``size``) has one unit, that unit as a lookup array (else ``None``)."""
    levels = anc.partition_by("level", as_dict=True, include_key=False)
    empty = anc.clear().drop("level")
    tree = levels.get(("tree",), empty)
    to_unit = levels.get(("unit",), empty)
    unit_scope = levels.get(("scope",), empty)  # only units lead to scopes
    unit_of = None
    if not to_unit["pos"].is_duplicated().any():
        unit_of = pl.Series([None], dtype=pl.UInt64).extend_constant(None, size - 1)
        unit_of = unit_of.scatter(to_unit["pos"], to_unit["anc"])
    return tree, to_unit, unit_scope, unit_of


def _propagate_wide(
    leaf: pl.DataFrame, anc: pl.DataFrame, cols: Sequence[str], size: int, engine: _Engine
) -> pl.DataFrame:
    """:func:`_propagate` for wide rows (``pos``, one column per indicator; null: no figure)."""
    tree, to_unit, unit_scope, unit_of = _levels(anc, size)
    # a column sums to null where no row has a figure (a missing cell, not zero)
    sums = [pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c) for c in cols]

    def up(frame: pl.LazyFrame, table: pl.DataFrame) -> pl.LazyFrame:
        return frame.join(table.lazy(), on="pos").group_by("anc").agg(sums).rename({"anc": "pos"})

    if unit_of is None:
        units = up(leaf.lazy(), to_unit)
    else:  # one unit per node-year: a lookup instead of a join
        units = (
            leaf.lazy()
            .with_columns(pos=pl.lit(unit_of).gather("pos"))
            .filter(pl.col("pos").is_not_null())
            .group_by("pos")
            .agg(sums)
        )
    return pl.concat(
        pl.collect_all([up(leaf.lazy(), tree), units, up(units, unit_scope)], engine=engine)
    )


def _propagate(
    leaf: pl.DataFrame, anc: pl.DataFrame, width: int, size: int, engine: _Engine = "auto"
) -> pl.DataFrame:
    """Add every contribution (``cell, value``) into its node and all the nodes above it.

    ``anc`` maps a node-year (``pos``, below ``size``) to every node-year it counts toward
    (``anc``), by ``level``. In three steps, so that each contribution is joined to few rows:
    up the entity tree, to its unit, then the units' totals to the scopes.
    """
    tree, to_unit, unit_scope, unit_of = _levels(anc, size)

    def up(frame: pl.LazyFrame, table: pl.DataFrame) -> pl.LazyFrame:
        return (
            frame.with_columns(pos=pl.col("cell") // width)
            .join(table.lazy(), on="pos")
            .group_by(cell=pl.col("anc") * width + pl.col("cell") % width)
            .agg(pl.col("value").sum())
        )

    if unit_of is None:
        units = up(leaf.lazy(), to_unit)
    else:  # one unit per node-year: a lookup instead of a join
        units = (
            leaf.lazy()
            .select(
                cell=pl.lit(unit_of).gather(pl.col("cell") // width) * width
                + pl.col("cell") % width,
                value="value",
            )
            .filter(pl.col("cell").is_not_null())
            .group_by("cell")
            .agg(pl.col("value").sum())
        )
    # one collect: the steps up the tree and to the units run side by side
    return pl.concat(
        pl.collect_all([up(leaf.lazy(), tree), units, up(units, unit_scope)], engine=engine)
    )
