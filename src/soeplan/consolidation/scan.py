"""The one pass over the big frame: each row keyed by one packed integer, summed by that key.

Each row's entity, indicator and year become one packed integer (the entity's first node from
the :class:`~soeplan.consolidation.encoding._KeyMap`, the indicator's code, the year), so that
the group-by hashes one integer per row. With the entity level, the entities keyed straight by
their first node are summed once more under keys of their own. When streaming, a big output is
summed in several passes, each over a share of the first nodes (bounded memory).
"""

from __future__ import annotations

import attrs
import polars as pl

from soeplan.consolidation.encoding import (
    _NO_KEY,
    _Engine,
    _Grid,
    _IndicatorCodes,
    _KeyMap,
)
from soeplan.consolidation.inputs import _Inputs

_CELLS_PER_PASS = 8_000_000  # streaming: at most about this many cells (integer keys) per pass


@attrs.frozen
class _Scan:
    """What the big pass gives: the sums by key, and what occurs in them."""

    grouped: pl.DataFrame  # key, value: the sums by packed key
    entity_rows: pl.DataFrame | None  # node, yo, ind, value: static leaves' own sums
    kinds: frozenset[int]  # the kinds of key that occur (_NO_KEY aside)
    no_key: bool  # rows of entities the structure does not know occur
    present: frozenset[int]  # the indicator codes that occur (n_ind: outside the catalogue)
    year_offs: frozenset[int]  # the years that occur, as offsets from y0


def _packed(
    firsts: pl.Series, n_firsts: int, keymap: _KeyMap, inds: _IndicatorCodes, grid: _Grid
) -> pl.Expr:
    """(first * width + indicator) * span + year, from two small lookups: few passes."""
    n_ind, width, span = inds.n_ind, grid.width, grid.span
    top = (n_firsts + 1) * width * span  # every key is below it
    dtype = pl.UInt32 if top <= 2**32 else pl.UInt64
    by_first = firsts.cast(dtype) * (width * span)
    by_ind = pl.Series([i * span for i in range(n_ind)], dtype=dtype)
    ind = pl.col("indicator").cast(pl.Enum(inds.names), strict=False).to_physical()
    return (
        pl.lit(by_first).gather(keymap.entity_code()).fill_null(n_firsts * width * span)
        + pl.lit(by_ind).gather(ind).fill_null(n_ind * span)
        + (pl.col("year") - grid.y0).cast(dtype)
    )


def _summed(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.group_by("key").agg(pl.col("value").sum())


def _scan(
    inputs: _Inputs,
    keymap: _KeyMap,
    inds: _IndicatorCodes,
    grid: _Grid,
    include_entities: bool,
    engine: _Engine,
) -> _Scan:
    """The big pass: the sums by packed key (and the static leaves' own sums)."""
    lf = inputs.frame
    width, span = grid.width, grid.span
    coded = lf.select(
        key=_packed(keymap.first, keymap.n_keys, keymap, inds, grid), value=pl.col("value")
    )
    queries = [_summed(coded)]
    if include_entities:
        n_ent = len(keymap.static)
        is_static = pl.lit(keymap.static).gather(keymap.entity_code()).fill_null(False)
        own_key = pl.int_range(n_ent, eager=True)
        queries.append(
            _summed(
                lf.filter(is_static).select(
                    key=_packed(own_key, n_ent, keymap, inds, grid), value=pl.col("value")
                )
            )
        )
    if engine == "streaming":
        # a streaming group-by holds every cell in memory: for big outputs, make several
        # passes, each over a share of the first nodes (read again, but bounded memory)
        cells = keymap.n_keys * span * len(inputs.read_inds & set(inds.code_of))
        passes = max(1, -(-cells // _CELLS_PER_PASS))
        if passes > 1:
            share = [
                _summed(coded.filter(pl.col("key") // (width * span) % passes == p)).collect(
                    engine=engine
                )
                for p in range(passes)
            ]
            queries[0] = pl.concat(share).lazy()
    collected = pl.collect_all(queries, engine=engine)
    return _decoded(collected[0], collected[1] if include_entities else None, keymap, grid)


def _decoded(
    grouped: pl.DataFrame, own: pl.DataFrame | None, keymap: _KeyMap, grid: _Grid
) -> _Scan:
    """Which kinds of key, which indicators and which years occur in the sums."""
    width, span = grid.width, grid.span
    key = pl.col("key")
    k = (key // (width * span)).cast(pl.UInt32)
    seen = (
        grouped.lazy()
        .select(
            k=k.unique().implode(),
            ind=(key // span % width).unique().implode(),
            yo=(key % span).unique().implode(),
        )
        .collect()
    )
    keys_seen = seen["k"][0]
    kinds = set(keymap.kind.gather(keys_seen).unique().to_list())
    no_key = _NO_KEY in kinds
    kinds.discard(_NO_KEY)
    entity_rows = None
    if own is not None:
        entity_rows = own.select(
            node=pl.lit(keymap.entity_node).gather(k),
            yo=(key % span).cast(pl.UInt64),
            ind=(key // span % width).cast(pl.UInt64),
            value=pl.col("value"),
        )
    return _Scan(
        grouped,
        entity_rows,
        frozenset(kinds),
        no_key,
        frozenset(seen["ind"][0].to_list()),
        frozenset(seen["yo"][0].to_list()),
    )
