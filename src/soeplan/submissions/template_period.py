"""The monthly express report's workbook (企业快报): what differs from the annual template.

The same sheets, rows and columns as the annual workbook; the title names the month, each
indicator's header says what its figure is (a flow 本年累计 / year to date, a stock 期末数 / at
the month's end, an average 本年累计（平均）), the README says so, and the hidden metadata
carries the month, which the reader takes back (:attr:`soeplan.submissions.readers.Submission.month`).

>>> from soeplan.indicators import builtin_indicators
>>> revenue = next(i for i in builtin_indicators() if i.code == "revenue")
>>> period_labels(revenue, Period(2023, 6))
('本年累计', 'year to date')
>>> period_labels(revenue, Period(2023))
('', '')
"""

from __future__ import annotations

from soeplan.indicators import Flow, Indicator, Kind
from soeplan.periods import Period

__all__ = ["README_MONTH_EN", "README_MONTH_ZH", "period_labels", "period_title"]

#: The README's first lines for a month (its other lines are the annual template's).
README_MONTH_ZH = (
    "1. 本表为 {unit_zh}（{unit_en}）{period_zh} 企业快报（月度），依据《{plan_zh}》的指标体系生成。"
    "营业收入、利润等时期数填本年累计数（1 月 1 日至本月末），资产总额、净资产等时点数填本月末数，"
    "企业户数填本月末户数；12 月快报应与年度报表一致。"
)
README_MONTH_EN = (
    "1. This is the monthly express report (企业快报) of {unit_en} ({unit_zh}) for {period_en}, "
    'generated from the indicator system of the plan "{plan_en}". Flows (revenue, profits) are '
    "year-to-date totals (1 January to the month's end); stocks (total assets, net assets) and "
    "counts are the balances at the month's end; December's report equals the annual one."
)


def period_labels(ind: Indicator, period: Period) -> tuple[str, str]:
    """What an indicator's figure is in ``period``'s report (empty for a whole year)."""
    if period.is_annual or ind.kind is Kind.RATIO:
        return ("", "")
    flow = ind.flow if ind.flow is not Flow.NONE or ind.kind is not Kind.COUNT else Flow.STOCK
    if flow is Flow.NONE:
        return ("本期", "this period")
    return (flow.column_zh, flow.column_en.lower())


def period_title(unit_zh: str, unit_en: str, period: Period) -> str:
    """The data sheet's title for a month's express report."""
    return f"{unit_zh} {period.zh} 企业快报 / {unit_en}: express report, {period.en}"
