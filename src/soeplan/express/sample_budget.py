"""The sample's synthetic budget (示例预算（合成），非真实企业数据).

**Every number :func:`sample_budget` gives is synthetic.** Each sample enterprise's budget for a
year is its (synthetic) actual figure of that year times a factor between 0.92 and 1.12 fixed
by the enterprise's id and the indicator, rounded to 0.01 亿元, so that the June express report
shows rates on both sides of 50 %; its investment budget (投资完成额, which the sample does not
report) is 6 % of its total assets at the end of the year before. A loss-maker's profit budget
is a (smaller) loss.

>>> b = sample_budget(2023)
>>> sorted(set(b["indicator"])) == sorted(BUDGET_INDICATORS_SAMPLED)
True
>>> bool(b["synthetic"].all())
True
"""

from __future__ import annotations

import hashlib

import polars as pl

from soeplan.frames import LONG_SCHEMA
from soeplan.sample import sample_observations

__all__ = ["BUDGET_INDICATORS_SAMPLED", "SAMPLE_BUDGET_SOURCE", "sample_budget"]

#: The budget lines the sample's budget gives.
BUDGET_INDICATORS_SAMPLED = ("revenue", "total_profit", "net_profit", "investment")
_FROM_ACTUALS = ("revenue", "total_profit", "net_profit")
#: 示例预算（合成）: the ``source`` of every sample budget row
SAMPLE_BUDGET_SOURCE = (
    "示例预算（合成），非真实企业数据 / synthetic sample budget, not real figures"
)


def _factor(entity: str, indicator: str) -> float:
    digest = hashlib.sha256(f"{entity}/{indicator}".encode()).digest()
    return 0.92 + 0.20 * (digest[0] / 255)


def sample_budget(year: int) -> pl.DataFrame:
    """The sample's synthetic budget for ``year`` (2016–2025): ``unit, entity, year, indicator,
    value`` (亿元) with ``synthetic`` (True) and ``source``."""
    obs = sample_observations([year - 1, year])
    rows = []
    for unit, entity, y, indicator, value in obs.iter_rows():
        if y == year and indicator in _FROM_ACTUALS:
            rows.append(
                (unit, entity, year, indicator, round(value * _factor(entity, indicator), 2))
            )
        elif y == year - 1 and indicator == "total_assets":
            rows.append((unit, entity, year, "investment", round(value * 0.06, 2)))
    frame = pl.DataFrame(rows, schema=LONG_SCHEMA, orient="row")
    return frame.with_columns(
        pl.lit(True).alias("synthetic"), pl.lit(SAMPLE_BUDGET_SOURCE).alias("source")
    ).sort("unit", "entity", "indicator")
