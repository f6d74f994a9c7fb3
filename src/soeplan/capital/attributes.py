"""Each entity's register attributes for each year: what every capital figure starts from.

:data:`ATTRIBUTE_SCHEMA` is :data:`~soeplan.submissions.register_view.REGISTER_FRAME_SCHEMA`
with a ``year``: for year *Y*, each unit's register as stated for the end of *Y* (its version
with the latest as-of date on or before 31 December, else its earliest). :func:`store_attributes`
reads them from a store's registers, :func:`register_attributes` from registers built in code
(the synthetic sample's, :mod:`soeplan.capital.sample_register`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from soeplan.registers.records import Register
from soeplan.submissions.register_view import REGISTER_FRAME_SCHEMA, frame_row, register_frame
from soeplan.submissions.store import Store

__all__ = ["ATTRIBUTE_SCHEMA", "register_attributes", "store_attributes"]

#: The columns of an attributes frame: the register frame's and the year it is stated for.
ATTRIBUTE_SCHEMA: dict[str, Any] = {"year": pl.Int32, **REGISTER_FRAME_SCHEMA}


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _in_force(registers: Sequence[Register], at: dt.date) -> Register | None:
    if not registers:
        return None
    dated = [r for r in registers if r.as_of <= at]
    return max(dated, key=lambda r: r.as_of) if dated else min(registers, key=lambda r: r.as_of)


def register_attributes(registers: Iterable[Register], years: Iterable[int]) -> pl.DataFrame:
    """The attributes frame of ``registers`` (several per unit: each stated for its as-of date)
    for each of ``years``."""
    by_unit: dict[str, list[Register]] = {}
    for r in registers:
        by_unit.setdefault(r.unit, []).append(r)
    rows = []
    for year in years:
        for unit in sorted(by_unit):
            chosen = _in_force(by_unit[unit], _year_end(year))
            if chosen is not None:
                rows += [(year, *frame_row(chosen, e)) for e in chosen.entries]
    return pl.DataFrame(rows, schema=ATTRIBUTE_SCHEMA, orient="row")


def store_attributes(store: Store | Path | str, years: Iterable[int]) -> pl.DataFrame:
    """The attributes frame of the store's registers for each of ``years`` (empty when the store
    holds no register)."""
    frames = [
        register_frame(store, _year_end(y)).with_columns(pl.lit(y, pl.Int32).alias("year"))
        for y in years
    ]
    if not frames:
        return pl.DataFrame(schema=ATTRIBUTE_SCHEMA)
    return pl.concat(frames).select(list(ATTRIBUTE_SCHEMA))
