"""The wide path: the usual rollup in one row per node and year, one column per indicator.

When every key of the big pass is a leaf summed under its first node (no entity placed year by
year, no group's own figures, no unknown entity, no metric outside the catalogue or one that
does not roll up) and the entity level is not wanted, the work after the big pass runs on wide
rows (in memory, and where the table below stays small for the data; the choice is made in
:mod:`soeplan.consolidation.rollup`): the sums are scattered into a table of (key, year) rows × indicator columns, propagated
up the tree, to the units and the scopes, the ratios added as columns, and the rows read back in
the output's order. The same figures as the cell-by-cell path, bit for bit (tests compare them).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from soeplan.consolidation.encoding import _Codes, _Engine, _Grid
from soeplan.consolidation.inputs import _SCALE
from soeplan.consolidation.propagate import _propagate_wide
from soeplan.consolidation.ratios import _wide_ratios
from soeplan.consolidation.records import _TYPE_ORDER, VALUE_SCHEMA
from soeplan.indicators import Ratio


def _wide_rollup(
    grouped: pl.DataFrame,
    node_of_key: pl.Series,
    nodes: pl.DataFrame,
    anc: pl.DataFrame,
    codes: _Codes,
    inds: Sequence[str],
    out_c: Sequence[int],
    ratios: Sequence[tuple[int, Ratio]],
    summed: Sequence[int],
    grid: _Grid,
    wanted_years: Sequence[int] | None,
    engine: _Engine,
) -> pl.DataFrame:
    """The rollup's output from the big pass's sums when every key is a leaf summed under its
    first node: one row per node and year, one column per indicator (null: no figure).

    The same figures as the cell-by-cell path, in the same order (tests compare the two): the
    sums are exact, ratios are the same float operations, and the output is read row by row.
    """
    n_nodes = grid.n_nodes
    code_of = {c: i for i, c in enumerate(inds)}
    cols = [f"c{c}" for c in summed]
    leaf = _leaf_rows(grouped, node_of_key, summed, grid)
    values = _propagate_wide(leaf, anc, cols, grid.span * n_nodes, engine).with_columns(
        pl.col(cols) / _SCALE
    )
    values, have = _wide_ratios(values, ratios, summed, code_of, n_nodes)
    shown = [c for c in out_c if c in have]
    if not shown:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    if wanted_years is not None:
        offs = [y - grid.y0 for y in wanted_years]
        values = values.filter((pl.col("pos") // n_nodes).is_in(offs))
    rows = _ordered_rows(values, nodes, codes, shown, n_nodes)
    return _figures(rows, codes, inds, shown, grid)


def _leaf_rows(
    grouped: pl.DataFrame, node_of_key: pl.Series, summed: Sequence[int], grid: _Grid
) -> pl.DataFrame:
    """The sums as wide rows: a node-year (``pos``) and a column ``c<code>`` per indicator."""
    span, width, n_nodes = grid.span, grid.width, grid.n_nodes
    n_keys = len(node_of_key)
    # the sums into a table of (key, year) rows × indicator columns, through one scatter
    key = pl.col("key")
    slot = ((key // (width * span)) * span + key % span) * width + key // span % width
    table = pl.Series([None], dtype=pl.Float64).extend_constant(None, n_keys * span * width - 1)
    table = table.scatter(grouped.select(slot.cast(pl.UInt64)).to_series(), grouped["value"])
    row = pl.int_range(pl.len(), dtype=pl.UInt64)
    cols = [f"c{c}" for c in summed]
    return (
        pl.DataFrame({"v": table.reshape((n_keys * span, width))})
        .select(
            pos=(row % span) * n_nodes + pl.lit(node_of_key).gather(row // span),
            **{f"c{c}": pl.col("v").arr.get(c) for c in summed},
        )
        .filter(pl.col("pos").is_not_null() & pl.any_horizontal(pl.col(cols).is_not_null()))
    )


def _ordered_rows(
    values: pl.DataFrame, nodes: pl.DataFrame, codes: _Codes, shown: Sequence[int], n_nodes: int
) -> pl.DataFrame:
    """The shown columns' rows with their nodes' info, in the output's order: year, type, id
    (a sort of node-years, not of figures); the entity level left out."""
    info = nodes.select(
        "pos",
        "node_type",
        "name_zh",
        "name_en",
        "unit",
        place=pl.col("node_type").replace_strict(_TYPE_ORDER, default=4, return_dtype=pl.UInt64)
        + 1,
    )
    return (
        values.select("pos", *[f"c{c}" for c in shown])
        .join(info, on="pos", how="left")
        .filter(pl.col("node_type").ne_missing("entity"))  # no entity level here
        .sort(
            ((pl.col("pos") // n_nodes) * 6 + pl.col("place").fill_null(0)) * n_nodes
            + pl.lit(codes.order).gather(pl.col("pos") % n_nodes).cast(pl.UInt64)
        )
    )


def _figures(
    rows: pl.DataFrame, codes: _Codes, inds: Sequence[str], shown: Sequence[int], grid: _Grid
) -> pl.DataFrame:
    """The ordered wide rows as the long values frame (:data:`VALUE_SCHEMA`)."""
    n_nodes = grid.n_nodes
    # row by row, each row's indicators in code order: the columns stacked one after the
    # other, read back in row order by arithmetic (a gather, not a sort)
    n, m = len(shown), rows.height
    stacked = pl.concat([rows[f"c{c}"] for c in shown], rechunk=True)
    i = pl.int_range(m * n, eager=True, dtype=pl.UInt32 if m * n < 2**32 else pl.UInt64)
    figures = pl.DataFrame({"i": i, "v": stacked.gather((i % n) * m + i // n)}).filter(
        pl.col("v").is_not_null()
    )
    at = (pl.col("i") // n).cast(pl.UInt32)
    pos = pl.lit(rows["pos"]).gather(at)
    return figures.select(
        node=pl.lit(codes.ids).gather(pos % n_nodes),
        **{c: pl.lit(rows[c]).gather(at) for c in ("node_type", "name_zh", "name_en", "unit")},
        year=(pos // n_nodes).cast(pl.Int64) + grid.y0,
        indicator=pl.lit(pl.Series([inds[c] for c in shown], dtype=pl.String)).gather(
            pl.col("i") % n
        ),
        value=pl.col("v"),
    ).cast(VALUE_SCHEMA)  # type: ignore[arg-type]
