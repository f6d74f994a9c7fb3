"""The totals a report is built from: the scope totals frame, completed with the plan's history.

The totals are a long frame ``scope, year, indicator, value`` (ratios as fractions).
:func:`with_history` fills the years the run's totals lack from the plan's published figures;
:class:`TotalsLookup` answers "the value of this indicator for this scope in this year" for the
builders of the report's tables and charts.
"""

from __future__ import annotations

import polars as pl

from soeplan.errors import SoeplanError
from soeplan.plan.model import Plan

TOTALS_COLUMNS = ("scope", "year", "indicator", "value")


def _check_totals(totals: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in TOTALS_COLUMNS if c not in totals.columns]
    if missing:
        raise SoeplanError(
            f"the totals frame lacks the column(s) {', '.join(missing)}\n"
            "  fix: pass a long frame with columns scope, year, indicator, value"
        )
    return totals.select(
        pl.col("scope").cast(pl.String),
        pl.col("year").cast(pl.Int32),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    )


def with_history(totals: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """The totals plus the plan's published figures for every (scope, year, indicator) they lack."""
    totals = _check_totals(totals)
    published = plan.figures_frame()
    extra = published.join(totals, on=["scope", "year", "indicator"], how="anti")
    return pl.concat([totals, extra]).sort("scope", "indicator", "year")


class TotalsLookup:
    """The non-missing values of a totals frame, by (scope, indicator, year)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.values: dict[tuple[str, str, int], float] = {
            (s, i, y): v for s, y, i, v in frame.select(TOTALS_COLUMNS).iter_rows() if v is not None
        }

    def get(self, scope: str, indicator: str, year: int) -> float | None:
        return self.values.get((scope, indicator, year))

    def years(self, scope: str, indicator: str) -> list[int]:
        return sorted(y for (s, i, y) in self.values if s == scope and i == indicator)
