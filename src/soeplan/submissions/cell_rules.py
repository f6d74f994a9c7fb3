"""The core's rules on the form of a submission: each cell and row as filed.

Required cells, numbers that are numbers, signs and whole counts, known entities and indicators,
no figure given twice, and every figure for the declared year and unit. The rules on what the
figures say together are in :mod:`soeplan.submissions.figure_rules`.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from soeplan.indicators import Indicator, Kind
from soeplan.rules import RuleContext, findings_frame
from soeplan.submissions.numbers import refusal
from soeplan.submissions.rule_helpers import KEY, _fmt, _label, _loc, _values, _where
from soeplan.submissions.template import can_be_negative


def check_required(ctx: RuleContext) -> pl.DataFrame:
    """Every observation names its unit, entity, indicator and year."""
    rows = []
    seen: set[tuple[Any, ...]] = set()
    labels = {
        "unit": ("单位（县市区）", "unit"),
        "entity": ("企业编号", "entity id"),
        "indicator": ("指标代码", "indicator code"),
        "year": ("年度", "year"),
    }
    for r in ctx.observations.iter_rows(named=True):
        for col, (zh, en) in labels.items():
            if r.get(col) is None:
                key = (r.get("file"), r.get("row"), col)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    {
                        **_where(r),
                        "cell": r.get("cell")
                        if col != "entity" or not r.get("sheet")
                        else f"A{r.get('row')}",
                        "expected": f"{zh} / {en}",
                        "found": "空或无效 / blank or invalid",
                        "message_zh": f"第 {r.get('row')} 行缺少{zh}（或无法识别）",
                        "message_en": f"row {r.get('row')} has no valid {en}",
                        "fix": f"填写{zh} / fill in the {en}"
                        + (
                            "（模板隐藏的 A 列 / the template's hidden column A）"
                            if col == "entity" and r.get("sheet")
                            else ""
                        ),
                    }
                )
    return findings_frame(rows)


def check_numbers(ctx: RuleContext) -> pl.DataFrame:
    """A number cell holds a finite number, not text (:func:`~soeplan.submissions.numbers.refusal`
    says why a text is not read as one, and what to type); a percent sign only in a ratio."""
    rows = []
    for r in ctx.observations.iter_rows(named=True):
        v, raw = r.get("value"), r.get("raw")
        zh, en = _label(ctx, r.get("indicator"))
        why = refusal(raw) if raw is not None else None
        if why is not None:
            finite = v is not None
            rows.append(
                {
                    **_where(r),
                    "expected": "有限的数字 / a finite number" if finite else "数字 / a number",
                    "found": repr(raw),
                    "message_zh": f"{zh}：{why.zh}",
                    "message_en": f"{en}: {why.en}",
                    "fix": why.fix,
                }
            )
        elif raw is not None and _is_percent(raw) and _not_a_ratio(ctx, r.get("indicator")):
            unit = ctx.indicators[r["indicator"]].unit
            rows.append(
                {
                    **_where(r),
                    "expected": f"{unit}，不带 % / {unit}, without %",
                    "found": repr(raw),
                    "message_zh": f"{zh}：{raw!r} 带百分号，但该列不是比率（单位为{unit}）",
                    "message_en": f"{en}: {raw!r} has a percent sign, but this column is not a "
                    f"ratio (its unit is {unit})",
                    "fix": f"填写{unit}数，不带 %；比率由系统计算 / enter the figure in {unit} "
                    "without %; ratios are recomputed",
                }
            )
        elif v is not None and not math.isfinite(v):
            rows.append(
                {
                    **_where(r),
                    "expected": "有限的数字 / a finite number",
                    "found": _fmt(v),
                    "message_zh": "数值不是有限数",
                    "message_en": "the value is not a finite number",
                    "fix": "填写实际数字 / enter the actual figure",
                }
            )
    return findings_frame(rows)


def _is_percent(raw: str) -> bool:
    return raw.strip().endswith(("%", "％"))


def _not_a_ratio(ctx: RuleContext, code: str | None) -> bool:
    """A known indicator that is not a ratio (an unknown one is reported by ``core.known``)."""
    ind: Indicator | None = ctx.indicators.get(code or "")
    return ind is not None and ind.kind is not Kind.RATIO


def check_non_negative(ctx: RuleContext) -> pl.DataFrame:
    """Amounts that cannot be negative and counts are >= 0; counts are whole numbers.

    Profits and net assets may be negative (a loss, negative equity); so may every amount of a
    difference unit (差额), which carries a group's intra-group eliminations."""
    rows = []
    diff = {e.id for e in ctx.options.get("entities", ()) if e.node_type == "difference"}
    for r in _values(ctx).iter_rows(named=True):
        ind: Indicator | None = ctx.indicators.get(r["indicator"])
        v = r["value"]
        if ind is None or ind.kind is Kind.RATIO or not math.isfinite(v):
            continue
        if r["entity"] in diff and ind.kind is Kind.AMOUNT:
            continue  # a difference unit (差额) carries eliminations: negative amounts are normal
        zh, en = ind.name_zh, ind.name_en
        if v < 0 and (ind.kind is Kind.COUNT or not can_be_negative(ind)):
            rows.append(
                {
                    **_where(r),
                    "expected": ">= 0",
                    "found": _fmt(v),
                    "message_zh": f"{zh} 不能为负数",
                    "message_en": f"{en} cannot be negative",
                    "fix": "检查符号和单位 / check the sign and the unit",
                }
            )
        elif ind.kind is Kind.COUNT and not float(v).is_integer():
            rows.append(
                {
                    **_where(r),
                    "expected": "整数 / a whole number",
                    "found": _fmt(v),
                    "message_zh": f"{zh} 应为整数（家）",
                    "message_en": f"{en} is a count of enterprises: a whole number",
                    "fix": "填写企业家数 / enter the number of enterprises",
                }
            )
    return findings_frame(rows)


def _entities(ctx: RuleContext) -> dict[str, Any]:
    return {e.id: e for e in ctx.options.get("entities", ())}


def check_known(ctx: RuleContext) -> pl.DataFrame:
    """Entities belong to the unit's structure in force that year; indicators are registered."""
    rows = []
    known = _entities(ctx)
    units = getattr(ctx.structure, "units", None)
    for r in ctx.observations.iter_rows(named=True):
        ent, ind, u = r.get("entity"), r.get("indicator"), r.get("unit")
        if u is not None and units is not None and u not in units:
            rows.append(
                {
                    **_where(r),
                    "expected": ", ".join(sorted(units)),
                    "found": u,
                    "message_zh": f"未知的县（市、区）单位 {u}",
                    "message_en": f"unknown county-level unit {u!r}",
                    "fix": "使用单位代码，如 qujiang / use a unit id, e.g. qujiang",
                }
            )
        elif ent is not None and known and ent not in known:
            rows.append(
                {
                    **_where(r),
                    "expected": f"{u} 的企业 / an entity of {u} in {ctx.year}",
                    "found": ent,
                    "message_zh": f"企业 {ent} 不在 {u} {ctx.year} 年的企业名单中",
                    "message_en": f"entity {ent!r} is not in {u}'s entity list for {ctx.year}",
                    "fix": "使用模板“企业名单”中的编号；新设企业请先登记结构 / use an id from the "
                    "template's entity list; register a new enterprise in the unit's structure first",
                }
            )
        if ind is not None and ind not in ctx.indicators:
            rows.append(
                {
                    **_where(r),
                    "expected": "已登记的指标代码 / a registered indicator code",
                    "found": ind,
                    "message_zh": f"未知指标 {ind}",
                    "message_en": f"unknown indicator {ind!r}",
                    "fix": "运行 soeplan indicators 查看指标代码 / see `soeplan indicators` for the codes",
                }
            )
    return findings_frame(rows)


def check_duplicates(ctx: RuleContext) -> pl.DataFrame:
    """Each (unit, entity, year, indicator) is given once."""
    obs = ctx.observations.filter(
        pl.col("entity").is_not_null() & pl.col("indicator").is_not_null()
    ).filter(pl.col("value").is_not_null() | pl.col("raw").is_not_null())
    dup = obs.filter(pl.struct(list(KEY)).is_duplicated())
    rows = []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in dup.iter_rows(named=True):
        groups.setdefault(tuple(r[k] for k in KEY), []).append(r)
    for items in groups.values():
        # where each copy is (a frame passed in by a script has no sheet, cell or row)
        where = ", ".join(loc for i in items if (loc := _loc(i)))
        for r in items:
            rows.append(
                {
                    **_where(r),
                    "expected": "1",
                    "found": f"{len(items)} ({where})" if where else str(len(items)),
                    "message_zh": f"{r['entity']} 的 {_label(ctx, r['indicator'])[0]} 重复填报 {len(items)} 次",
                    "message_en": f"{r['entity']} {_label(ctx, r['indicator'])[1]} is given {len(items)} times",
                    "fix": "每户每个指标只填一次，删除多余的行 / give each figure once; delete the extra rows",
                }
            )
    return findings_frame(rows)


def check_declared(ctx: RuleContext) -> pl.DataFrame:
    """Every observation is for the declared year and unit."""
    rows = []
    for r in ctx.observations.iter_rows(named=True):
        y, u = r.get("year"), r.get("unit")
        if y is not None and y != ctx.year:
            rows.append(
                {
                    **_where(r),
                    "expected": str(ctx.year),
                    "found": str(y),
                    "message_zh": f"年度为 {y}，申报年度为 {ctx.year}",
                    "message_en": f"is for {y}, but the submission is for {ctx.year}",
                    "fix": f"只报送 {ctx.year} 年的数据，或用 --year 声明正确年度 / submit {ctx.year} "
                    "figures only, or declare the right year with --year",
                }
            )
        if ctx.unit is not None and u is not None and u != ctx.unit:
            rows.append(
                {
                    **_where(r),
                    "expected": ctx.unit,
                    "found": u,
                    "message_zh": f"单位为 {u}，申报单位为 {ctx.unit}",
                    "message_en": f"is for unit {u}, but the submission is for {ctx.unit}",
                    "fix": "每个单位单独报送 / submit each unit's figures in its own file",
                }
            )
    return findings_frame(rows)
