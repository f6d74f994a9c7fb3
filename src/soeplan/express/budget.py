"""Budget execution (全面预算执行): year-to-date actuals against the year's budget.

A budget is an annual long frame like a submission's (``unit, entity, year, indicator,
value``): each enterprise's (or a group's) budget for the year's flows and investment
(:data:`BUDGET_INDICATORS`). It rolls up through the structure as the flows do (summed, with
the annual :func:`soeplan.rollup`), so every group, unit and scope has one.
:func:`budget_execution` sets the year-to-date actuals of a month against it: the execution rate
(完成率 = year-to-date actual / annual budget) and the time-based expectation (时序进度 =
months elapsed / 12, 50 % at June). :func:`budget_findings` names the nodes whose rate is
further from the expectation than :class:`ExecutionThresholds` allows.

>>> import polars as pl
>>> actual = pl.DataFrame({"node": ["g"], "year": [2023], "month": [6],
...                        "indicator": ["revenue"], "value": [42.0]})
>>> budget = pl.DataFrame({"node": ["g"], "year": [2023], "indicator": ["revenue"],
...                        "value": [100.0]})
>>> ex = budget_execution(actual, budget, Period(2023, 6))
>>> rate, expected, gap, status = ex.select("rate", "elapsed", "gap", "status").row(0)
>>> rate, expected, round(gap, 4), status
(0.42, 0.5, -0.08, 'on_pace')
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import attrs
import polars as pl

from soeplan.consolidation.records import GroupReported
from soeplan.consolidation.rollup import rollup
from soeplan.errors import SoeplanError
from soeplan.frames import COLUMNS, LONG_SCHEMA
from soeplan.periods import Period
from soeplan.rules import findings_frame
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = [
    "BUDGET_INDICATORS",
    "BUDGET_RULE",
    "EXECUTION_SCHEMA",
    "ExecutionStatus",
    "ExecutionThresholds",
    "budget_execution",
    "budget_findings",
    "roll_budget",
]

#: The indicators a budget gives (营业收入, 利润总额, 净利润, 经营活动现金流量净额, 研发经费投入,
#: 投资完成额): the flows of §五(三)'s 全面预算 (revenue, profit, cash, investment) the
#: catalogue holds. A budget may give any of them for an enterprise, none is required.
BUDGET_INDICATORS = (
    "revenue",
    "total_profit",
    "net_profit",
    "operating_cash_flow",
    "rd_expense",
    "investment",
)

#: The rule id of an execution rate far from the time-based expectation.
BUDGET_RULE = "express.budget_execution"


class ExecutionStatus(StrEnum):
    """Where a node's execution rate stands against the time-based expectation."""

    AHEAD = "ahead"  #: 超序时进度: ahead by more than ``ExecutionThresholds.ahead``
    ON_PACE = "on_pace"  #: 符合序时进度: within the thresholds
    BEHIND = "behind"  #: 滞后于序时进度: behind by more than ``behind``
    FAR_BEHIND = "far_behind"  #: 严重滞后: behind by more than ``far_behind``
    #: 不计算: no budget, a budget of zero or less (a loss budget), or no actual figure
    NOT_RATED = "not_rated"

    @property
    def zh(self) -> str:
        return _STATUS_ZH[self]

    @property
    def en(self) -> str:
        return _STATUS_EN[self]


_STATUS_ZH = {
    ExecutionStatus.AHEAD: "超序时进度",
    ExecutionStatus.ON_PACE: "符合序时进度",
    ExecutionStatus.BEHIND: "滞后",
    ExecutionStatus.FAR_BEHIND: "严重滞后",
    ExecutionStatus.NOT_RATED: "不计算",
}
_STATUS_EN = {
    ExecutionStatus.AHEAD: "ahead of time",
    ExecutionStatus.ON_PACE: "on pace",
    ExecutionStatus.BEHIND: "behind",
    ExecutionStatus.FAR_BEHIND: "far behind",
    ExecutionStatus.NOT_RATED: "not rated",
}

THRESHOLDS_SOURCE = (
    "Defaults of soeplan, not of a document: an execution rate within 10 percentage points of "
    "the time-based expectation (months elapsed / 12) is on pace; more than 10 points behind is "
    "behind, more than 20 points behind far behind, more than 20 points ahead ahead (a budget "
    "set too low, or spending ahead of plan). Offices set their own with --behind, "
    "--far-behind and --ahead."
)


@attrs.frozen
class ExecutionThresholds:
    """How far (fractions: 0.10 = 10 percentage points) an execution rate may stand from the
    time-based expectation before it is a finding. Documented data: :data:`THRESHOLDS_SOURCE`.
    """

    behind: float = 0.10
    far_behind: float = 0.20
    ahead: float = 0.20
    source: str = THRESHOLDS_SOURCE

    def __attrs_post_init__(self) -> None:
        if not 0 < self.behind <= self.far_behind < 1 or not 0 < self.ahead < 10:
            raise SoeplanError(
                f"budget thresholds behind {self.behind:.0%}, far behind {self.far_behind:.0%}, "
                f"ahead {self.ahead:.0%} are not valid\n"
                "  fix: give fractions with 0 < behind <= far behind < 1 and ahead > 0, "
                "e.g. 0.10, 0.20 and 0.20"
            )

    def status(self, gap: float | None) -> ExecutionStatus:
        """The status of a gap (rate − expectation); ``None``: not rated."""
        if gap is None:
            return ExecutionStatus.NOT_RATED
        if gap < -self.far_behind:
            return ExecutionStatus.FAR_BEHIND
        if gap < -self.behind:
            return ExecutionStatus.BEHIND
        if gap > self.ahead:
            return ExecutionStatus.AHEAD
        return ExecutionStatus.ON_PACE


#: The execution frame's figures after its key (a node, with its names, or an entity).
EXECUTION_SCHEMA = {
    "year": COLUMNS["year"],
    "month": COLUMNS["month"],
    "indicator": COLUMNS["indicator"],
    "budget": pl.Float64,
    "actual": pl.Float64,
    "rate": pl.Float64,
    "elapsed": pl.Float64,
    "gap": pl.Float64,
    "status": pl.String,
}


def budget_execution(
    actual: pl.DataFrame,
    budget: pl.DataFrame,
    period: Period,
    *,
    thresholds: ExecutionThresholds | None = None,
) -> pl.DataFrame:
    """The execution of ``budget`` by the year-to-date ``actual`` figures of ``period``.

    ``actual`` is a monthly frame (a monthly rollup's values, or monthly observations),
    ``budget`` the annual budget frame on the same key (rolled up the same way); rows are matched
    on the key columns they share besides the names. One row per budget figure of the budget's
    indicators: ``budget``, ``actual`` (null: not reported), ``rate = actual / budget``,
    ``elapsed`` (the time-based expectation: months elapsed / 12), ``gap = rate − elapsed``
    and the :class:`ExecutionStatus`. A budget of zero or less (a planned loss) has no rate: a
    fraction of a loss says nothing (compare the amounts instead); its status is ``not_rated``.
    """
    limits = thresholds or ExecutionThresholds()
    month = period.end_month
    plain = [c for c in budget.columns if c not in ("year", "indicator", "value")]
    on = [c for c in plain if not c.startswith("name_") and c in actual.columns]
    now = actual.filter((pl.col("year") == period.year) & (pl.col("month") == month))
    b = budget.filter(
        (pl.col("year") == period.year) & pl.col("indicator").is_in(BUDGET_INDICATORS)
    )
    joined = b.rename({"value": "budget"}).join(
        now.select(*on, "indicator", pl.col("value").alias("actual")),
        on=[*on, "indicator"],
        how="left",
        nulls_equal=True,
    )
    expected = float(period.elapsed_share)
    rate = (
        pl.when(pl.col("budget") > 0)
        .then(pl.col("actual") / pl.col("budget"))
        .otherwise(None)
        .cast(pl.Float64)
    )
    out = joined.with_columns(
        pl.col("year").cast(COLUMNS["year"]),
        pl.lit(month, COLUMNS["month"]).alias("month"),
        rate.alias("rate"),
        pl.lit(expected).alias("elapsed"),
    ).with_columns((pl.col("rate") - pl.col("elapsed")).alias("gap"))
    out = out.with_columns(
        pl.col("gap")
        .map_elements(lambda g: limits.status(g).value, return_dtype=pl.String)
        .fill_null(ExecutionStatus.NOT_RATED.value)
        .alias("status")
    )
    return out.select(*plain, *EXECUTION_SCHEMA)


_FLAGGED = (ExecutionStatus.FAR_BEHIND, ExecutionStatus.BEHIND, ExecutionStatus.AHEAD)


def budget_findings(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """A finding (:data:`soeplan.FINDING_SCHEMA`) for each execution row behind, far behind or
    ahead of the time-based expectation (far behind is a warning, the others hints), naming the
    node (or entity), the indicator, the rate and the expectation."""
    who = "node" if "node" in frame.columns else "entity"
    rows = []
    for r in frame.filter(pl.col("status").is_in([s.value for s in _FLAGGED])).iter_rows(
        named=True
    ):
        status = ExecutionStatus(r["status"])
        found = f"{r['rate']:.2%}"
        expected = f"{r['elapsed']:.2%}"
        rows.append(
            {
                "severity": "warning" if status is ExecutionStatus.FAR_BEHIND else "hint",
                "rule": BUDGET_RULE,
                "unit": r.get("unit"),
                "entity": r[who],
                "indicator": r["indicator"],
                "year": period.year,
                "expected": expected,
                "found": found,
                "message_zh": (
                    f"{r[who]} {r['indicator']}：{period.zh}预算完成率 {found}，"
                    f"序时进度 {expected}（{status.zh}）"
                ),
                "message_en": (
                    f"{r[who]} {r['indicator']}: budget execution {found} at {period.en}, "
                    f"time-based expectation {expected} ({status.en})"
                ),
                "fix": (
                    "explain the deviation in the month's analysis (预算执行分析), or revise the "
                    "budget through the office's adjustment procedure"
                ),
            }
        )
    return findings_frame(rows)


def roll_budget(
    budget: pl.DataFrame, structure: Structure, *, registry: Registry | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A budget rolled up through ``structure`` like the flows (summed to groups, units and
    scopes by the annual :func:`soeplan.rollup`): its values (:data:`soeplan.VALUE_SCHEMA`) and
    findings. A group that gives its own budget beside its enterprises' is checked against their
    sum (a difference is a finding), as a group's own reported figures are."""
    result = rollup(
        budget.select(list(LONG_SCHEMA)),
        structure,
        group_reported=GroupReported.CHECK,
        registry=registry,
    )
    return result.values, result.findings
