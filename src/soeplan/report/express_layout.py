"""The monthly express report laid out as blocks (:class:`soeplan.report.layout.Block`), once,
for every writer; the blocks it shares with the yearly report (debt watch, findings, about) come
from :mod:`soeplan.report.layout` itself. Every label has its Chinese and English form here
(:data:`EXPRESS_LABELS`) or in :mod:`soeplan.report.i18n`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from soeplan.context import current
from soeplan.express.budget import ExecutionStatus
from soeplan.indicators import Indicator, Kind
from soeplan.report.express import ExpressReport
from soeplan.report.format import cell_format, format_value
from soeplan.report.layout import Block, Out, debt_watch_block, findings_block
from soeplan.report.model import CellFormat
from soeplan.sections import Text

__all__ = ["EXPRESS_LABELS", "express_blocks", "express_label", "express_summary"]

#: key -> the label in both languages
EXPRESS_LABELS: Mapping[str, Text] = {
    "title": Text("{period}国资国企经济运行快报", "State enterprise express report, {period}"),
    "figures": Text("主要指标（同比、环比）", "Key figures (year on year, month on month)"),
    "figures_sheet": Text("主要指标", "Key figures"),
    "execution": Text("预算执行情况（按单位、集团）", "Budget execution by unit and group"),
    "execution_sheet": Text("预算执行", "Budget"),
    "not_submitted": Text("未报送单位", "Units not yet reported"),
    "node": Text("范围/单位", "Scope / unit"),
    "indicator": Text("指标", "Indicator"),
    "measure": Text("计量单位", "Unit of measure"),
    "month_amount": Text("本月", "This month"),
    "value": Text("本年累计/期末", "Year to date / month-end"),
    "last_year": Text("上年同期", "Same period last year"),
    "change": Text("同比增减", "Change on last year"),
    "growth": Text("同比增长", "Growth on last year"),
    "mom_growth": Text("环比", "Month on month"),
    "budget": Text("年度预算", "Annual budget"),
    "actual": Text("本年累计", "Year to date"),
    "rate": Text("完成率", "Execution rate"),
    "elapsed": Text("序时进度", "Time elapsed"),
    "gap": Text("差距", "Gap"),
    "status": Text("状态", "Status"),
    "unit": Text("单位", "Unit"),
    "unit_id": Text("单位编码", "Unit ID"),
    "none_missing": Text("各单位均已报送。", "Every unit has reported."),
    "no_budget": Text(
        "未载入预算（soeplan budget load）。", "No budget loaded (soeplan budget load)."
    ),
    "figures_note": Text(
        "流量指标为本年累计数，存量指标为期末余额，比率按累计数重算；同比增长 = 增减额 / |上年同期|"
        "（亏损收窄为正增长），上年同期为零或缺失时不计算；比率的同比、环比为百分点变化。",
        "Flows are year to date, stocks month-end balances, ratios recomputed from them; growth = "
        "change / |last year| (a narrowing loss grows), none where last year is zero or missing; "
        "a ratio's change is in percentage points.",
    ),
    "execution_note": Text(
        "完成率 = 本年累计 / 年度预算；序时进度 = 已过月数 / 12；差距 = 完成率 − 序时进度。"
        "落后超过 {behind} 为滞后，超过 {far} 为严重滞后，超前超过 {ahead} 为超序时进度。"
        "预算为零或亏损预算不计算完成率。",
        "Execution rate = year to date / annual budget; time elapsed = months / 12; gap = rate − "
        "time elapsed. More than {behind} behind is behind, more than {far} far behind, more than "
        "{ahead} ahead is ahead. A zero or loss budget has no rate.",
    ),
    "summary_flow": Text(
        "{scope}{indicator}本年累计 {value}，同比 {growth}。",
        "{scope} {indicator}, year to date: {value}, {growth} on last year.",
    ),
    "summary_budget": Text(
        "{scope}{indicator}预算完成率 {rate}（序时进度 {expected}）。",
        "{scope} {indicator}: {rate} of the budget ({expected} of the year elapsed).",
    ),
    "summary_watch": Text(
        "期末资产负债率达到预警线的企业 {n} 户。",
        "{n} enterprises at or above the debt-ratio warning line at the month's end.",
    ),
    "summary_missing": Text("未报送单位 {n} 个。", "{n} units not yet reported."),
    "summary_findings": Text("审核发现 {n} 条。", "{n} findings."),
    "no_growth": Text("无可比基数", "no comparable base"),
}


def express_label(key: str, lang: str, **fields: object) -> str:
    """A label of the express report in ``lang``, with its fields filled in."""
    text = EXPRESS_LABELS[key](lang)
    return text.format(**fields) if fields else text


def _indicator(code: str) -> Indicator | None:
    return current().indicators.get(code)


def _name(row: Mapping[str, object], lang: str) -> str:
    return str(row["name_zh"] if lang == "zh" else row["name_en"] or row["name_zh"])


def figures_block(report: ExpressReport) -> Block:
    lang = report.lang
    cols = ("node", "indicator", "measure", "month_amount", "value", "last_year", "change",
            "growth", "mom_growth")  # fmt: skip
    rows = []
    for r in report.figures.iter_rows(named=True):
        ind = _indicator(r["indicator"])
        if ind is None:
            continue
        fmt = cell_format(ind)
        ratio = ind.kind is Kind.RATIO and ind.unit == "%"
        diff = CellFormat.POINTS if ratio else fmt
        rows.append((
            Out(_name(r, lang)), Out(ind.name(lang)), Out(ind.unit if lang == "zh" else ind.unit_en),
            Out(r.get("month_amount"), fmt), Out(r["value"], fmt), Out(r["last_year"], fmt),
            Out(r["change"], diff), Out(r["growth"], CellFormat.GROWTH),
            Out(r.get("mom_change") if ratio else r.get("mom_growth"),
                CellFormat.POINTS if ratio else CellFormat.GROWTH),
        ))  # fmt: skip
    return Block(
        key="express-figures",
        sheet=express_label("figures_sheet", lang),
        title=express_label("figures", lang),
        header=tuple(express_label(c, lang) for c in cols),
        rows=tuple(rows),
        notes=(express_label("figures_note", lang),),
    )


def execution_block(report: ExpressReport) -> Block:
    lang = report.lang
    cols = ("node", "indicator", "budget", "actual", "rate", "elapsed", "gap", "status")
    rows = []
    for r in report.execution.iter_rows(named=True):
        ind = _indicator(r["indicator"])
        fmt = cell_format(ind) if ind is not None else CellFormat.AMOUNT
        rows.append((
            Out(_name(r, lang)), Out(ind.name(lang) if ind else r["indicator"]),
            Out(r["budget"], fmt), Out(r["actual"], fmt), Out(r["rate"], CellFormat.RATIO),
            Out(r["elapsed"], CellFormat.RATIO), Out(r["gap"], CellFormat.POINTS),
            Out(ExecutionStatus(r["status"]).zh if lang == "zh" else ExecutionStatus(r["status"]).en),
        ))  # fmt: skip
    t = report.thresholds
    note = express_label("execution_note", lang, behind=_pts(t.behind, lang),
                         far=_pts(t.far_behind, lang), ahead=_pts(t.ahead, lang))  # fmt: skip
    return Block(
        key="express-execution",
        sheet=express_label("execution_sheet", lang),
        title=express_label("execution", lang),
        header=tuple(express_label(c, lang) for c in cols),
        rows=tuple(rows),
        notes=(note,),
        empty=express_label("no_budget", lang),
    )


def _pts(value: float, lang: str) -> str:
    del lang  # percentage points read the same in both languages
    return format_value(value, CellFormat.POINTS)


def _signed(growth: float) -> str:
    """A growth rate with its sign: ``+8.94%``, ``-3.00%``."""
    text = format_value(growth, CellFormat.GROWTH)
    return text if text.startswith("-") else "+" + text


def not_submitted_block(report: ExpressReport) -> Block:
    lang = report.lang
    return Block(
        key="express-missing",
        sheet=express_label("not_submitted", lang),
        title=express_label("not_submitted", lang),
        header=(express_label("unit_id", lang), express_label("unit", lang)),
        rows=tuple((Out(u), Out(n(lang))) for u, n in report.not_submitted),
        empty=express_label("none_missing", lang),
    )


def express_blocks(report: ExpressReport) -> list[Block]:
    """Every block of the report, in order: figures, budget execution, debt watch, units not
    reported, findings."""
    shell = report.shell()
    return [
        figures_block(report),
        execution_block(report),
        debt_watch_block(shell),
        not_submitted_block(report),
        findings_block(shell),
    ]


def _first(frame: pl.DataFrame, node: str, indicator: str) -> dict[str, Any] | None:
    if frame.is_empty():
        return None
    hit = frame.filter((pl.col("node") == node) & (pl.col("indicator") == indicator))
    return None if hit.is_empty() else hit.row(0, named=True)


def express_summary(report: ExpressReport) -> list[str]:
    """The summary's sentences: the first scope's revenue and profit with 同比, their budget
    execution, the debt watch, the units not reported and the findings."""
    lang = report.lang
    out = []
    scope, name = report.meta.scopes[0] if report.meta.scopes else ("city", Text("全市", "City"))
    for code in ("revenue", "total_profit"):
        r, ind = _first(report.figures, scope, code), _indicator(code)
        if r is None or ind is None or r["value"] is None:
            continue
        unit = ind.unit if lang == "zh" else ind.unit_en
        value = f"{format_value(r['value'], cell_format(ind))} {unit}"
        growth = express_label("no_growth", lang) if r["growth"] is None else _signed(r["growth"])
        out.append(express_label("summary_flow", lang, scope=name(lang), indicator=ind.name(lang),
                                 value=value, growth=growth))  # fmt: skip
    for code in ("revenue", "total_profit"):
        r, ind = _first(report.execution, scope, code), _indicator(code)
        if r is None or ind is None or r["rate"] is None:
            continue
        out.append(express_label("summary_budget", lang, scope=name(lang),
                                 indicator=ind.name(lang),
                                 rate=format_value(r["rate"], CellFormat.RATIO),
                                 expected=format_value(r["elapsed"], CellFormat.RATIO)))  # fmt: skip
    out.append(express_label("summary_watch", lang, n=len(report.debt_watch)))
    out.append(express_label("summary_missing", lang, n=len(report.not_submitted)))
    out.append(express_label("summary_findings", lang, n=report.findings.height))
    return out
