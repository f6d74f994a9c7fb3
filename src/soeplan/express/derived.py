"""The figures a monthly express report (快报) derives from its year-to-date frames.

Every function takes a monthly long frame: :data:`soeplan.frames.MONTHLY_SCHEMA` (``unit,
entity, year, month, indicator, value``) or a monthly rollup's values (the annual
:data:`soeplan.VALUE_SCHEMA` with ``month`` after ``year``). Whatever columns come besides
``year``, ``month``, ``indicator`` and ``value`` are the *key* a figure belongs to (an entity, a
node with its names) and are carried through. Flows are year-to-date (1 January to the month's
end), stocks the balance at the month's end; each indicator says which it is
(:attr:`soeplan.Indicator.flow`). The formulas are in ``docs/reference/express-figures.md``.

>>> import polars as pl
>>> ytd = pl.DataFrame({"entity": ["a"] * 3, "year": [2023] * 3, "month": [1, 2, 3],
...                     "indicator": ["revenue"] * 3, "value": [4.0, 9.0, 15.0]})
>>> monthly_amounts(ytd)["value"].to_list()
[4.0, 5.0, 6.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import polars as pl

from soeplan.context import current
from soeplan.frames import COLUMNS
from soeplan.indicators import Flow, Indicator, Kind
from soeplan.periods import Period

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = [
    "FIGURE_COLUMNS",
    "key_columns",
    "month_on_month",
    "monthly_amounts",
    "year_on_year",
    "ytd_ratios",
]

#: The columns a derived frame holds besides its key: see each function.
FIGURE_COLUMNS = ("year", "month", "indicator", "value")


def _catalogue(registry: Registry | None) -> Mapping[str, Indicator]:
    return (registry or current()).indicators


def key_columns(frame: pl.DataFrame) -> list[str]:
    """The columns that say whose a figure is: all but ``year, month, indicator, value``.

    >>> key_columns(pl.DataFrame(schema=["unit", "entity", "year", "month", "indicator", "value"]))
    ['unit', 'entity']
    """
    return [c for c in frame.columns if c not in FIGURE_COLUMNS]


def _codes(catalogue: Mapping[str, Indicator], flow: Flow) -> list[str]:
    return [i.code for i in catalogue.values() if i.kind is not Kind.RATIO and i.flow is flow]


def _percentages(catalogue: Mapping[str, Indicator]) -> list[str]:
    """The ratios printed in percent: compared in points, with no growth rate (a ratio in its
    own unit, 全员劳动生产率 in 万元/人, grows like an amount)."""
    return [i.code for i in catalogue.values() if i.kind is Kind.RATIO and i.unit == "%"]


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("year").cast(COLUMNS["year"]),
        pl.col("month").cast(COLUMNS["month"]),
        pl.col("value").cast(COLUMNS["value"]),
    )


def monthly_amounts(frame: pl.DataFrame, *, registry: Registry | None = None) -> pl.DataFrame:
    """Each flow's amount for the month alone: this month's year-to-date less last month's.

    January's amount is its year-to-date figure (the year starts again). A month whose previous
    month is missing from the frame has no amount (null): it cannot be told from the year-to-date
    figure alone. Stocks and ratios are left out (a balance has no amount of its own). The
    result has the frame's key, ``year``, ``month``, ``indicator`` and ``value``.

    >>> ytd = pl.DataFrame({"entity": ["a"] * 2, "year": [2023] * 2, "month": [4, 6],
    ...                     "indicator": ["revenue"] * 2, "value": [4.0, 9.0]})
    >>> monthly_amounts(ytd)["value"].to_list()  # May is missing: June's amount is unknown
    [None, None]
    """
    flows = _codes(_catalogue(registry), Flow.FLOW)
    keys = key_columns(frame)
    f = _typed(frame.filter(pl.col("indicator").is_in(flows)))
    previous = f.select(
        *keys,
        "year",
        (pl.col("month") + 1).cast(COLUMNS["month"]).alias("month"),
        "indicator",
        pl.col("value").alias("_before"),
    )
    joined = f.join(
        previous, on=[*keys, "year", "month", "indicator"], how="left", nulls_equal=True
    )
    value = (
        pl.when(pl.col("month") == 1)
        .then(pl.col("value"))
        .otherwise(pl.col("value") - pl.col("_before"))
    )
    return joined.with_columns(value.alias("value")).drop("_before").sort([*keys, "year", "month"])


def _compared(frame: pl.DataFrame, base: str, ratios: list[str]) -> pl.DataFrame:
    """``change = value − base`` and ``growth = change / |base|`` (null for ratios and for a
    zero or missing base)."""
    change = pl.col("value") - pl.col(base)
    growth = (
        pl.when(pl.col("indicator").is_in(ratios) | (pl.col(base) == 0))
        .then(None)
        .otherwise(change / pl.col(base).abs())
    )
    return frame.with_columns(change.alias("change"), growth.alias("growth"))


def _at(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    f = frame.filter(pl.col("year") == period.year)
    if period.month is not None:
        f = f.filter(pl.col("month") == period.month)
    return f


def year_on_year(
    frame: pl.DataFrame, period: Period, *, registry: Registry | None = None
) -> pl.DataFrame:
    """同比: each figure of ``period`` against the same period last year.

    Columns: the key, ``year``, ``month``, ``indicator``, ``value`` (this period's),
    ``last_year`` (the same period's last year), ``change`` (``value − last_year``) and
    ``growth`` (``change / |last_year|``). Growth is divided by the *absolute* value of last
    year's figure, so that a loss that narrows grows (−10 → −4: +60 %, 减亏) and a profit that
    turns into a loss falls (10 → −5: −150 %); it is null where last year's figure is missing
    or zero (no base: 上年同期为零或缺失). A ratio in percent has its 同比 as a change in
    percentage points (``change``, as a fraction) and no growth; a ratio in its own unit
    (全员劳动生产率, 万元/人) grows like an amount.

    >>> f = pl.DataFrame({"entity": ["a", "a"], "year": [2022, 2023], "month": [6, 6],
    ...                   "indicator": ["total_profit"] * 2, "value": [-10.0, -4.0]})
    >>> year_on_year(f, Period(2023, 6)).select("last_year", "change", "growth").row(0)
    (-10.0, 6.0, 0.6)
    """
    catalogue = _catalogue(registry)
    ratios = _percentages(catalogue)
    keys = key_columns(frame)
    f = _typed(frame)
    now = _at(f, period)
    before = _at(f, period.same_period_last_year()).select(
        *[c for c in keys if not c.startswith("name_")],
        "month",
        "indicator",
        pl.col("value").alias("last_year"),
    )
    on = [c for c in keys if not c.startswith("name_")] + ["month", "indicator"]
    out = now.join(before, on=on, how="left", nulls_equal=True)
    return _compared(out, "last_year", ratios).sort([*keys, "indicator"])


def month_on_month(
    frame: pl.DataFrame, period: Period, *, registry: Registry | None = None
) -> pl.DataFrame:
    """环比: this month against the month before, where it means something.

    A flow compares the month's own amount (:func:`monthly_amounts`) with the previous month's
    (year-to-date figures of two months always differ by a month's amount, so comparing them
    says nothing); a stock compares its balance (an average, its average) with the previous month-end's (较上月末); a
    ratio is compared in percentage points. January has no 环比 (the year-to-date restarts and
    :meth:`soeplan.Period.previous_month` is None), nor has a whole year: the result is empty.
    Columns: the key, ``year``, ``month``, ``indicator``, ``value``, ``previous``, ``change``
    and ``growth`` (``change / |previous|``; null for ratios and a zero or missing base).

    >>> f = pl.DataFrame({"entity": ["a"] * 3, "year": [2023] * 3, "month": [1, 2, 3],
    ...                   "indicator": ["revenue"] * 3, "value": [4.0, 9.0, 15.0]})
    >>> month_on_month(f, Period(2023, 3)).select("value", "previous", "growth").row(0)
    (6.0, 5.0, 0.2)
    """
    previous_period = period.previous_month()
    keys = key_columns(frame)
    catalogue = _catalogue(registry)
    ratios = _percentages(catalogue)
    f = _typed(frame)
    if previous_period is None:
        empty = f.clear().with_columns(
            *(pl.lit(None, pl.Float64).alias(c) for c in ("previous", "change", "growth"))
        )
        return empty
    levels = f.filter(
        pl.col("indicator").is_in(
            _codes(catalogue, Flow.STOCK) + _codes(catalogue, Flow.AVERAGE) + ratios
        )
    )
    both = pl.concat([levels, monthly_amounts(f, registry=registry)], how="vertical_relaxed")
    now = _at(both, period)
    on = [c for c in keys if not c.startswith("name_")] + ["year", "indicator"]
    before = _at(both, previous_period).select(*on, pl.col("value").alias("previous"))
    out = now.join(before, on=on, how="left", nulls_equal=True)
    return _compared(out, "previous", ratios).sort([*keys, "indicator"])


def ytd_ratios(frame: pl.DataFrame, *, registry: Registry | None = None) -> pl.DataFrame:
    """Every ratio of the catalogue recomputed from the frame's year-to-date components.

    A ratio of two flows (利润率 = 利润总额 / 营业收入) is a ratio of year-to-date totals; a flow
    over a stock (净资产收益率 = 净利润 / 净资产) is the year-to-date flow over the month-end
    balance, not annualised (June's is about half a year's). A ratio over an averaged
    denominator (``denominator_average``) takes the mean of last December's balance and this
    month's; without last December in the frame it is null. A zero denominator gives null.
    Ratios already in the frame are replaced; other rows are left as they are.

    >>> f = pl.DataFrame({"entity": ["a"] * 2, "year": [2023] * 2, "month": [6, 6],
    ...                   "indicator": ["total_profit", "revenue"], "value": [2.0, 40.0]})
    >>> ytd_ratios(f).filter(pl.col("indicator") == "profit_margin")["value"].to_list()
    [0.05]
    """
    catalogue = _catalogue(registry)
    keys = key_columns(frame)
    f = _typed(frame)
    ratios = [i for i in catalogue.values() if i.kind is Kind.RATIO and i.formula is not None]
    kept = f.filter(~pl.col("indicator").is_in([r.code for r in ratios]))
    on = [*keys, "year", "month"]
    out = [kept]
    for ind in ratios:
        formula = ind.formula
        assert formula is not None
        num = kept.filter(pl.col("indicator") == formula.numerator).select(
            *on, pl.col("value").alias("_num")
        )
        den = kept.filter(pl.col("indicator") == formula.denominator).select(
            *on, pl.col("value").alias("_den")
        )
        both = num.join(den, on=on, how="inner", nulls_equal=True)
        if formula.denominator_average:
            opening = den.filter(pl.col("month") == 12).select(
                *keys, (pl.col("year") + 1).cast(COLUMNS["year"]), pl.col("_den").alias("_open")
            )
            both = both.join(opening, on=[*keys, "year"], how="left", nulls_equal=True)
            both = both.with_columns(((pl.col("_den") + pl.col("_open")) / 2).alias("_den"))
        v = pl.when(pl.col("_den") == 0).then(None).otherwise(pl.col("_num") / pl.col("_den"))
        if formula.one_minus:
            v = 1 - v
        out.append(
            both.select(*on, pl.lit(ind.code).alias("indicator"), v.alias("value")).select(
                f.columns
            )
        )
    return pl.concat(out, how="vertical_relaxed").sort([*keys, "year", "month", "indicator"])
