"""The rollup for a period: a year, or a month's express report (月度快报).

:func:`rollup_period` rolls the figures of one :class:`~soeplan.periods.Period` up through the
structure as it stands at the period's end (:meth:`~soeplan.structure.dated.Structure.as_of`).
For a year it is :func:`~soeplan.consolidation.rollup.rollup` of that year. For a month it reads
the monthly rows (``entity, year, month, indicator, value``, :data:`soeplan.frames.MONTHLY_SCHEMA`)
of that month: stocks are the balances at the month's end, flows the year-to-date totals (as a
快报 reports them), and every ratio is recomputed from those components, so a year-to-date ratio
is the ratio of year-to-date totals (a June ROE is half a year's profit over June's equity, not
annualised). A ratio over an average denominator (``roe_avg``) averages the year's opening
balance (the previous year's closing one: December's 快报 of that year, else the ``opening``
frame's annual figure) and the balance at the month's end. December therefore gives exactly the
annual rollup of the year for every stock, flow and ratio
(:doc:`/reference/periods`).

The values frame is the annual :data:`~soeplan.consolidation.records.VALUE_SCHEMA` with
``month`` after ``year`` (:data:`MONTHLY_VALUE_SCHEMA`).

>>> import polars as pl
>>> from soeplan.periods import Period
>>> from soeplan.structure.city import city_structure
>>> obs = pl.DataFrame({
...     "entity": ["mun.jinkong.hq", "mun.jinkong.fund"] * 2,
...     "year": [2023] * 4,
...     "month": [5, 5, 6, 6],
...     "indicator": ["revenue"] * 4,
...     "value": [4.0, 1.0, 5.0, 1.5],
... })
>>> r = rollup_period(obs, city_structure(sample=True), Period(2023, 6))
>>> r.value("mun.jinkong", "revenue", 2023)
6.5
>>> r.values.columns[5:7]
['year', 'month']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import polars as pl

from soeplan.consolidation.inputs import indicator_catalogue, normalise_observations
from soeplan.consolidation.records import VALUE_SCHEMA, GroupReported, Rollup
from soeplan.consolidation.rollup import rollup
from soeplan.errors import SoeplanError
from soeplan.frames import COLUMNS, DType
from soeplan.indicators import Indicator
from soeplan.periods import Period
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["MONTHLY_VALUE_SCHEMA", "monthly_rows", "rollup_period"]

#: A monthly rollup's values: the annual values frame with ``month`` after ``year``.
MONTHLY_VALUE_SCHEMA: dict[str, DType] = {
    **{k: v for k, v in VALUE_SCHEMA.items() if k in ("node", "node_type", "name_zh", "name_en")},
    **{k: v for k, v in VALUE_SCHEMA.items() if k in ("unit", "year")},
    "month": COLUMNS["month"],
    **{k: v for k, v in VALUE_SCHEMA.items() if k in ("indicator", "value")},
}


def monthly_rows(observations: pl.DataFrame | pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """The rows of ``period``'s month as a long frame without ``month`` (lazy).

    A frame without a ``month`` column holds annual figures, not a 快报: it is refused for a
    month (the message says what to give instead).
    """
    lf = observations.lazy()
    names = lf.collect_schema().names()
    if "month" not in names:
        raise SoeplanError(
            f"the figures have no month column, so they hold no express report for {period} "
            f"/ 数据无月份列，不是 {period.zh} 快报数据\n"
            "  fix: give monthly figures (unit, entity, year, month, indicator, value), or "
            f"roll up the year with --year {period.year}"
        )
    month = pl.col("month").cast(pl.Int64)
    return lf.filter((pl.col("year").cast(pl.Int64) == period.year) & (month == period.month)).drop(
        "month"
    )


def rollup_period(
    observations: pl.DataFrame | pl.LazyFrame,
    structure: Structure,
    period: Period,
    *,
    opening: pl.DataFrame | pl.LazyFrame | None = None,
    indicators: Iterable[str] | None = None,
    group_reported: GroupReported | str = GroupReported.CHECK,
    include_entities: bool = True,
    registry: Registry | None = None,
    streaming: bool = False,
) -> Rollup:
    """Roll the figures of one period up to every node, in the structure at the period's end.

    For a year, ``observations`` are annual (``entity, year, indicator, value``) and the result
    is :func:`~soeplan.consolidation.rollup.rollup` for that year. For a month they are monthly
    (with ``month``; other months and years are left out, so a whole store or a 120M-row Parquet
    scan can be given) and the values frame carries ``month`` (:data:`MONTHLY_VALUE_SCHEMA`).
    ``opening`` (annual figures) gives the year's opening balances for an average denominator
    where the monthly figures hold no December of the previous year.
    """
    frame = observations
    if not period.is_annual:
        frame = monthly_rows(observations, period)
        cat = indicator_catalogue(registry)
        prev = _opening_balances(observations, opening, period, cat, indicators)
        if prev is not None:
            frame = pl.concat([normalise_observations(frame)[0], prev], how="diagonal_relaxed")
    result = rollup(
        frame,
        structure.as_of(period.end_date),
        years=[period.year],
        indicators=indicators,
        group_reported=group_reported,
        include_entities=include_entities,
        registry=registry,
        streaming=streaming,
    )
    if period.is_annual:
        return result
    values = result.values.with_columns(pl.lit(period.month, dtype=COLUMNS["month"]).alias("month"))
    return Rollup(values.select(list(MONTHLY_VALUE_SCHEMA)), result.findings, result.structure)


def _opening_balances(
    observations: pl.DataFrame | pl.LazyFrame,
    opening: pl.DataFrame | pl.LazyFrame | None,
    period: Period,
    cat: Mapping[str, Indicator],
    indicators: Iterable[str] | None,
) -> pl.LazyFrame | None:
    """The previous year's closing balances of the average denominators (``year`` one before).

    From the monthly figures' December of the previous year, else from ``opening``'s annual
    figures for that year (an entity's December figure wins over its annual one).
    """
    wanted = set(cat) if indicators is None else set(indicators)
    dens = sorted(
        f.denominator
        for c in wanted
        if c in cat and (f := cat[c].formula) is not None and f.denominator_average
    )
    if not dens:
        return None
    keys = ["entity", "indicator"]
    december = normalise_observations(monthly_rows(observations, Period(period.year - 1, 12)))[0]
    december = december.filter(pl.col("indicator").is_in(dens))
    if opening is None:
        return december
    lf, _ = normalise_observations(opening)
    annual = lf.filter((pl.col("year") == period.year - 1) & pl.col("indicator").is_in(dens))
    return pl.concat(
        [december, annual.join(december.select(keys), on=keys, how="anti")],
        how="diagonal_relaxed",
    )
