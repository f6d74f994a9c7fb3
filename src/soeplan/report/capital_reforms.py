"""The reforms' tables of the section 布局与资本运作 (:mod:`soeplan.report.capital`): the tallies
of each period (enterprises through 混改, corporatised, outside assets brought under supervision)
and the structural reforms with the structure events they are, and the section's table helper
(:func:`number_table`: number columns that stay numbers)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from soeplan.capital.operations import reform_tallies
from soeplan.capital.reform_events import reform_links
from soeplan.capital.view import CapitalView
from soeplan.registers.operations import ReformKind
from soeplan.report.format import format_value
from soeplan.report.model import CellFormat
from soeplan.report.units import Names
from soeplan.sections import SectionContext, SectionTable, Text
from soeplan.structure.records import EventKind

__all__ = ["Cell", "links_table", "number_table", "tally_line", "tally_periods", "tally_table"]

Cell = str | float | int | None


def number_table(
    title: Text,
    rows: Mapping[str, list[Cell]],
    labels: Mapping[str, Text],
    formats: Mapping[str, str] | None = None,
) -> SectionTable:
    """A section table whose number columns (those in ``formats``) hold numbers, each printed
    and formatted in the workbook by its format (amount, ratio, count, points)."""
    formats = dict(formats or {})

    def dtype(key: str) -> type[pl.DataType]:
        if key not in formats:
            return pl.String
        values = [v for v in rows[key] if v is not None]
        return pl.Int64 if values and all(isinstance(v, int) for v in values) else pl.Float64

    schema = {k: dtype(k) for k in rows}
    frame = pl.DataFrame(dict(rows), schema=schema)
    return SectionTable(title=title, frame=frame, labels=labels, formats=formats)


_TALLY_LABELS = {
    "node": Text("范围", "Scope"),
    "period": Text("期间", "Period"),
    "mixed": Text("完成混合所有制改革（户）", "Mixed-ownership reforms (enterprises)"),
    "corporatised": Text("完成公司制改制（家）", "Corporatised (enterprises)"),
    "integrated": Text("专业化整合与资产划转（项）", "Integrations and transfers (count)"),
    "supervised": Text("体系外资产纳入国资监管（亿元）",
                       "Outside assets brought under supervision (100 million yuan)"),
    "change": Text("国有股权比例平均变动", "Mean change of the state share"),
}  # fmt: skip


def tally_periods(ctx: SectionContext) -> list[tuple[int, int]]:
    """The periods the tallies cover: the plan period before the plan's (十三五 for the
    十四五 plan: as long as the plan's, ending the year before it starts) and the plan's own
    up to the report's year."""
    if ctx.plan is None:
        return [(ctx.year, ctx.year)]
    p = ctx.plan
    length = p.target_year - p.period_start + 1
    out = [(p.period_start - length, p.period_start - 1)]
    if ctx.year >= p.period_start:
        out.append((p.period_start, min(ctx.year, p.target_year)))
    return out


def tally_table(ctx: SectionContext, view: CapitalView) -> SectionTable:
    """The reforms tallied per scope over each period (what the plan's §十三五 results count)."""
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    rows: dict[str, list[Cell]] = {k: [] for k in _TALLY_LABELS}
    for first, last in tally_periods(ctx):
        t = reform_tallies(view.reforms, ctx.structure, first, last)
        for r in t.filter(pl.col("node_type") == "scope").iter_rows(named=True):
            rows["node"].append(names.node(r["node"])(lang))
            rows["period"].append(f"{first}–{last}年" if lang == "zh" else f"{first}–{last}")
            for k in ("mixed", "corporatised", "integrated", "supervised"):
                rows[k].append(r[k])
            rows["change"].append(r["share_change"])
    return number_table(Text("改革成果（期间累计）", "Reforms achieved, by period"), rows, _TALLY_LABELS,
                  {"mixed": "count", "corporatised": "count", "integrated": "count",
                   "supervised": "amount", "change": "points"})  # fmt: skip


def tally_line(ctx: SectionContext, view: CapitalView) -> Text | None:
    """The first scope's tallies over the period before the plan's, in a sentence."""
    assert ctx.structure is not None
    scope = next(iter(ctx.structure.scopes), None)
    if scope is None or view.reforms.height == 0:
        return None
    first, last = tally_periods(ctx)[0]
    t = (
        reform_tallies(view.reforms, ctx.structure, first, last)
        .filter(node=scope)
        .row(0, named=True)
    )
    if not (t["mixed"] or t["corporatised"] or t["supervised"]):
        return None
    n = Names(ctx).node(scope)
    amount = format_value(t["supervised"] or 0.0, CellFormat.AMOUNT)
    return Text(
        f"{n.zh}{first}–{last}年：完成 {t['mixed']} 户企业混合所有制改革，{t['corporatised']} 家企业"
        f"公司制改制，{amount} 亿元体系外资产纳入国资监管（据资本运作台账）。",
        f"{n.en}, {first}–{last}: {t['mixed']} enterprises through mixed-ownership reform, "
        f"{t['corporatised']} corporatised, {amount} (100 million yuan) of outside assets "
        "brought under supervision (from the capital operations registers).",
    )


_LINK_LABELS = {
    "unit": Text("单位", "Unit"),
    "entity": Text("企业", "Enterprise"),
    "date": Text("改革日期", "Date of the reform"),
    "kind": Text("改革类型", "Kind of reform"),
    "event": Text("对应结构变动", "Structure event"),
    "event_on": Text("结构变动日期", "Date of the event"),
}


def links_table(ctx: SectionContext, view: CapitalView) -> SectionTable:
    """Each merger, integration or transfer up to the report's year with the structure event it
    is (无对应 / none where the structure has none: a finding of ``core.reform_event``)."""
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    links = reform_links(view.reforms, ctx.structure).filter(pl.col("date").dt.year() <= ctx.year)
    rows: dict[str, list[Cell]] = {k: [] for k in _LINK_LABELS}
    for r in links.iter_rows(named=True):
        kind = ReformKind(r["kind"])
        rows["unit"].append(names.node(r["unit"])(lang))
        rows["entity"].append(names.entity(r["entity"])(lang))
        rows["date"].append(r["date"].isoformat())
        rows["kind"].append(kind.zh if lang == "zh" else kind.en)
        if r["event_kind"] is None:
            rows["event"].append("无对应结构变动" if lang == "zh" else "none in the structure")
            rows["event_on"].append("")
            continue
        ev = EventKind(r["event_kind"])
        moved = names.entity(r["event_entity"])(lang)
        into = names.entity(r["event_target"])(lang) if r["event_target"] else ""
        rows["event"].append(f"{ev.zh}：{moved} → {into}" if lang == "zh"
                             else f"{ev.value}: {moved} → {into}")  # fmt: skip
        rows["event_on"].append(r["event_on"].isoformat())
    return number_table(Text("专业化整合、资产划转与结构变动", "Integrations and transfers, and the "
                             "structure events they are"), rows, _LINK_LABELS)  # fmt: skip
