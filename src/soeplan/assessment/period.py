"""Progress at a month (月度进度): a month's 快报 against the plan's yearly milestones.

:func:`assess_period` assesses the totals of one month as :func:`~soeplan.assessment.frame.
assess_frame` assesses a year: the same rates, ratio R, bands, statuses and verdicts, computed by
the same expressions. Only two inputs change, by what the indicator measures at a month
(:doc:`/explanation/assessment-methodology`, "Progress at a month"):

- a **point** figure (a stock, or a ratio of two stocks: total assets, the debt ratio) is a
  reading at the month's end, so the time elapsed is fractional: June 2023 on a plan based at
  the end of 2020 is 2.5 years along. Its milestone is the target's own path at that time (the
  compound path of an amount that compounds, else the straight line), so a figure on the
  milestone has R = 1 exactly.
- a **year-to-date** figure (a flow: revenue, profit) covers January to the month, so it is
  measured against this year's milestone scaled by the months elapsed (months/12: 60 of a
  milestone of 120 at June), the time-based expectation of budget execution. The rates are
  computed on the figure's annual run rate (×12/months); the ``current`` and ``milestone``
  columns show the year-to-date figure and the year-to-date expectation. A ratio of a flow to a
  stock (ROE) is annualised the same way (a June ROE is half a year's profit); a ratio of two
  flows (a margin) is a year-to-date reading of this year's ratio, taken as it is. Seasonality
  makes a year-to-date comparison rough (:data:`SEASONALITY_CAVEAT`).

December's figures are the year's, and December's assessment equals the annual one.

>>> import polars as pl, soeplan
>>> plan = soeplan.load_plan("quzhou-14th")
>>> obs = pl.DataFrame({"scope": ["全市"] * 2, "year": [2023] * 2,
...                     "indicator": ["net_profit", "total_assets"], "value": [6.0, 2400.0]})
>>> out = assess_period(obs, plan, soeplan.Period(2023, 6))
>>> row = out.filter(scope="city", indicator="net_profit").row(0, named=True)
>>> row["current"], row["basis"], row["elapsed"]
(6.0, 'year_to_date', 3.0)
>>> out.filter(scope="city", indicator="total_assets")["elapsed"].item()
2.5
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from soeplan.assessment.frame import (
    ASSESSMENT_SCHEMA,
    assess_rows,
    prepare_observations,
    targets_with_values,
)
from soeplan.assessment.records import AssessmentError
from soeplan.context import current
from soeplan.errors import Problem
from soeplan.indicators import Flow, Indicator, Kind
from soeplan.periods import Period
from soeplan.plan.model import Plan

__all__ = ["BASIS_DTYPE", "PERIOD_ASSESSMENT_SCHEMA", "SEASONALITY_CAVEAT", "assess_period"]

#: How a row's figure is read at a month: at the month's end, or from 1 January to it.
BASIS_DTYPE = pl.Enum(["point", "year_to_date"])

#: :data:`~soeplan.assessment.frame.ASSESSMENT_SCHEMA`, then the ``month`` (null for a year), the
#: row's ``basis``, the years ``elapsed`` it is assessed at and the ``scale`` its figure was
#: multiplied by for the rates (12/months for a flow, 1 for a point figure).
PERIOD_ASSESSMENT_SCHEMA: dict[str, pl.DataType] = {
    **ASSESSMENT_SCHEMA,
    "month": pl.Int8(),
    "basis": BASIS_DTYPE,
    "elapsed": pl.Float64(),
    "scale": pl.Float64(),
}

#: The caveat a month's assessment prints with its table (zh, en).
SEASONALITY_CAVEAT = (
    "本年累计指标按时间进度（已过月数/12）与本年里程碑比较，未考虑季节性，仅供参考；时点指标与"
    "月末的里程碑路径比较；流量与存量之比（如净资产收益率）按年化值列示。",
    "Year-to-date flows are compared with months/12 of the year's milestone (time-based, "
    "without seasonality: a rough guide); stocks with the milestone path at the month's end; "
    "a ratio of a flow to a stock (ROE) is shown annualised.",
)


def _reading(ind: Indicator | None, cat: Mapping[str, Indicator], months: int) -> tuple[str, float]:
    """An indicator's basis at a month and the factor that turns its figure into a rate a year.

    A flow's factor is 12/months; a ratio's is its numerator's over its denominator's (a flow
    over a stock is annualised, a flow over a flow is not); a stock's, a count's and an
    average's is 1. A ratio is year-to-date when a component is."""
    if ind is None:
        return "point", 1.0
    if ind.kind is not Kind.RATIO or ind.formula is None:
        ytd = ind.flow.year_to_date
        return ("year_to_date" if ytd else "point"), (12 / months if ind.flow is Flow.FLOW else 1.0)
    parts = [cat.get(ind.formula.numerator), cat.get(ind.formula.denominator)]
    flows = [p is not None and p.flow is Flow.FLOW for p in parts]
    ytd = any(p is not None and p.flow.year_to_date for p in parts)
    factor = (12 / months if flows[0] else 1.0) / (12 / months if flows[1] else 1.0)
    return ("year_to_date" if ytd else "point"), factor


def assess_period(observations: pl.DataFrame, plan: Plan, period: Period) -> pl.DataFrame:
    """Assess a period's scope totals against every target of ``plan``.

    A whole year is :func:`~soeplan.assessment.frame.assess_frame` of that year (``month``
    null, ``scale`` 1; only rows without a month are read). For a month,
    ``observations`` (``scope, year, indicator, value``; a ``month`` column, if any, is left out
    after keeping that month's rows) hold the month's totals: stocks at its end, flows
    year-to-date, as ``soeplan rollup --period`` gives them. Columns
    :data:`PERIOD_ASSESSMENT_SCHEMA`.
    """
    obs = observations
    if "month" in obs.columns:
        month = pl.col("month").cast(pl.Int64, strict=False)
        year = pl.col("year").cast(pl.Int64, strict=False)
        keep = (
            month.is_null()
            if period.is_annual
            else (month == period.month) | (month.is_null() & (year != period.year))
        )
        obs = obs.filter(keep.fill_null(False)).drop("month")
    prepared = prepare_observations(obs, plan)
    months = period.months_elapsed
    elapsed_base = period.year - plan.base_year - (0 if period.is_annual else 1 - months / 12)
    if elapsed_base <= 0:
        after = f"{plan.base_year + 1}-01" if not period.is_annual else str(plan.base_year + 1)
        raise AssessmentError(
            f"period {period} is not after the base year {plan.base_year} of plan {plan.id}",
            problems=[
                Problem("period", "nothing to assess yet", f"pass --period {after} or later")
            ],
        )
    cat = current().indicators
    codes = sorted({t.indicator for t in plan.targets})
    readings = {c: _reading(cat.get(c), cat, months) for c in codes}
    basis = pl.DataFrame(
        {
            "indicator": codes,
            "basis": [readings[c][0] for c in codes],
            "scale": [readings[c][1] for c in codes],
        },
        schema={"indicator": pl.String, "basis": BASIS_DTYPE, "scale": pl.Float64},
    )
    df = targets_with_values(prepared, plan, period.year).join(basis, on="indicator", how="left")
    point = pl.col("basis") == "point"
    df = df.with_columns(
        pl.when(point).then(elapsed_base).otherwise(pl.col("elapsed")).alias("elapsed"),
        (pl.col("current") * pl.col("scale")).alias("current"),
    )
    out = assess_rows(df).join(
        df.select("scope", "indicator", "basis", "elapsed", "scale"),
        on=["scope", "indicator"],
        how="left",
    )
    # an amount read year-to-date is shown as it was reported, against the year-to-date share
    # of the year's milestone; a ratio stays at its annual rate (the one its target sets)
    amounts = pl.col("indicator").is_in([c for c in codes if _is_amount(cat.get(c))])
    back = amounts & (pl.col("scale") != 1.0)
    out = out.with_columns(
        *(
            pl.when(back).then(pl.col(c) / pl.col("scale")).otherwise(pl.col(c)).alias(c)
            for c in ("current", "milestone")
        ),
        pl.lit(period.month, dtype=pl.Int8).alias("month"),
    )
    return out.select(pl.col(n).cast(t) for n, t in PERIOD_ASSESSMENT_SCHEMA.items())


def _is_amount(ind: Indicator | None) -> bool:
    return ind is not None and ind.kind is not Kind.RATIO
