"""The long frame of figures every part of soeplan passes around (private).

``unit, entity, year, indicator, value``: what a reader, the store, the sample and a plugin's
data file all have in common; each adds its own columns after these.
"""

from __future__ import annotations

import polars as pl

#: The columns every observations frame starts with, in order.
LONG_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "unit": pl.String,
    "entity": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    "value": pl.Float64,
}


def empty_long() -> pl.DataFrame:
    """An empty frame of :data:`LONG_SCHEMA`."""
    return pl.DataFrame(schema=LONG_SCHEMA)
