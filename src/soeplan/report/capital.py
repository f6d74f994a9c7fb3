"""布局与资本运作 / Capital layout and operations: the core's report section on the plan's
targets beyond Table 2's amounts (§二(三), §四).

Rendered from the run's :class:`~soeplan.capital.view.CapitalView` (option ``capital``: the
enterprise registers' attributes, the office's definition and each entity's state capital) and
the rollup (which totals the derived indicators):

- the share of state capital in the three strategic sectors for each scope and unit against the
  plan's 90 % floor (:func:`soeplan.assess_bound`), and state capital by sector;
- the register's AAA / AA+ / AA counts beside the submitted ones, the enterprises behind each
  count and the newly rated;
- the listed state-controlled companies and the count against the plan's target;
- the securitisation rate (资产证券化率) year by year;
- the charts of :mod:`soeplan.report.capital_charts`: the shares against the floor, state capital
  by sector, the rating counts, the securitisation rate and the reforms, year by year.

Without registers (a run on submissions alone) the section says what to load.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from soeplan.assessment.progress import assess_bound, assess_progress
from soeplan.capital.layout import sector_layout
from soeplan.capital.operations import pipeline, reform_counts
from soeplan.capital.ratings import COUNTED_RATINGS, listed_companies, register_ratings
from soeplan.capital.view import CapitalView
from soeplan.registers.operations import ListingStage, ReformKind
from soeplan.registers.records import StrategicSector
from soeplan.report.capital_charts import SHARE_INDICATOR, capital_charts, share_floor
from soeplan.report.capital_reforms import Cell, links_table, tally_line, tally_table
from soeplan.report.capital_reforms import number_table as _table
from soeplan.report.format import format_value
from soeplan.report.model import CellFormat
from soeplan.report.units import Names
from soeplan.sample import SYNTHETIC_NOTE
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text

__all__ = ["capital_section", "render_capital"]


def _pct(v: float | None) -> str:
    return format_value(v, CellFormat.RATIO)


_SHARE = SHARE_INDICATOR


def _value(rollup: pl.DataFrame, node: str, year: int, indicator: str) -> float | None:
    v = rollup.filter(
        (pl.col("node") == node) & (pl.col("year") == year) & (pl.col("indicator") == indicator)
    )["value"]
    return None if v.is_empty() or v[0] is None or v[0] != v[0] else float(v[0])


_LAYOUT_LABELS = {
    "node": Text("范围/单位", "Scope / unit"),
    "capital": Text("国有资本（亿元）", "State capital (100 million yuan)"),
    **{s.value: Text(s.zh, s.en) for s in StrategicSector},
    "unclassified": Text("未分类", "Unclassified"),
    "share": Text("三大领域占比", "Strategic-sector share"),
    "base": Text("基期占比", "Base-year share"),
    "floor": Text("下限", "Floor"),
    "status": Text("状态", "Status"),
}


def _layout_rows(
    ctx: SectionContext, view: CapitalView, rollup: pl.DataFrame, nodes: Sequence[str]
) -> dict[str, list[Cell]]:
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    by_sector = sector_layout(view.entities, ctx.structure).filter(pl.col("year") == ctx.year)
    base_year = ctx.plan.base_year if ctx.plan is not None else ctx.year
    rows: dict[str, list[Cell]] = {k: [] for k in _LAYOUT_LABELS}
    for node in nodes:
        mine = by_sector.filter(pl.col("node") == node)
        shares = dict(zip(mine["sector"], mine["share"], strict=True))
        now, base = _value(rollup, node, ctx.year, _SHARE), _value(rollup, node, base_year, _SHARE)
        floor = share_floor(ctx, node)
        status = "–"
        if floor is not None and now is not None and base is not None and ctx.year > base_year:
            a = assess_bound(base, base_year, now, ctx.year, floor[0], floor[1], "floor")
            status = a.status.zh if lang == "zh" else a.status.en
        rows["node"].append(names.node(node)(lang))
        rows["capital"].append(_value(rollup, node, ctx.year, "state_capital"))
        for s in [*StrategicSector, "unclassified"]:
            key = str(getattr(s, "value", s))
            rows[key].append(shares.get(key, 0.0) if shares else None)
        rows["share"].append(now)
        rows["base"].append(base)
        rows["floor"].append(floor[0] if floor else None)
        rows["status"].append(status)
    return rows


_RATING_LABELS = {
    "scope": Text("范围", "Scope"),
    "grade": Text("评级", "Rating"),
    "register": Text("名录登记（家）", "Register (count)"),
    "submitted": Text("报送（家）", "Submitted (count)"),
    "base": Text("基期（家）", "Base year (count)"),
    "target": Text("目标（家）", "Target (count)"),
}
_RATED_LABELS = {
    "grade": Text("评级", "Rating"),
    "unit": Text("单位", "Unit"),
    "name": Text("企业", "Enterprise"),
    "agency": Text("评级机构", "Agency"),
    "date": Text("评级日期", "Rating date"),
    "new": Text("本年新评", "New this year"),
}


def _rating_tables(
    ctx: SectionContext, view: CapitalView, rollup: pl.DataFrame
) -> tuple[SectionTable, SectionTable]:
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    held = register_ratings(view.attributes).filter(pl.col("indicator").is_not_null())
    base_year = ctx.plan.base_year if ctx.plan is not None else ctx.year
    targets = {(t.scope, t.indicator): t for t in (ctx.plan.targets if ctx.plan else ())}
    rows: dict[str, list[Cell]] = {k: [] for k in _RATING_LABELS}
    for scope in ctx.structure.scopes.values():
        mine = held.filter(pl.col("unit").is_in(list(scope.units)))
        for grade, ind in COUNTED_RATINGS.items():
            count = mine.filter((pl.col("year") == ctx.year) & (pl.col("indicator") == ind)).height
            base = mine.filter((pl.col("year") == base_year) & (pl.col("indicator") == ind)).height
            t = targets.get((scope.scope, ind))
            sub = _value(rollup, scope.scope, ctx.year, ind)
            rows["scope"].append(names.node(scope.scope)(lang))
            rows["grade"].append(grade)
            rows["register"].append(count)
            rows["submitted"].append(sub)
            rows["base"].append(base)
            rows["target"].append(float(t.value) if t is not None else None)
    now = held.filter(pl.col("year") == ctx.year)
    rated: dict[str, list[Cell]] = {k: [] for k in _RATED_LABELS}
    for r in now.sort("indicator", "unit", "entity").iter_rows(named=True):
        rated["grade"].append(r["rating"])
        rated["unit"].append(names.node(r["unit"])(lang))
        rated["name"].append(r["name_zh"])
        rated["agency"].append(r["rating_agency"])
        rated["date"].append(r["rating_date"].isoformat())
        rated["new"].append(("是" if lang == "zh" else "yes") if r["new"] else "")
    return (
        _table(Text("信用评级企业数（名录与报送）", "Rated enterprises (register and submitted)"),
               rows, _RATING_LABELS, dict.fromkeys(("register", "submitted", "base", "target"),
                                                   "count")),
        _table(Text(f"{ctx.year}年评级企业名单", f"Rated enterprises, {ctx.year}"), rated,
               _RATED_LABELS),
    )  # fmt: skip


_LISTED_LABELS = {
    "unit": Text("单位", "Unit"),
    "name": Text("上市公司", "Listed company"),
    "exchange": Text("上市地点", "Exchange"),
    "code": Text("股票代码", "Stock code"),
    "share": Text("国有股权比例", "State share"),
    "since_year": Text("首次计入年度", "Counted since"),
}
_SEC_LABELS = {"node": Text("范围", "Scope")}


def _listing_tables(
    ctx: SectionContext, view: CapitalView, rollup: pl.DataFrame
) -> tuple[SectionTable, SectionTable]:
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    listed = listed_companies(view.attributes, ctx.year)
    rows: dict[str, list[Cell]] = {k: [] for k in _LISTED_LABELS}
    for r in listed.iter_rows(named=True):
        rows["unit"].append(names.node(r["unit"])(lang))
        rows["name"].append(r["name_zh"])
        rows["exchange"].append(r["exchange"])
        rows["code"].append(r["stock_code"])
        rows["share"].append(r["state_share"])
        rows["since_year"].append(int(r["since"]))
    first = ctx.plan.base_year if ctx.plan is not None else ctx.year
    years = list(range(first, ctx.year + 1))
    sec: dict[str, list[Cell]] = {k: [] for k in ["node", *map(str, years)]}
    for scope in ctx.structure.scopes:
        sec["node"].append(names.node(scope)(lang))
        for y in years:
            sec[str(y)].append(_value(rollup, scope, y, "securitisation_rate"))
    labels = _SEC_LABELS | {str(y): Text(f"{y}年", str(y)) for y in years}
    basis = view.definition.securitisation
    return (
        _table(Text("国有控股上市公司", "State-controlled listed companies"), rows, _LISTED_LABELS,
               {"share": "ratio", "since_year": "text"}),
        _table(Text(f"资产证券化率（{basis.zh}口径）", f"Securitisation rate ({basis.en} basis)"),
               sec, labels, dict.fromkeys(map(str, years), "ratio")),
    )  # fmt: skip


_PIPE_LABELS = {
    "unit": Text("单位", "Unit"),
    "name": Text("企业", "Enterprise"),
    "stage": Text("当前阶段", "Stage reached"),
    **{st.value: Text(st.zh, st.en) for st in ListingStage},
}
_REFORM_LABELS = {
    "node": Text("范围", "Scope"),
    "year": Text("年度", "Year"),
    "kind": Text("改革类型", "Kind of reform"),
    "count": Text("户数", "Count"),
    "change": Text("国有股权比例平均变动", "Mean change of the state share"),
}
_LISTED_TARGET_LABELS = {
    "scope": Text("范围", "Scope"),
    "count": Text("名录登记上市公司（家）", "Listed in the registers (count)"),
    "target": Text("目标（家）", "Target (count)"),
    "status": Text("进展", "Progress"),
}


def _listed_target(ctx: SectionContext, view: CapitalView) -> SectionTable:
    """The listed-company count from the registers against the plan's count target."""
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    targets = {
        t.scope: t for t in (ctx.plan.targets if ctx.plan else ()) if t.indicator == "listed"
    }
    base_year = ctx.plan.base_year if ctx.plan is not None else ctx.year
    rows: dict[str, list[Cell]] = {k: [] for k in _LISTED_TARGET_LABELS}
    for scope in ctx.structure.scopes.values():
        units = list(scope.units)

        def count(year: int, units: list[str] = units) -> int:
            listed = listed_companies(view.attributes, year)
            return listed.filter(pl.col("unit").is_in(units)).height

        now, t = count(ctx.year), targets.get(scope.scope)
        status = "–"
        if t is not None and ctx.year > base_year:
            p = assess_progress(count(base_year), base_year, now, ctx.year, float(t.value), t.year,
                                method="linear")  # fmt: skip
            status = p.status.zh if lang == "zh" else p.status.en
        rows["scope"].append(names.node(scope.scope)(lang))
        rows["count"].append(now)
        rows["target"].append(float(t.value) if t is not None else None)
        rows["status"].append(status)
    return _table(Text("国有控股上市公司数与目标", "Listed companies against the target"), rows,
                  _LISTED_TARGET_LABELS, {"count": "count", "target": "count"})  # fmt: skip


def _operations_tables(ctx: SectionContext, view: CapitalView) -> tuple[SectionTable, ...]:
    """The listing pipeline at the year's end and the reforms per scope and year."""
    lang, names = ctx.lang, Names(ctx)
    assert ctx.structure is not None
    entity_names = dict(zip(view.attributes["entity"], view.attributes["name_zh"], strict=True))
    pipe = pipeline(view.listings, ctx.year)
    rows: dict[str, list[Cell]] = {k: [] for k in _PIPE_LABELS}
    for r in pipe.iter_rows(named=True):
        rows["unit"].append(names.node(r["unit"])(lang))
        rows["name"].append(entity_names.get(r["entity"], r["entity"]))
        st = ListingStage(r["stage"])
        rows["stage"].append(st.zh if lang == "zh" else st.en)
        for s in ListingStage:
            rows[s.value].append(r[s.value].isoformat() if r[s.value] else "")
    counts = reform_counts(view.reforms, ctx.structure).filter(pl.col("node_type") == "scope")
    reforms: dict[str, list[Cell]] = {k: [] for k in _REFORM_LABELS}
    for r in counts.iter_rows(named=True):
        kind = ReformKind(r["kind"])
        reforms["node"].append(names.node(r["node"])(lang))
        reforms["year"].append(int(r["year"]))
        reforms["kind"].append(kind.zh if lang == "zh" else kind.en)
        reforms["count"].append(int(r["count"]))
        change = r["share_change"]
        reforms["change"].append(change)  # a fraction, printed in points
    return (
        _listed_target(ctx, view),
        _table(Text(f"拟上市企业梯队（截至{ctx.year}年末）", f"Listing pipeline, end of {ctx.year}"),
               rows, _PIPE_LABELS),
        _table(Text("混合所有制改革与重组", "Mixed-ownership reforms and restructuring"), reforms,
               _REFORM_LABELS, {"year": "text", "count": "count", "change": "points"}),
    )  # fmt: skip


def _headline(ctx: SectionContext, view: CapitalView, rollup: pl.DataFrame) -> list[Text]:
    assert ctx.structure is not None
    out = [
        Text("口径：" + view.definition.describe("zh"), "Basis: " + view.definition.describe("en"))
    ]
    if view.synthetic:
        out.append(
            Text(f"企业名录为{SYNTHETIC_NOTE.zh}。", f"The registers are {SYNTHETIC_NOTE.en}.")
        )
    for p in view.provided:
        who = p.provider.plugin if p.provider is not None else "?"
        n = Names(ctx).node(p.unit)
        made = (
            (f"，为{SYNTHETIC_NOTE.zh}", f", {SYNTHETIC_NOTE.en.lower()}")
            if p.synthetic
            else ("", "")
        )
        out.append(Text(f"{n.zh}的资本登记表由插件 {who} 提供（库中无该单位登记表）{made[0]}。",
                        f"{n.en}'s capital registers are provided by the plugin {who} (the store "
                        f"has none of the unit's){made[1]}."))  # fmt: skip
    for scope in ctx.structure.scopes:
        share = _value(rollup, scope, ctx.year, _SHARE)
        floor = share_floor(ctx, scope)
        if share is None or floor is None:
            continue
        n = Names(ctx).node(scope)
        out.append(Text(
            f"{n.zh}{ctx.year}年三大领域国有资本占比 {_pct(share)}（规划下限 {_pct(floor[0])}）。",
            f"{n.en}: {_pct(share)} of state capital in the strategic sectors in {ctx.year} "
            f"(the plan's floor: {_pct(floor[0])}).",
        ))  # fmt: skip
    listed = listed_companies(view.attributes, ctx.year).height
    out.append(Text(f"名录登记的国有控股上市公司 {listed} 家。",
                    f"{listed} state-controlled listed companies in the registers."))  # fmt: skip
    if (tally := tally_line(ctx, view)) is not None:
        out.append(tally)
    return out


def render_capital(ctx: SectionContext) -> SectionContent:
    """布局与资本运作 / Capital layout and operations (see the module)."""
    view = ctx.options.get("capital")
    if not isinstance(view, CapitalView) or ctx.rollup is None or ctx.structure is None:
        return SectionContent(paragraphs=(Text(
            "未载入企业名录：国有资本布局、评级与上市情况需先载入各单位企业名录"
            "（soeplan register load FILE --store DIR）。",
            "No enterprise registers loaded: state capital by sector, ratings and listings need "
            "each unit's register (soeplan register load FILE --store DIR).",
        ),))  # fmt: skip
    rollup = ctx.rollup
    nodes = [*ctx.structure.scopes, *sorted(ctx.structure.units)]
    layout = _table(
        Text(f"{ctx.year}年国有资本布局（三大领域占比与90%下限）",
             f"State capital by sector, {ctx.year} (against the 90% floor)"),
        _layout_rows(ctx, view, rollup, nodes), _LAYOUT_LABELS,
        {"capital": "amount"} | dict.fromkeys(
            [*(s.value for s in StrategicSector), "unclassified", "share", "base", "floor"],
            "ratio"),
    )  # fmt: skip
    ratings, rated = _rating_tables(ctx, view, rollup)
    listed, sec = _listing_tables(ctx, view, rollup)
    return SectionContent(
        paragraphs=tuple(_headline(ctx, view, rollup)),
        tables=(
            layout,
            ratings,
            rated,
            listed,
            sec,
            *_operations_tables(ctx, view),
            tally_table(ctx, view),
            links_table(ctx, view),
        ),
        charts=capital_charts(ctx, view, rollup),
    )


def capital_section() -> ReportSection:
    """The section record the core registers through ``soeplan_report_sections``."""
    return ReportSection(
        id="core.capital",
        title=Text("布局与资本运作", "Capital layout and operations"),
        render=render_capital,
        order=40,
    )
