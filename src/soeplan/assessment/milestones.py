"""Yearly milestones (分解到年度): the path from a plan's base figure to each level target.

Chapter 8 of the plan asks to break the five-year targets down into yearly targets. For every
scope and indicator with a **level** target, :func:`plan_milestones` gives the value each year should
reach, from the base year (the published base figure) to the target year (the target itself):

- **compound**: a constant annual growth rate, ``base * (target / base) ** (k / n)``, the path the
  plan's 年均增长率 implies. Used for amounts (亿元) whose base and target are both positive.
- **linear**: a constant annual change, ``base + (target - base) * k / n``. Used for ratios (a
  margin rising from 20.24 % to 22.50 % gains about 0.45 percentage points a year; compounding a
  percentage has no meaning) and for counts (家: enterprises are added one at a time, and a count
  that starts at 0 cannot compound). Amounts get it too when asked (``method="linear"`` or
  ``"both"``), or when their base or target is not positive.

Ceilings and floors (debt ratio < 65 %, ROE 不低于 2 %) have **no path**: the bound holds every
year unchanged, so they are not rows of the frame; :func:`soeplan.assess_bound` checks them.
A target whose base figure is missing has no path either and is left out.

Values keep full precision; round them when printing.

>>> import soeplan
>>> frame = soeplan.plan_milestones(soeplan.load_plan("quzhou-14th"), method="compound")
>>> row = frame.filter(scope="city", indicator="total_assets", year=2021)
>>> round(row["value"].item(), 2)
2380.18
"""

from __future__ import annotations

from enum import StrEnum

import polars as pl

from soeplan.arithmetic.growth import compound_path, interpolate
from soeplan.context import current
from soeplan.errors import SoeplanError
from soeplan.plan.model import Plan

__all__ = ["MILESTONE_SCHEMA", "Method", "plan_milestones"]


class Method(StrEnum):
    """How a path runs from base to target, or how progress along it is measured."""

    COMPOUND = "compound"  #: constant annual growth rate (年均增长)
    LINEAR = "linear"  #: constant annual change (匀速)

    @property
    def zh(self) -> str:
        return "复合增长" if self is Method.COMPOUND else "线性"

    @property
    def en(self) -> str:
        return "compound" if self is Method.COMPOUND else "linear"

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


METHOD_DTYPE = pl.Enum([m.value for m in Method])

#: Columns of the frame :func:`plan_milestones` returns.
MILESTONE_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "indicator": pl.String(),
    "year": pl.Int32(),
    "value": pl.Float64(),
    "method": METHOD_DTYPE,
}

_CHOICES = ("compound", "linear", "both")


def indicator_frame() -> pl.DataFrame:
    """Registered indicators: ``indicator``, ``higher`` (bool) and ``compoundable`` (amounts)."""
    from soeplan.indicators import Kind

    inds = list(current().indicators.values())
    return pl.DataFrame(
        {
            "indicator": [i.code for i in inds],
            "higher": [i.higher_is_better for i in inds],
            "compoundable": [i.kind is Kind.AMOUNT for i in inds],
        },
        schema={"indicator": pl.String, "higher": pl.Boolean, "compoundable": pl.Boolean},
    )


def level_targets(plan: Plan, bases: pl.DataFrame | None = None) -> pl.DataFrame:
    """The plan's level targets with their base: one row per scope and indicator.

    Columns ``scope, indicator, base_year, base, target_year, target, higher, compoundable``.
    ``bases`` (``scope, indicator, base``) overrides the plan's published base figures.
    """
    targets = (
        plan.targets_frame()
        .filter(pl.col("kind") == "level")
        .select(
            "scope",
            "indicator",
            "base_year",
            pl.col("year").alias("target_year"),
            pl.col("value").alias("target"),
        )
    )
    published = plan.figures_frame().rename({"year": "base_year", "value": "published"})
    out = targets.join(published, on=["scope", "indicator", "base_year"], how="left")
    if bases is not None:
        out = out.join(
            bases.select("scope", "indicator", "base"), on=["scope", "indicator"], how="left"
        )
        out = out.with_columns(pl.coalesce("base", "published").alias("base"))
    else:
        out = out.with_columns(pl.col("published").alias("base"))
    return out.drop("published").join(indicator_frame(), on="indicator", how="left")


def path_value(
    base: pl.Expr, target: pl.Expr, years: pl.Expr, elapsed: pl.Expr, compound: pl.Expr
) -> pl.Expr:
    """The milestone ``elapsed`` years along the path: compound where ``compound`` is true."""
    return (
        pl.when(compound)
        .then(compound_path(base, target, years, elapsed))
        .otherwise(interpolate(base, target, years, elapsed))
    )


def plan_milestones(plan: Plan, method: str = "both") -> pl.DataFrame:
    """Yearly milestones from the base year to the target year for every level target of ``plan``.

    ``method`` is ``"compound"``, ``"linear"`` or ``"both"``. It chooses the paths of amounts
    with a positive base and target; every other level target (ratios, counts, amounts that
    start at or below zero) gets its linear path whatever ``method`` says, so each level target
    appears at least once. The frame is long: ``scope, indicator, year, value, method``, sorted,
    with the base year's value equal to the base and the target year's equal to the target.

    >>> import soeplan
    >>> plan = soeplan.load_plan("quzhou-14th")
    >>> m = soeplan.plan_milestones(plan)
    >>> m.filter(scope="city", indicator="profit_margin", year=2023)["method"].to_list()
    ['linear']
    >>> round(m.filter(scope="city", indicator="profit_margin", year=2023)["value"].item(), 5)
    0.21596
    """
    if method not in _CHOICES:
        raise SoeplanError(
            f"unknown milestone method {method!r}\n"
            f"  fix: use one of {', '.join(_CHOICES)} (compound: constant growth rate; "
            "linear: constant annual change)"
        )
    rows = level_targets(plan).filter(pl.col("base").is_not_null())
    rows = rows.with_columns(
        (
            pl.col("compoundable").fill_null(False) & (pl.col("base") > 0) & (pl.col("target") > 0)
        ).alias("can_compound")
    )
    wanted: list[pl.DataFrame] = []
    if method in ("compound", "both"):
        wanted.append(rows.filter("can_compound").with_columns(pl.lit("compound").alias("method")))
    linear_rows = rows if method in ("linear", "both") else rows.filter(~pl.col("can_compound"))
    wanted.append(linear_rows.with_columns(pl.lit("linear").alias("method")))
    paths = pl.concat(wanted)
    years = pl.col("target_year") - pl.col("base_year")
    out = (
        paths.with_columns(pl.int_ranges("base_year", pl.col("target_year") + 1).alias("year"))
        .explode("year")
        .with_columns(
            path_value(
                pl.col("base"),
                pl.col("target"),
                years.cast(pl.Float64),
                (pl.col("year") - pl.col("base_year")).cast(pl.Float64),
                pl.col("method") == "compound",
            ).alias("value")
        )
        .select(
            pl.col("scope").cast(pl.String),
            pl.col("indicator").cast(pl.String),
            pl.col("year").cast(pl.Int32),
            pl.col("value").cast(pl.Float64),
            pl.col("method").cast(METHOD_DTYPE),
        )
    )
    return out.sort("scope", "indicator", "method", "year")


#: The earlier name of :func:`plan_milestones`, kept for code that imports it from this module
#: (``from soeplan.assessment.milestones import milestones``). The package root exports only
#: ``plan_milestones``: a root attribute named ``milestones`` would hide this module.
milestones = plan_milestones
