"""The submission template as an Excel workbook: :func:`write_template`.

The workbook has a README sheet (填报说明, in Chinese with English), the unit's entity list
(企业名单) from its structure, and a data sheet (数据填报) with one row per reporting entity and a
column per indicator it must report, with in-cell validation (数据验证) and an explanation column
(说明). What a unit reports, and the sheet layout and codes that
:mod:`soeplan.submissions.readers` reads back, are defined in :mod:`soeplan.submissions.template`. Every text (entity ids and
names, prefilled explanations) is written as a string cell (:func:`soeplan.safety.xlsx_cell`),
never as a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from soeplan.context import current
from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.indicators import Category, Indicator, Kind
from soeplan.periods import Period
from soeplan.safety import xlsx_cell, xlsx_text
from soeplan.submissions.magnitude import ABSURD, plausible_ranges
from soeplan.submissions.template import (
    CODE_ROW,
    DATA_SHEET,
    ENTITY_COL,
    ENTITY_SHEET,
    FIRST_DATA_ROW,
    FIRST_INDICATOR_COL,
    HEADER_EN_ROW,
    HEADER_ZH_ROW,
    META_SHEET,
    NAME_COL,
    README_SHEET,
    SYNTHETIC_MARK,
    TEMPLATE_FORMAT,
    TITLE_ROW,
    TYPE_COL,
    UNIT_ROW,
    TemplateEntity,
    _city_structure,
    can_be_negative,
    reported_indicators,
    template_codes,
    unit_context,
    unit_entities,
)
from soeplan.submissions.template_period import (
    README_MONTH_EN,
    README_MONTH_ZH,
    period_labels,
    period_title,
)

if TYPE_CHECKING:
    from soeplan.plan.model import Plan
    from soeplan.plugins.registry import Registry
    from soeplan.structure.dated import Structure
    from soeplan.structure.records import CountyUnit


_NODE_LABEL = {
    "single": "单户 Single",
    "group": "集团汇总 Group",
    "difference": "差额 Difference",
}

_README_ZH = """\
填报说明

1. 本表为 {unit_zh}（{unit_en}）{year} 年度国有企业主要指标报表，依据《{plan_zh}》的指标体系生成。
2. 请在“{data_sheet}”工作表中逐户填写：每行一家企业，每列一项指标。金额单位为亿元，保留两位小数（9.22 亿元填 9.22，不要按元或万元填成 922000000 或 92200），小数点用半角句点“.”；户数单位为家，填整数。
3. 带 * 号的行（单户、差额单位）为必填行，每个指标都须填写（标明“地方指标”的列只由适用企业填写）；集团汇总行可以不填，若填写，应等于其下级企业之和。
4. 只填写金额与户数；资产负债率、净资产收益率、利润率等比率由系统根据填报数自动计算，不必填写。
5. 资产总额、营业收入及各类户数不得为负数；利润总额、净利润、净资产可以为负数（亏损或资不抵债）。
6. 与上年相比变化较大、或出现警告的数字，请在“说明 / Explanation”列写明原因（出错说明），否则不能上报。
7. 请勿修改隐藏的第 1 行、A 列及隐藏工作表（系统据此识别指标和企业）；可以修改表头文字。
8. 填好后运行 soeplan validate 文件名 自查，全部通过后再上报。
"""

_README_EN = """\
How to fill this workbook

1. This is the {year} report of the main SOE indicators of {unit_en} ({unit_zh}), generated from
   the indicator system of the plan "{plan_en}".
2. Fill in the sheet "{data_sheet}": one row per enterprise, one column per indicator. Amounts are
   in 100 million yuan (亿元) with two decimals (9.22 亿元 is 9.22, not 922000000 in 元 or 92200 in
   万元), with a point for decimals; counts are numbers of enterprises (家), whole numbers.
3. Rows marked * (single enterprises, difference units) are required: fill every indicator (a
   column marked "local metric" only where it applies). Group rows are optional; if you fill
   them, they must equal the sum of their children.
4. Fill amounts and counts only: the debt ratio, ROE and margins are recomputed from them.
5. Total assets, revenue and counts cannot be negative; total profit, net profit and net assets can
   (a loss, negative equity).
6. Explain in the "说明 / Explanation" column any figure that changed a lot from last year or that
   raises a warning; unexplained warnings block the submission.
7. Do not edit the hidden row 1, the hidden column A or the hidden sheet (soeplan reads the codes
   there); the visible headers may be edited.
8. Check the filled workbook with `soeplan validate FILE` before you submit it.
"""


def _header_label(ind: Indicator, period: Period) -> tuple[str, str, str]:
    zh, en = period_labels(ind, period)
    if zh:  # a month's 快报: what the figure is (本年累计, 期末数)
        zh_, en_, unit = _header_label(ind, Period(period.year))
        return (f"{zh_[:-1]}，{zh}）", f"{en_[:-1]}; {en})", unit)
    if ind.category is Category.LOCAL:
        return (
            f"{ind.name_zh}（{ind.unit}，地方指标，适用企业填写）",
            f"{ind.name_en} ({ind.unit_en}; local metric, where it applies)",
            f"{ind.unit} / {ind.unit_en}",
        )
    if ind.category is Category.ASSESSMENT:
        return (
            f"{ind.name_zh}（{ind.unit}，考核指标，有则填写）",
            f"{ind.name_en} ({ind.unit_en}; assessment figure, where available)",
            f"{ind.unit} / {ind.unit_en}",
        )
    return (
        f"{ind.name_zh}（{ind.unit}）",
        f"{ind.name_en} ({ind.unit_en})",
        f"{ind.unit} / {ind.unit_en}",
    )


@attrs.frozen
class _Styles:
    """The fonts and fills of the workbook."""

    bold: Font = attrs.field(factory=lambda: Font(bold=True))
    mark: Font = attrs.field(factory=lambda: Font(bold=True, color="C00000"))  #: synthetic mark
    head_fill: PatternFill = attrs.field(factory=lambda: PatternFill("solid", fgColor="DDEBF7"))
    req_fill: PatternFill = attrs.field(factory=lambda: PatternFill("solid", fgColor="FFF2CC"))


def write_template(
    path: Path | str,
    *,
    unit: str,
    year: int,
    plan: str = "quzhou-14th",
    values: pl.DataFrame | None = None,
    synthetic: bool = False,
    registry: Registry | None = None,
    structure: Structure | None = None,
    month: int | None = None,
) -> Path:
    """Write the submission workbook for ``unit`` and ``year`` to ``path`` (an ``.xlsx``);
    with ``month``, that month's express report (企业快报: flows year-to-date, stocks at the
    month's end, :mod:`~soeplan.submissions.template_period`).

    ``structure`` (default: the city's, with the sample's list for a unit without entities of
    its own) gives the unit's entities: a store's structure lists the unit's register
    (:func:`~soeplan.submissions.store_registers.store_structure`).

    With ``values`` (a frame with ``entity, indicator, value`` and optionally ``explanation``) the
    cells are filled in; ``synthetic`` marks the workbook visibly as synthetic sample data. A
    year outside the plan's span is refused (:class:`~soeplan.errors.YearOutsidePlanError`) and
    nothing is written.
    """
    reg = current(registry)
    plan_obj = _known_plan(plan, reg)
    plan_obj.require_year(year, what="the template's year")
    indicators = reported_indicators(unit, reg)
    if structure is None:
        entities = unit_entities(unit, year, reg)
        structure = _city_structure(False, reg)
    else:
        entities = unit_context(unit, year, reg, structure=structure)[1]
    cu = structure.units[unit]
    # the figures are synthetic only when the caller says so (the bundled sample's); a template
    # listing the sample's entities is marked visibly, but what a county types into it is its own
    figures_synthetic = synthetic
    synthetic = synthetic or any(e.synthetic for e in entities)
    filled, notes = _filled_values(values)

    wb = Workbook()
    style = _Styles()
    period = Period(year, month)
    _write_readme(wb.active, cu, period, plan_obj, synthetic, style)
    _write_entity_list(wb.create_sheet(ENTITY_SHEET), entities, style)
    ds = wb.create_sheet(DATA_SHEET)
    wb.active = wb.index(ds)
    _write_data_header(ds, cu, period, indicators, synthetic, style)
    _write_data_rows(ds, indicators, entities, filled, notes, style)
    _set_data_layout(ds, len(indicators))
    if entities:
        highs = {c: r.high for c, r in plausible_ranges(plan_obj, reg.indicators).items()}
        _add_data_validations(ds, indicators, entities, highs)
    _write_metadata(wb.create_sheet(META_SHEET), plan_obj.id, unit, period, figures_synthetic)
    return _save(wb, Path(path))


def _known_plan(plan: str, reg: Registry) -> Plan:
    from soeplan.plan.load import load_plan

    plan_obj = load_plan(plan) if plan in reg.plans or Path(plan).exists() else None
    if plan_obj is None:
        known = ", ".join(sorted(reg.plans))
        raise UnknownNameError(
            f"unknown plan {plan!r}; known plans: {known}\n  fix: pass --plan with a known id"
        )
    return plan_obj


def _filled_values(
    values: pl.DataFrame | None,
) -> tuple[dict[tuple[str, str], Any], dict[str, str]]:
    """The figures to fill in, by (entity, indicator), and each entity's explanation."""
    filled: dict[tuple[str, str], Any] = {}
    notes: dict[str, str] = {}
    if values is not None and values.height:
        for r in values.iter_rows(named=True):
            filled[(r["entity"], r["indicator"])] = r["value"]
            if r.get("explanation"):
                notes[r["entity"]] = str(r["explanation"])
    return filled, notes


def _write_readme(
    ws: Worksheet, cu: CountyUnit, period: Period, plan_obj: Plan, synthetic: bool, style: _Styles
) -> None:
    ws.title = README_SHEET
    fmt = dict(
        unit_zh=cu.name_zh,
        unit_en=cu.name_en,
        year=period.year,
        period_zh=period.zh,
        period_en=period.en,
        plan_zh=plan_obj.title_zh,
        plan_en=plan_obj.title_en,
        data_sheet=DATA_SHEET,
    )
    zh, en = _README_ZH.format(**fmt).splitlines(), _README_EN.format(**fmt).splitlines()
    if not period.is_annual:  # a month's 快报: its own first point, the rest as for a year
        zh[2] = README_MONTH_ZH.format(**fmt)
        en[2:4] = [README_MONTH_EN.format(**fmt)]
    lines: list[str] = []
    if synthetic:
        lines += [SYNTHETIC_MARK, ""]
    lines += [*zh, "", *en]
    for i, line in enumerate(lines, start=1):
        c = xlsx_cell(ws, i, 1, line)
        if i == 1:
            c.font = style.mark if synthetic else style.bold
    ws.column_dimensions["A"].width = 110


def _write_entity_list(es: Worksheet, entities: Sequence[TemplateEntity], style: _Styles) -> None:
    head = [
        ("编号", "ID"),
        ("企业名称", "Name (Chinese)"),
        ("英文名称", "Name (English)"),
        ("单位类型", "Node type"),
        ("上级单位", "Parent"),
        ("功能分类", "Functional class"),
        ("是否必填", "Required"),
    ]
    for j, (zh, en) in enumerate(head, start=1):
        xlsx_cell(es, 1, j, zh).font = style.bold
        xlsx_cell(es, 2, j, en).font = style.bold
    for i, e in enumerate(entities, start=3):
        row = [
            e.id,
            e.name_zh,
            e.name_en,
            _NODE_LABEL.get(e.node_type, e.node_type),
            e.parent or "",
            e.functional_class or "",
            "是 Yes" if e.required else "否 No",
        ]
        for j, v in enumerate(row, start=1):
            xlsx_cell(es, i, j, v)
    for j, w in enumerate((22, 34, 34, 18, 18, 16, 10), start=1):
        es.column_dimensions[get_column_letter(j)].width = w


def _write_data_header(
    ds: Worksheet,
    cu: CountyUnit,
    period: Period,
    indicators: Sequence[Indicator],
    synthetic: bool,
    style: _Styles,
) -> None:
    """The hidden code row, the title, the three header rows and each indicator's note."""
    for j, code in enumerate(template_codes(indicators), start=1):
        xlsx_cell(ds, CODE_ROW, j, code)
    ds.row_dimensions[CODE_ROW].hidden = True
    year = period.year
    title = f"{cu.name_zh} {year} 年度国有企业主要指标 / {cu.name_en}: main SOE indicators, {year}"
    if not period.is_annual:
        title = period_title(cu.name_zh, cu.name_en, period)
    if synthetic:
        title = f"{SYNTHETIC_MARK} — {title}"
    tc = xlsx_cell(ds, TITLE_ROW, NAME_COL, title)
    tc.font = style.mark if synthetic else style.bold
    fixed = [
        ("编号", "ID", ""),
        ("企业名称（* 必填）", "Entity (* required)", ""),
        ("单位类型", "Node type", ""),
    ]
    labels = fixed + [_header_label(i, period) for i in indicators] + [("说明", "Explanation", "")]
    for j, (zh, en, u) in enumerate(labels, start=1):
        for hrow, text in ((HEADER_ZH_ROW, zh), (HEADER_EN_ROW, en), (UNIT_ROW, u)):
            c = xlsx_cell(ds, hrow, j, text)
            c.font = style.bold
            c.fill = style.head_fill
            c.alignment = Alignment(wrap_text=True, vertical="center")
    for j, ind in enumerate(indicators, start=FIRST_INDICATOR_COL):
        note = ind.note_zh or ind.name_zh
        ds.cell(row=HEADER_ZH_ROW, column=j).comment = Comment(
            xlsx_text(f"{note}\n{ind.note_en or ind.name_en}\ncode: {ind.code}"), "soeplan"
        )


def _write_data_rows(
    ds: Worksheet,
    indicators: Sequence[Indicator],
    entities: Sequence[TemplateEntity],
    filled: Mapping[tuple[str, str], Any],
    notes: Mapping[str, str],
    style: _Styles,
) -> None:
    """One row per entity: its id (hidden), name, type, figures and explanation."""
    expl_col = FIRST_INDICATOR_COL + len(indicators)
    for i, e in enumerate(entities, start=FIRST_DATA_ROW):
        xlsx_cell(ds, i, ENTITY_COL, e.id)
        name = f"* {e.name_zh}" if e.required else e.name_zh
        nc = xlsx_cell(ds, i, NAME_COL, name)
        if e.required:
            nc.fill = style.req_fill
        xlsx_cell(ds, i, TYPE_COL, _NODE_LABEL.get(e.node_type, e.node_type))
        for j, ind in enumerate(indicators, start=FIRST_INDICATOR_COL):
            c = xlsx_cell(ds, i, j, filled.get((e.id, ind.code)))
            c.number_format = "0" if ind.kind is Kind.COUNT else "0.00"
        if e.id in notes:
            xlsx_cell(ds, i, expl_col, notes[e.id])


def _set_data_layout(ds: Worksheet, n_indicators: int) -> None:
    """Column widths, the hidden entity-id column and the frozen panes."""
    expl_col = FIRST_INDICATOR_COL + n_indicators
    ds.column_dimensions[get_column_letter(ENTITY_COL)].hidden = True
    ds.column_dimensions[get_column_letter(NAME_COL)].width = 34
    ds.column_dimensions[get_column_letter(TYPE_COL)].width = 16
    for j in range(FIRST_INDICATOR_COL, expl_col):
        ds.column_dimensions[get_column_letter(j)].width = 16
    ds.column_dimensions[get_column_letter(expl_col)].width = 40
    ds.freeze_panes = ds.cell(row=FIRST_DATA_ROW, column=FIRST_INDICATOR_COL)


def _add_data_validations(
    ds: Worksheet,
    indicators: Sequence[Indicator],
    entities: Sequence[TemplateEntity],
    highs: Mapping[str, float],
) -> None:
    """In-cell validation of every indicator column, signed where a difference unit reports, and
    bounded by the indicator's plausible range (``highs``; :data:`ABSURD` without one), so that
    Excel already stops a figure typed in 元 or 万元."""
    last_row = FIRST_DATA_ROW + len(entities) - 1
    for j, ind in enumerate(indicators, start=FIRST_INDICATOR_COL):
        col = get_column_letter(j)
        signed_rows = [
            i
            for i, e in enumerate(entities, start=FIRST_DATA_ROW)
            if e.node_type == "difference" and ind.kind is Kind.AMOUNT
        ]
        strict_rows = [i for i in range(FIRST_DATA_ROW, last_row + 1) if i not in signed_rows]
        # a difference unit (差额) carries eliminations: its amounts take either sign
        for rows_, signed in ((strict_rows, False), (signed_rows, True)):
            if rows_:
                dv = _validation(
                    DataValidation, ind, signed=signed, high=highs.get(ind.code, ABSURD)
                )
                for rng in _ranges(col, rows_):
                    dv.add(rng)
                ds.add_data_validation(dv)


def _write_metadata(ms: Worksheet, plan: str, unit: str, period: Period, synthetic: bool) -> None:
    """The hidden machine-readable metadata sheet (``month`` only for a 快报)."""
    meta: dict[str, object] = {
        "format": TEMPLATE_FORMAT,
        "plan": plan,
        "unit": unit,
        "year": period.year,
        **({} if period.month is None else {"month": period.month}),
        "synthetic": "true" if synthetic else "false",
        "data_sheet": DATA_SHEET,
        "code_row": CODE_ROW,
        "first_data_row": FIRST_DATA_ROW,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for i, (mkey, mval) in enumerate(meta.items(), start=1):
        xlsx_cell(ms, i, 1, mkey)
        xlsx_cell(ms, i, 2, mval)
    ms.sheet_state = "hidden"


def _save(wb: Workbook, out: Path) -> Path:
    try:
        wb.save(out)
    except OSError as exc:
        raise SoeplanError(
            f"{out}: cannot write the workbook ({exc.strerror or exc})\n"
            "  fix: choose a writable path, and close the file if Excel has it open"
        ) from None
    return out


def _ranges(col: str, rows: Sequence[int]) -> list[str]:
    """``["D6:D9", "D11"]`` for rows 6–9 and 11 of column D."""
    runs: list[tuple[int, int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return [f"{col}{a}:{col}{b}" if a != b else f"{col}{a}" for a, b in runs]


def _excel_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.6G}"


def _validation(cls: Any, ind: Indicator, *, signed: bool, high: float) -> Any:
    unit = f"{ind.unit} / {ind.unit_en}"
    top = _excel_number(high)
    if ind.kind is Kind.COUNT:
        return cls(
            type="whole",
            operator="between",
            formula1="0",
            formula2=top,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="户数 / Count",
            error=f"{ind.name_zh}应为 0 到 {top} 之间的整数（{unit}）。/ {ind.name_en}: a whole "
            f"number from 0 to {top}.",
        )
    if signed or can_be_negative(ind):
        return cls(
            type="decimal",
            operator="between",
            formula1=f"-{top}",
            formula2=top,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数字 / Number",
            error=f"{ind.name_zh}应为 -{top} 到 {top} 之间的数字（{unit}），亏损填负数。/ "
            f"{ind.name_en}: a number from -{top} to {top} ({ind.unit_en}); a loss is negative.",
        )
    return cls(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=top,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="金额 / Amount",
        error=f"{ind.name_zh}应为 0 到 {top} 之间的数字（{unit}）。/ {ind.name_en}: a number "
        f"from 0 to {top} ({ind.unit_en}).",
    )
