"""The core's analysis sections: progress by unit, debt-risk monitoring, loss-makers.

Three :class:`~soeplan.sections.ReportSection` records (:func:`analysis_sections`), registered by
the core through ``soeplan_report_sections`` like any county's section, rendered from the run's
:class:`~soeplan.sections.SectionContext` (its plan, structure and rollup):

- **分单位进展 / Progress by unit** (:func:`render_by_unit`): for each amount target of each scope,
  each unit's actual growth, its ratio R against the scope's required pace, its share of the
  gap, ranked, with the laggards marked; and the top-level groups of 全市 the same way
  (:func:`soeplan.assessment.by_unit.progress_by_member`);
- **资产负债约束监测 / Debt-risk monitoring** (:func:`render_debt_risk`): the entities and groups
  at or above the lines their industry sets (:func:`soeplan.assessment.debt_risk.debt_risk_watch`;
  the baselines are the run's option ``debt_baselines``, a mapping ``(industry, year) -> ratio``);
- **亏损企业 / Loss-making enterprises** (:func:`render_losses`,
  :func:`soeplan.assessment.losses.loss_makers`).

The tables carry numbers, each column with its format (:attr:`SectionTable.formats`), so that
the workbook holds numbers and every writer prints them with the report's own formatter; the
sentences print theirs here (:func:`soeplan.report.format.format_value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from soeplan.assessment.by_unit import progress_by_member
from soeplan.assessment.debt_risk import debt_risk_watch
from soeplan.assessment.losses import loss_makers, losses_by_unit
from soeplan.context import current
from soeplan.report.format import format_value
from soeplan.report.model import CellFormat
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text

__all__ = ["analysis_sections", "render_by_unit", "render_debt_risk", "render_losses"]


def _pct(v: float | None) -> str:
    return format_value(v, CellFormat.RATIO)


def _num(v: float | None) -> str:
    return format_value(v, CellFormat.AMOUNT)


class Names:
    """Names of units, entities and indicators in both languages, from the run's context."""

    def __init__(self, ctx: SectionContext) -> None:
        s = ctx.structure
        self.units: Mapping[str, Any] = getattr(s, "units", {})
        self.entities: Mapping[str, Any] = getattr(s, "entities", {})
        self.indicators = current().indicators
        #: units, then scopes (the plan's names over the structure's), for :meth:`node`
        self.nodes: dict[str, Text] = {
            i: Text(x.name_zh, x.name_en or x.name_zh) for i, x in self.units.items()
        }
        scopes = getattr(s, "scopes", {}).values()
        self.nodes |= {c.scope: Text(c.name("zh"), c.name("en")) for c in scopes}
        if ctx.plan is not None:
            self.nodes |= {p.id: Text(p.name_zh, p.name_en) for p in ctx.plan.scopes}

    def node(self, n: str) -> Text:
        """A unit's or a scope's name (the id itself when unknown)."""
        return self.nodes.get(n, Text(n, n))

    def unit(self, u: str) -> Text:
        x = self.units.get(u)
        return Text(x.name_zh, x.name_en) if x is not None else Text(u, u)

    def entity(self, e: str, fallback: str | None = None) -> Text:
        x = self.entities.get(e)
        if x is None:
            return Text(fallback or e, fallback or e)
        return Text(x.name_zh, x.name_en or x.name_zh)

    def member(self, m: str, by: str) -> Text:
        return self.unit(m) if by == "unit" else self.entity(m)

    def indicator(self, code: str) -> Text:
        ind = self.indicators.get(code)
        return Text(ind.name_zh, ind.name_en) if ind is not None else Text(code, code)


def _both(make: Any) -> Text:
    """A Text from a function of the language."""
    return Text(make("zh"), make("en"))


_OWN = Text("本单位目标", "own target")
LAGGING = Text("滞后", "lagging")
_BY_LABELS = {
    "indicator": Text("指标", "Indicator"),
    "member": Text("单位", "Unit"),
    "actual": Text("实际年均增长率", "Actual growth per year"),
    "required": Text("所需年均增长率（全期）", "Required growth per year (whole period)"),
    "basis": Text("所需增长依据", "Required growth of"),
    "ratio": Text("比值R", "Ratio R"),
    "shortfall": Text("距进度路径（亿元）", "Behind the path (100 million yuan)"),
    "share": Text("占缺口比重", "Share of the gap"),
    "rank": Text("排名", "Rank"),
    "mark": Text("评价", "Assessment"),
}


_BY_SCHEMA = {
    "indicator": pl.String, "member": pl.String, "actual": pl.Float64, "required": pl.Float64,
    "basis": pl.String, "ratio": pl.Float64, "shortfall": pl.Float64, "share": pl.Float64,
    "rank": pl.Int64, "mark": pl.String,
}  # fmt: skip
_BY_FORMATS = {"actual": "growth", "required": "growth", "ratio": "amount",
               "shortfall": "amount", "share": "ratio", "rank": "count"}  # fmt: skip


def _by_table(df: pl.DataFrame, names: Names, title: Text, by: str, lang: str) -> SectionTable:
    rows: dict[str, list[Any]] = {k: [] for k in _BY_SCHEMA}
    scope = Text("所在范围目标", "the scope's target")
    for r in df.iter_rows(named=True):
        own = r["own_target"] is not None
        rows["indicator"].append(names.indicator(r["indicator"])(lang))
        rows["member"].append(names.member(r["member"], by)(lang))
        rows["actual"].append(r["actual_rate"])
        rows["required"].append(r["required_rate"])
        rows["basis"].append((_OWN if own else scope)(lang))
        rows["ratio"].append(r["ratio"])
        rows["shortfall"].append(r["shortfall"])
        rows["share"].append(r["gap_share"])
        rows["rank"].append(r["rank"])
        rows["mark"].append(LAGGING(lang) if r["lagging"] else "")
    labels = dict(_BY_LABELS)
    if by == "group":
        labels["member"] = Text("集团", "Group")
    frame = pl.DataFrame(rows, schema=_BY_SCHEMA)
    return SectionTable(title=title, frame=frame, labels=labels, formats=_BY_FORMATS)


def _laggard_text(df: pl.DataFrame, names: Names, scope: Text, by: str) -> list[Text]:
    """One sentence per target: the slowest member, its R and share of the gap."""
    out = []
    for (indicator,), part in df.group_by("indicator", maintain_order=True):
        first = part.filter(pl.col("rank") == 1).row(0, named=True)
        lag = part.filter(pl.col("lagging"))
        who = names.member(first["member"], by)
        ind = names.indicator(str(indicator))
        r, share = _num(first["ratio"]), _pct(first["gap_share"])
        out.append(
            Text(
                f"{scope.zh}{ind.zh}：进度最慢的是{who.zh}（R {r}，占缺口 {share}）；"
                f"{lag.height}/{part.height}个单位低于所需进度（R<0.95）。",
                f"{scope.en}, {ind.en}: slowest {who.en} (R {r}, {share} of the gap); "
                f"{lag.height} of {part.height} below the required pace (R < 0.95).",
            )
        )
    return out


def render_by_unit(ctx: SectionContext) -> SectionContent:
    """分单位进展 / Progress by unit (and by the city's top-level groups)."""
    if ctx.rollup is None or ctx.plan is None or ctx.year <= ctx.plan.base_year:
        return SectionContent(paragraphs=(Text("本年无可评估的进展。", "Nothing to assess."),))
    names = Names(ctx)
    paragraphs = [
        Text(
            "每个单位的实际年均增长率与所在范围（全市、市区）目标所需的全期年均增长率之比为R"
            "（≥0.95为符合进度）；“占缺口比重”为该单位距进度路径的差额占各单位差额之和的比重。",
            "R is each unit's actual growth per year over the growth its scope's target requires "
            "over the whole period (R ≥ 0.95: on track); the share of the gap is the unit's "
            "distance behind the required path over the sum of the units' distances.",
        )
    ]
    tables = []
    units = progress_by_member(ctx.rollup, ctx.plan, ctx.year, ctx.structure, by="unit")
    for scope in ctx.plan.scopes:
        df = units.filter(pl.col("scope") == scope.id)
        if df.is_empty():
            continue
        st = Text(scope.name_zh, scope.name_en)
        paragraphs += _laggard_text(df, names, st, "unit")
        title = Text(f"{st.zh}：分单位进展", f"{st.en}: progress by unit")
        tables.append(_by_table(df, names, title, "unit", ctx.lang))
    groups = progress_by_member(ctx.rollup, ctx.plan, ctx.year, ctx.structure, by="group")
    first = ctx.plan.scopes[0]
    groups = groups.filter(pl.col("scope") == first.id)
    if not groups.is_empty():
        st = Text(first.name_zh, first.name_en)
        title = Text(f"{st.zh}：分集团进展", f"{st.en}: progress by group")
        tables.append(_by_table(groups, names, title, "group", ctx.lang))
    return SectionContent(paragraphs=tuple(paragraphs), tables=tuple(tables))


WORDS = {
    "industrial": Text("工业", "industrial"),
    "non_industrial": Text("非工业", "non-industrial"),
    "unclassified": Text("未分类", "unclassified"),
    "default": Text("默认线", "class default"),
    "industry": Text("行业基准", "industry baseline"),
    "group": Text("集团（合并）", "group (consolidated)"),
    "entity": Text("单户企业", "single enterprise"),
    "key": Text("重点监管", "key supervision"),
    "warning": Text("预警", "warning"),
}
_DEBT_LABELS = {
    "name": Text("企业", "Enterprise"),
    "unit": Text("单位", "Unit"),
    "level": Text("层级", "Level"),
    "industry": Text("行业", "Industry"),
    "baseline": Text("行业基准（上年）", "Industry baseline (prior year)"),
    "lines": Text("监测线依据", "Lines from"),
    "warning": Text("预警线", "Warning line"),
    "key": Text("重点监管线", "Key-supervision line"),
    "now": Text("本年", "This year"),
    "previous": Text("上年", "Last year"),
    "change": Text("变动", "Change"),
    "years_w": Text("连续超预警线年数", "Years in a row above warning"),
    "years_k": Text("连续超重点监管线年数", "Years in a row above key supervision"),
    "severity": Text("等级", "Severity"),
}


_DEBT_SCHEMA = {
    "name": pl.String, "unit": pl.String, "level": pl.String, "industry": pl.String,
    "baseline": pl.Float64, "lines": pl.String, "warning": pl.Float64, "key": pl.Float64,
    "now": pl.Float64, "previous": pl.Float64, "change": pl.Float64, "years_w": pl.Int64,
    "years_k": pl.Int64, "severity": pl.String,
}  # fmt: skip
_DEBT_FORMATS = {"baseline": "ratio", "warning": "ratio", "key": "ratio", "now": "ratio",
                 "previous": "ratio", "change": "points", "years_w": "count",
                 "years_k": "count"}  # fmt: skip


def render_debt_risk(ctx: SectionContext) -> SectionContent:
    """资产负债约束监测 / Debt-risk monitoring, with the guidance's industry lines."""
    if ctx.rollup is None:
        return SectionContent()
    names = Names(ctx)
    baselines = ctx.options.get("debt_baselines") or {}
    watch = debt_risk_watch(ctx.rollup, ctx.year, ctx.structure, baselines)
    lang = ctx.lang
    rows: dict[str, list[Any]] = {k: [] for k in _DEBT_SCHEMA}
    for r in watch.iter_rows(named=True):
        cls = WORDS["industrial" if r["industrial"] else "non_industrial"](lang)
        rows["name"].append(names.entity(r["entity"], r["name"])(lang))
        rows["unit"].append(names.unit(r["unit"])(lang))
        rows["level"].append(WORDS[r["level"]](lang))
        rows["industry"].append(f"{r['industry'] or WORDS['unclassified'](lang)} ({cls})")
        rows["baseline"].append(r["baseline"])
        rows["lines"].append(WORDS["industry" if r["baseline"] is not None else "default"](lang))
        rows["warning"].append(r["warning_line"])
        rows["key"].append(r["key_line"])
        rows["now"].append(r["debt_ratio"])
        rows["previous"].append(r["previous"])
        rows["change"].append(r["change"])
        rows["years_w"].append(r["years_above_warning"])
        rows["years_k"].append(r["years_above_key"])
        rows["severity"].append(WORDS[r["severity"]](lang))
    source = (
        Text(
            f"行业基准取自所给基准文件（{len(baselines)}条）；未给出基准的行业用国资委默认线。",
            f"Industry baselines from the given file ({len(baselines)} rows); industries "
            "without one use SASAC's class defaults.",
        )
        if baselines
        else Text(
            "未给出行业基准：工业企业按65%/70%、非工业企业按70%/75%（国资委分类默认线）。",
            "No industry baselines given: SASAC's class defaults, 65%/70% for industrial and "
            "70%/75% for non-industrial enterprises.",
        )
    )
    paragraphs = (
        Text(
            "依《关于加强国有企业资产负债约束的指导意见》（2018）：预警线=行业上年平均资产负债率+5个"
            "百分点，重点监管线=+10个百分点，集团按合并报表。规划的65%约束性上限仍按原样考核。",
            "Per the 2018 guidance on SOE debt constraints: warning line = the industry's "
            "prior-year average debt ratio + 5 pp, key supervision = + 10 pp, groups on their "
            "consolidated figures. The plan's binding 65% ceiling is assessed as before.",
        ),
        source,
        Text(
            f"{ctx.year}年共{watch.height}户（含集团）达到或超过预警线。",
            f"{watch.height} entities and groups at or above their warning line in {ctx.year}.",
        ),
    )
    table = SectionTable(
        title=Text("资产负债率监测名单", "Debt-ratio watch list"),
        frame=pl.DataFrame(rows, schema=_DEBT_SCHEMA),
        labels=_DEBT_LABELS,
        formats=_DEBT_FORMATS,
    )
    return SectionContent(paragraphs=paragraphs, tables=(table,))


_LOSS_LABELS = {
    "unit": Text("单位", "Unit"),
    "name": Text("企业", "Enterprise"),
    "profit": Text("利润总额（亿元）", "Total profit (100 million yuan)"),
    "previous": Text("上年（亿元）", "Last year (100 million yuan)"),
    "years": Text("连续亏损年数", "Years of loss in a row"),
}
_LOSS_UNIT_LABELS = {
    "unit": Text("单位", "Unit"),
    "count": Text("亏损企业（家）", "Loss-makers (count)"),
    "loss": Text("亏损额合计（亿元）", "Total loss (100 million yuan)"),
    "repeated": Text("连续两年以上（家）", "Two years or more (count)"),
}


def render_losses(ctx: SectionContext) -> SectionContent:
    """亏损企业 / Loss-making enterprises, with their consecutive loss years, by unit."""
    if ctx.rollup is None:
        return SectionContent()
    names = Names(ctx)
    losses = loss_makers(ctx.rollup, ctx.year, ctx.structure)
    rows = {
        "unit": [names.unit(u)(ctx.lang) for u in losses["unit"]],
        "name": [
            names.entity(e, n)(ctx.lang)
            for e, n in zip(losses["entity"], losses["name"], strict=True)
        ],
        "profit": losses["total_profit"].cast(pl.Float64),
        "previous": losses["previous"].cast(pl.Float64),
        "years": losses["loss_years"].cast(pl.Int64),
    }
    per = losses_by_unit(losses)
    per_rows = {
        "unit": [names.unit(u)(ctx.lang) for u in per["unit"]],
        "count": per["count"].cast(pl.Int64),
        "loss": per["total_loss"].cast(pl.Float64),
        "repeated": per["repeated"].cast(pl.Int64),
    }
    para = Text(
        f"{ctx.year}年利润总额为负的企业{losses.height}家（不含差额单位）。",
        f"{losses.height} enterprises with a total profit below zero in {ctx.year} "
        "(difference units left out).",
    )
    return SectionContent(
        paragraphs=(para,),
        tables=(
            SectionTable(
                title=Text("亏损企业名单", "Loss-making enterprises"),
                frame=pl.DataFrame(rows),
                labels=_LOSS_LABELS,
                formats={"profit": "amount", "previous": "amount", "years": "count"},
            ),
            SectionTable(
                title=Text("分单位亏损企业", "Loss-makers by unit"),
                frame=pl.DataFrame(per_rows),
                labels=_LOSS_UNIT_LABELS,
                formats={"count": "count", "loss": "amount", "repeated": "count"},
            ),
        ),
    )


def analysis_sections() -> list[ReportSection]:
    """The core's three analysis sections, in report order (before the counties' sections)."""
    return [
        ReportSection(
            id="core.by_unit",
            title=Text("分单位进展", "Progress by unit"),
            render=render_by_unit,
            order=10,
        ),
        ReportSection(
            id="core.debt_risk",
            title=Text("资产负债约束监测", "Debt-risk monitoring"),
            render=render_debt_risk,
            order=20,
        ),
        ReportSection(
            id="core.losses",
            title=Text("亏损企业", "Loss-making enterprises"),
            render=render_losses,
            order=30,
        ),
    ]
