"""The bundled sample by month: synthetic express reports (快报) for 2022 and 2023.

**Every number this module produces is synthetic** (示例数据（合成），非真实企业数据). The monthly
figures are derived from an annual frame (the bundled sample, with the county plugins' own
samples laid over, or any other annual frame of the same columns) so that they agree with it:

* **Exact in December**: each entity's December year-to-date flow and December stock *is* its
  annual figure (the same float, copied, not recomputed), so a rollup of December equals the
  annual rollup.
* **Invented before December**:

  - *Flows* (revenue, profits; :attr:`soeplan.indicators.Flow.FLOW`): the annual amount is
    spread over the months by a seasonal profile (``_SEASON``: a slow first quarter, a strong
    December), each month's weight wobbling by at most ±20 %, seeded by entity, indicator and
    year; year-to-date is the running sum, in integer cents.
  - *Stocks* (assets; :attr:`~soeplan.indicators.Flow.STOCK`) and averages
    (:attr:`~soeplan.indicators.Flow.AVERAGE`): the straight line from the previous year-end
    balance to this year's (flat where there is no previous year), with a wobble of at most
    ±1 % of the year-end balance.
  - *Counts* (rated, listed enterprises): the previous year's count until a seeded month, this
    year's from then on.

Arithmetic is in integer cents and :class:`fractions.Fraction`; the only randomness is
:class:`random.Random` seeded with strings, so the output is the same on every platform.

>>> from soeplan.sample import sample_observations
>>> from soeplan.sample_monthly import monthly_sample
>>> months = monthly_sample(sample_observations([2022, 2023]), years=[2023])
>>> months.columns
['unit', 'entity', 'year', 'month', 'indicator', 'value']
>>> december = months.filter(month=12).drop("month")
>>> annual = sample_observations([2023])
>>> december.sort("unit", "entity", "indicator").equals(annual.sort("unit", "entity", "indicator"))
True
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import polars as pl

from soeplan.context import current
from soeplan.frames import MONTHLY_SCHEMA
from soeplan.indicators import Flow, Kind
from soeplan.sample import SEED, SYNTHETIC_NOTE

if TYPE_CHECKING:
    from soeplan.indicators import Indicator
    from soeplan.plugins.registry import Registry

__all__ = ["MONTHLY_SAMPLE_YEARS", "SYNTHETIC_NOTE", "monthly_sample"]

#: Years the monthly sample covers: 2023, and 2022 for the same-period comparison (同比).
MONTHLY_SAMPLE_YEARS = (2022, 2023)

# A synthetic seasonal profile of flows, January to December (weights, not shares).
_SEASON = (6, 6, 8, 8, 8, 9, 8, 8, 9, 9, 9, 12)


def _rng(*key: object) -> random.Random:
    return random.Random(":".join([SEED, "monthly", *map(str, key)]))


def _cents(value: float) -> int:
    return round(Fraction(value) * 100)


def _flow_path(annual: float, key: tuple[object, ...]) -> list[float]:
    rng = _rng(*key)
    weights = [Fraction(w) * (1 + Fraction(rng.randint(-20, 20), 100)) for w in _SEASON]
    total, cents, out, run = sum(weights), _cents(annual), [], Fraction(0)
    for w in weights[:-1]:
        run += w
        out.append(round(cents * run / total) / 100)
    return [*out, annual]


def _stock_path(before: float | None, end: float, key: tuple[object, ...]) -> list[float]:
    rng = _rng(*key)
    start, stop = _cents(end if before is None else before), _cents(end)
    out = []
    for month in range(1, 12):
        line = start + Fraction(stop - start) * month / 12
        wobble = Fraction(rng.randint(-100, 100), 10_000) * abs(stop)
        out.append(round(line + wobble) / 100)
    return [*out, end]


def _count_path(before: float | None, end: float, key: tuple[object, ...]) -> list[float]:
    if before is None or before == end:
        return [end] * 12
    switch = _rng(*key).randint(1, 12)
    return [before if month < switch else end for month in range(1, 13)]


def _path(
    ind: Indicator | None, before: float | None, end: float, key: tuple[object, ...]
) -> list[float] | None:
    if ind is None or ind.kind is Kind.RATIO:
        return None  # a ratio is recomputed from its components, never generated
    if ind.kind is Kind.COUNT:
        return _count_path(before, end, key)
    if ind.flow is Flow.FLOW:
        return _flow_path(end, key)
    return _stock_path(before, end, key)


def monthly_sample(
    annual: pl.DataFrame,
    *,
    years: Iterable[int] = MONTHLY_SAMPLE_YEARS,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """**Synthetic** monthly figures (快报) for ``years``, derived from an annual frame.

    ``annual`` is a long frame ``unit, entity, year, indicator, value`` holding each wanted year
    and, for stocks and counts, the year before (without it a year's stocks start flat). The
    result has :data:`soeplan.frames.MONTHLY_SCHEMA`: flows year-to-date, stocks and counts at
    the month's end, December equal to the annual figures; indicators outside the catalogue and
    ratios are left out. Sorted by unit, entity, year, month and indicator.
    """
    catalogue: Mapping[str, Indicator] = current(registry).indicators
    wanted = sorted(set(years))
    frame = annual.select("unit", "entity", "year", "indicator", "value")
    before = {
        (e, int(y) + 1, i): float(v)
        for e, y, i, v in frame.select("entity", "year", "indicator", "value").iter_rows()
    }
    rows: dict[str, list[Any]] = {name: [] for name in MONTHLY_SCHEMA}
    for unit, entity, year, indicator, value in frame.filter(
        pl.col("year").is_in(wanted)
    ).iter_rows():
        key = (entity, indicator, year)
        prior = before.get((entity, year, indicator))
        path = _path(catalogue.get(indicator), prior, float(value), key)
        for month, figure in enumerate(path or (), start=1):
            for name, item in zip(
                MONTHLY_SCHEMA, (unit, entity, year, month, indicator, figure), strict=True
            ):
                rows[name].append(item)
    return pl.DataFrame(rows, schema=MONTHLY_SCHEMA).sort(
        "unit", "entity", "year", "month", "indicator"
    )
