"""The rule of a month's express report (快报): year-to-date flows do not fall.

A 快报's flows are year-to-date totals (本年累计), so each month's figure is at least the month
before's unless the month itself was negative. What that means depends on the flow:

* a flow that cannot be negative (revenue, R&D expenditure: what ``core.non-negative`` checks)
  cannot have a negative month either. A fall is a **warning**: it needs an explanation (a
  sale reversed, an earlier month corrected) or a correction, as a large change against last
  year does;
* a flow that can be negative (total and net profit: a month's loss) falls whenever a month
  makes a loss: only a **hint**, never blocking.

Stocks (balances at the month's end) and averages (average employees) may fall any month and
are not checked; nor is January, when the totals start again. The month before is the unit's
accepted 快报 of that month in the store (:attr:`soeplan.rules.RuleContext.previous`).
"""

from __future__ import annotations

import polars as pl

from soeplan.indicators import Flow, Kind
from soeplan.rules import RuleContext, Severity, empty_findings, findings_frame
from soeplan.submissions.rule_helpers import _fmt, _where, _wide
from soeplan.submissions.template import can_be_negative

__all__ = ["check_ytd_decrease"]


def check_ytd_decrease(ctx: RuleContext) -> pl.DataFrame:
    """A year-to-date flow below the month before's: a warning where the flow cannot be
    negative (revenue), a hint where it can (profits)."""
    if ctx.month is None or ctx.month == 1 or ctx.previous is None or not ctx.previous.height:
        return empty_findings()
    before = {
        (r["entity"], r["indicator"]): r["value"]
        for r in ctx.previous.iter_rows(named=True)
        if r.get("value") is not None
    }
    rows = []
    for ent, vals in _wide(ctx).items():
        for code, r in vals.items():
            ind = ctx.indicators.get(code)
            if ind is None or ind.kind is not Kind.AMOUNT or ind.flow is not Flow.FLOW:
                continue
            last = before.get((ent, code))
            if last is None or r["value"] >= last:
                continue
            month = r["value"] - last
            loss = can_be_negative(ind)
            rows.append(
                {
                    **_where(r),
                    "severity": (Severity.HINT if loss else Severity.WARNING).value,
                    "expected": f">= {_fmt(last)}（{ctx.month - 1} 月累计 / to month "
                    f"{ctx.month - 1}）",
                    "found": f"{_fmt(r['value'])} (本月 this month {_fmt(month)})",
                    "message_zh": f"{ind.name_zh} 本年累计低于上月累计，本月为负"
                    + ("（当月亏损）" if loss else ""),
                    "message_en": f"{ind.name_en} year-to-date is below last month's: a "
                    f"negative month{' (a loss this month)' if loss else ''}",
                    "fix": "当月亏损属正常，无需处理 / a month's loss is normal: nothing to do"
                    if loss
                    else "核对累计数；如有冲回或更正以前月份，请在“说明”列写明 / check the "
                    "year-to-date figure; explain a reversal or a correction of an earlier month "
                    "in the Explanation column",
                }
            )
    return findings_frame(rows)
