"""The store's monthly express reports (快报) as one frame: what a monthly rollup reads.

:func:`read_store_months` is :func:`~soeplan.submissions.store.read_store` for months: the
accepted version of each unit's 快报 for each month, each checked against its SHA-256, with the
month (:data:`soeplan.frames.MONTHLY_SCHEMA`). Annual submissions are never in it, and months
are never in ``read_store``: December's 快报 and the annual submission are two figures of the
same year, reconciled, not added.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from soeplan.frames import MONTHLY_SCHEMA
from soeplan.submissions.store import Store

__all__ = ["read_store_months"]


def read_store_months(
    root: Path | str,
    years: Iterable[int] | None = None,
    *,
    units: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The accepted 快报 in a store: ``unit, entity, year, month, indicator, value``.

    ``years`` and ``units`` narrow it down (a month's rollup reads its year and, for an
    average denominator, December of the year before). An empty or missing store gives an
    empty frame.
    """
    store = Store(Path(root))
    wanted_years = set(years) if years is not None else None
    wanted = set(units) if units is not None else None
    frames = [
        store._read_entry(e).with_columns(
            pl.lit(e.month, dtype=MONTHLY_SCHEMA["month"]).alias("month")
        )
        for e in store.current_months()
        if (wanted_years is None or e.year in wanted_years) and (wanted is None or e.unit in wanted)
    ]
    if not frames:
        return pl.DataFrame(schema=MONTHLY_SCHEMA)
    return (
        pl.concat(frames)
        .select(list(MONTHLY_SCHEMA))
        .cast(MONTHLY_SCHEMA)  # type: ignore[arg-type]
        .sort(["unit", "entity", "year", "month", "indicator"])
    )
