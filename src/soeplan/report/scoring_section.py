"""The core's section 分类考核 / Classified assessment, registered through ``soeplan_report_sections``.

Each enterprise assessed by its scheme (:func:`soeplan.score_enterprises`): one table per
scheme (item scores, total, grade, rank within the functional class), the distribution of grades
per unit, and the special items applied. The standard values are the run's option
``scoring_standards`` (a :class:`soeplan.StandardTable`); on the synthetic sample (option
``synthetic``) the sample's **synthetic** standard values, labelled as such; otherwise the section
says how to bring them. Special items are the option ``scoring_special``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from soeplan.report.units import Names
from soeplan.scoring.defaults import SAMPLE_STANDARDS_LABEL, sample_standards
from soeplan.scoring.records import GRADES, StandardTable
from soeplan.scoring.score import Scores, score_enterprises
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text

__all__ = ["render_scoring", "scoring_section"]

CLASS_WORDS = {
    "commercial_1": Text("商业一类", "Commercial 1"),
    "commercial_2": Text("商业二类", "Commercial 2"),
    "public": Text("公益类", "Public welfare"),
}
_METHOD = Text(
    "按功效系数法（财统字〔1999〕6号）计分：单项得分 = 本档基础分 + 调整分，本档基础分 = 权数 × "
    "本档标准系数（优秀1.0、良好0.8、平均0.6、较低0.4、较差0.2），调整分 = （实际值 − 本档标准值）/"
    "（上档标准值 − 本档标准值）×（上档基础分 − 本档基础分）；达到优秀值得满分，低于较差值得0分；"
    "越低越好的指标反向计算。单项保留两位小数，总分保留一位小数（四舍五入）；等级：A优≥85、B良≥70、"
    "C中≥50、D低≥40、E差<40。",
    "Scored by the efficacy-coefficient method (Caitongzi [1999] No. 6): item score = base score of the "
    "level reached + adjustment; base = weight × the level's coefficient (excellent 1.0, good 0.8, "
    "average 0.6, low 0.4, poor 0.2); adjustment = (actual − level value) / (next level value − "
    "level value) × (next base − base); at or beyond excellent the full weight, below poor 0; "
    "lower-is-better indicators mirrored. Items to two decimals, totals to one (half-up); grades "
    "A ≥ 85, B ≥ 70, C ≥ 50, D ≥ 40, E below.",
)
_NO_STANDARDS = Text(
    "未提供本年企业绩效评价标准值，未计分：用 soeplan score --standards FILE 计分。",
    "No standard values were given for this year, so nothing was scored: "
    "use soeplan score --standards FILE.",
)


def scoring_section() -> ReportSection:
    """The section record the core registers."""
    return ReportSection(
        id="core.classified_assessment",
        title=Text("分类考核", "Classified assessment"),
        render=render_scoring,
        order=60,
        sheet=Text("分类考核", "Classified assessment"),
    )


def _standards(ctx: SectionContext) -> StandardTable | None:
    given = ctx.options.get("scoring_standards")
    if isinstance(given, StandardTable):
        return given
    if ctx.options.get("synthetic"):
        return sample_standards(ctx.year)
    return None


def _scheme_table(scores: Scores, scheme_id: str, names: Names, lang: str) -> SectionTable:
    scheme = scores.schemes[scheme_id]
    part = scores.totals.filter(pl.col("scheme") == scheme_id)
    items = scores.items.filter(pl.col("scheme") == scheme_id)
    labels: dict[str, Text] = {
        "unit": Text("单位", "Unit"),
        "entity": Text("企业", "Enterprise"),
        "industry": Text("行业", "Industry"),
    }
    for it in scheme.items:
        ind = names.indicator(it.indicator)
        labels[it.indicator] = Text(f"{ind.zh}（{it.weight}分）", f"{ind.en} ({it.weight} pts)")
    labels |= {
        "total": Text("总分", "Total"),
        "grade": Text("等级", "Grade"),
        "rank": Text("类内排名", "Rank in class"),
    }
    labels["adjusted"] = Text("按特殊事项调整", "After special items")
    labels["missing"] = Text("缺项", "Missing items")
    scores_of = {(r["entity"], r["indicator"]): r for r in items.iter_rows(named=True)}
    grades = {g.letter: g for g in scores.grades}
    rows: dict[str, list[Any]] = {k: [] for k in labels}
    for r in part.iter_rows(named=True):
        rows["unit"].append(names.unit(r["unit"])(lang))
        rows["entity"].append(names.entity(r["entity"], r["name_zh"])(lang))
        rows["industry"].append(r["industry"] or "–")
        moved = []
        for it in scheme.items:
            item = scores_of.get((r["entity"], it.indicator))
            rows[it.indicator].append(None if item is None or item["missing"] else item["score"])
            if item is not None and item["adjusted"]:
                moved.append(names.indicator(it.indicator)(lang))
        g = grades[r["grade"]]
        rows["total"].append(r["total"])
        rows["grade"].append(f"{g.letter} {g.zh if lang == 'zh' else g.en}")
        rows["rank"].append(r["rank"])
        rows["adjusted"].append("、".join(moved) if lang == "zh" else ", ".join(moved))
        rows["missing"].append(r["missing"])
    numbers = {it.indicator: pl.Float64 for it in scheme.items} | {"total": pl.Float64}
    schema = {k: numbers.get(k, pl.String) for k in rows} | {"rank": pl.Int32, "missing": pl.Int32}
    frame = pl.DataFrame(rows, schema=schema)
    # item scores to two decimals, totals to one (财统字〔1999〕6号), ranks whole
    formats = dict.fromkeys(numbers, "amount") | {"total": "score", "rank": "count",
                                                  "missing": "count"}  # fmt: skip
    default = Text("：须经考核办审定", ": for the office to review")
    mark = default if scheme.default else Text("", "")
    title = Text(scheme.name_zh + mark.zh, scheme.name_en + mark.en)
    return SectionTable(title=title, frame=frame, labels=labels, formats=formats)


def _distribution(scores: Scores, names: Names, lang: str) -> SectionTable:
    letters = [g.letter for g in scores.grades]
    labels = {"unit": Text("单位", "Unit")}
    labels |= {g.letter: Text(f"{g.letter} {g.zh}", f"{g.letter} {g.en}") for g in scores.grades}
    labels["count"] = Text("合计", "Total")
    rows: dict[str, list[Any]] = {k: [] for k in labels}
    for (unit,), part in scores.totals.sort("unit").group_by("unit", maintain_order=True):
        rows["unit"].append(names.unit(str(unit))(lang))
        for letter in letters:
            rows[letter].append(part.filter(pl.col("grade") == letter).height)
        rows["count"].append(part.height)
    frame = pl.DataFrame(rows, schema={k: pl.String if k == "unit" else pl.Int32 for k in rows})
    formats = {k: "count" for k in rows if k != "unit"}
    title = Text("各单位等级分布", "Grades by unit")
    return SectionTable(title=title, frame=frame, labels=labels, formats=formats)


def _adjustments(scores: Scores, names: Names, lang: str) -> SectionTable:
    labels = {
        "entity": Text("企业", "Enterprise"),
        "indicator": Text("调整指标", "Indicator adjusted"),
        "amount": Text("调整金额", "Amount"),
        "reason": Text("特殊事项", "Special item"),
        "source": Text("依据", "Approved by"),
    }
    rows: dict[str, list[Any]] = {k: [] for k in labels}
    for r in scores.adjustments.iter_rows(named=True):
        rows["entity"].append(names.entity(r["entity"])(lang))
        rows["indicator"].append(names.indicator(r["indicator"])(lang))
        rows["amount"].append(r["amount"])
        rows["reason"].append(r["reason"])
        rows["source"].append(r["source"] or "–")
    schema = {k: pl.Float64 if k == "amount" else pl.String for k in rows}
    frame = pl.DataFrame(rows, schema=schema)
    title = Text("特殊事项清单（计分前调整）", "Special items (applied before scoring)")
    return SectionTable(title=title, frame=frame, labels=labels, formats={"amount": "amount"})


def _paragraphs(scores: Scores, standards: StandardTable, names: Names) -> list[Text]:
    src = standards.source
    out = [_METHOD]
    if standards.synthetic:
        out.append(
            Text(
                f"标准值：{SAMPLE_STANDARDS_LABEL[0]}，仅用于演示。",
                f"Standard values: {SAMPLE_STANDARDS_LABEL[1]}, for the demonstration only.",
            )
        )
    else:
        out.append(Text(f"标准值来源：{src}。", f"Standard values from {src}."))
    if any(s.default for s in scores.schemes.values()):
        out.append(
            Text(
                "使用的考核方案含 soeplan 默认方案，须经考核办审定后方可用于正式考核。",
                "Some schemes used are soeplan's defaults: the office should review them "
                "before any real assessment.",
            )
        )
    if scores.adjustments.height:
        out.append(
            Text(
                "“按特殊事项调整”一列列出计分前按特殊事项清单调整的指标。",
                "The column After special items names the indicators scored after them.",
            )
        )
    counts = scores.totals["grade"].value_counts()
    if not scores.totals.is_empty():
        by = dict(counts.iter_rows())
        zh = "、".join(f"{g.letter}{g.zh} {by.get(g.letter, 0)} 户" for g in scores.grades)
        en = ", ".join(f"{g.letter} {by.get(g.letter, 0)}" for g in scores.grades)
        out.append(
            Text(
                f"共考核 {scores.totals.height} 户企业：{zh}。",
                f"{scores.totals.height} enterprises assessed: {en}.",
            )
        )
    for r in scores.unscored.iter_rows(named=True):
        who = names.entity(r["entity"])
        out.append(Text(f"{who.zh}未计分：{r['reason']}。", f"{who.en} not scored: {r['reason']}."))
    return out


def render_scoring(ctx: SectionContext) -> SectionContent:
    """分类考核 / Classified assessment (see the module)."""
    if ctx.rollup is None or ctx.structure is None:
        return SectionContent(paragraphs=(Text("本年无可考核的数据。", "Nothing to assess."),))
    standards = _standards(ctx)
    if standards is None:
        return SectionContent(paragraphs=(_METHOD, _NO_STANDARDS))
    if ctx.year not in standards.years():
        missing = Text(
            f"标准值（{standards.source}）中没有{ctx.year}年的数据，未计分。",
            f"The standard values ({standards.source}) hold nothing for {ctx.year}: not scored.",
        )
        return SectionContent(paragraphs=(_METHOD, missing))
    special: Sequence[Any] = ctx.options.get("scoring_special") or ()
    scores = score_enterprises(
        ctx.rollup,
        ctx.structure,
        ctx.year,
        standards=standards,
        special=special,
        grades=ctx.options.get("scoring_grades") or GRADES,
    )
    names = Names(ctx)
    tables = [
        _scheme_table(scores, sid, names, ctx.lang)
        for sid in sorted(set(scores.totals["scheme"].to_list()))
    ]
    if not scores.totals.is_empty():
        tables.append(_distribution(scores, names, ctx.lang))
    if scores.adjustments.height:
        tables.append(_adjustments(scores, names, ctx.lang))
    paragraphs = _paragraphs(scores, standards, names)
    return SectionContent(paragraphs=tuple(paragraphs), tables=tuple(tables))
