"""Submission templates: the Excel workbook a county-level unit fills in every year.

The workbook has a README sheet (填报说明, in Chinese with English), the unit's entity list
(企业名单) from its structure, and a data sheet (数据填报) with one row per reporting entity and a
column per indicator it must report. Only amounts and counts are asked for: ratios are recomputed
from them. Machine-readable codes sit in a hidden row and a hidden column (indicator codes, entity
ids) and in a hidden sheet (plan, unit, year), so that a workbook still reads back correctly after
someone edits or translates the visible headers. :mod:`soeplan.submissions.readers` reads it back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.indicators import Category, Indicator, Kind

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

#: Sheet names; every visible label carries its Chinese and its English form.
README_SHEET = "填报说明 README"
ENTITY_SHEET = "企业名单 Entities"
DATA_SHEET = "数据填报 Data"
META_SHEET = "_soeplan"
FINDINGS_SHEET = "发现问题 Findings"

#: Layout of the data sheet (1-based rows and columns, as Excel counts them).
CODE_ROW = 1  #: hidden: ``entity``, ``name``, ``node_type``, indicator codes, ``explanation``
TITLE_ROW = 2
HEADER_ZH_ROW = 3
HEADER_EN_ROW = 4
UNIT_ROW = 5
FIRST_DATA_ROW = 6
ENTITY_COL = 1  #: hidden: entity ids
NAME_COL = 2
TYPE_COL = 3
FIRST_INDICATOR_COL = 4

ENTITY_CODE = "entity"
NAME_CODE = "name"
TYPE_CODE = "node_type"
EXPLANATION_CODE = "explanation"
TEMPLATE_FORMAT = 1

SYNTHETIC_MARK = "示例数据（合成）/ Synthetic sample data: invented figures, not real enterprises"

#: Amounts that may legitimately be negative: an enterprise can make a loss (利润总额, 净利润) or be
#: insolvent (净资产 < 0). Every other amount (资产总额, 营业收入, and a plugin's amounts unless
#: listed here) and every count must be >= 0.
NEGATIVE_ALLOWED: frozenset[str] = frozenset({"net_assets", "total_profit", "net_profit"})


def can_be_negative(indicator: Indicator | str) -> bool:
    """Whether a negative value of this indicator is possible (a loss, negative equity)."""
    code = indicator if isinstance(indicator, str) else indicator.code
    return code in NEGATIVE_ALLOWED


@attrs.frozen
class TemplateEntity:
    """An entity as the template lists it: who it is, where it sits, whether it must report."""

    id: str
    name_zh: str
    name_en: str
    node_type: str
    parent: str | None
    functional_class: str | None
    required: bool  #: leaves (single enterprises, difference units) must fill every indicator
    synthetic: bool = False


def _registry(registry: Registry | None) -> Any:
    if registry is not None:
        return registry
    return current()


def reported_indicators(unit: str, registry: Registry | None = None) -> tuple[Indicator, ...]:
    """The indicators a unit's entities report: amounts and counts (ratios are recomputed).

    The core's scale and quality amounts and counts, plus every local indicator registered by the
    plugin that registers this unit's structure (a county's own metrics).
    """
    reg = _registry(registry)
    structures: Mapping[str, Any] = getattr(reg, "structures", {}) or {}
    unit_provider = getattr(structures.get(unit), "provider", None)
    order = _catalogue_order()
    out = []
    for ind in sorted(reg.indicators.values(), key=lambda i: (order.get(i.code, 999), i.code)):
        if ind.kind is Kind.RATIO:
            continue
        plugin = ind.provider.plugin if ind.provider else "core"
        if plugin == "core" or (unit_provider is not None and plugin == unit_provider.plugin):
            out.append(ind)
    return tuple(out)


@functools.cache
def _catalogue_order() -> dict[str, int]:
    from soeplan.indicators import builtin_indicators

    return {ind.code: i for i, ind in enumerate(builtin_indicators())}


def required_indicators(unit: str, registry: Registry | None = None) -> tuple[Indicator, ...]:
    """The indicators every required entity must fill: the reported ones except local metrics.

    A county plugin's local metrics (category ``local``) apply to some enterprises only (the
    construction-waste park, the rated enterprises): their columns are filled where they apply.
    """
    return tuple(i for i in reported_indicators(unit, registry) if i.category is not Category.LOCAL)


def _city_structure(sample: bool, registry: Registry | None) -> Any:
    from soeplan.structure.city import city_structure

    return city_structure(sample=sample, registry=registry)


def unit_entities(
    unit: str, year: int, registry: Registry | None = None
) -> tuple[TemplateEntity, ...]:
    """The unit's entities in force at the end of ``year``, parents before children.

    Uses the unit's registered structure; when that lists no enterprise for the unit (only
    groups, or nothing), the bundled synthetic sample list, each entity marked ``synthetic``.
    """
    return unit_context(unit, year, registry)[1]


def unit_context(
    unit: str, year: int, registry: Registry | None = None, *, structure: Any = None
) -> tuple[Any, tuple[TemplateEntity, ...]]:
    """The structure in force for ``unit`` and its entities in ``year`` (see :func:`unit_entities`)."""
    reg = _registry(registry)
    candidates = [structure] if structure is not None else [None, None]
    states: list[Any] = []
    for i, given in enumerate(candidates):
        st = given if given is not None else _city_structure(i == 1, reg)
        if unit not in st.units:
            known = ", ".join(sorted(st.units))
            raise UnknownNameError(
                f"unknown county-level unit {unit!r}; known units: {known}\n"
                "  fix: pass one of the known unit ids with --unit"
            )
        snap = st.at(year)
        states = [snap[e] for e in snap.entities_of_unit(unit)]
        if any(str(s.node_type) != "group" for s in states) or i == len(candidates) - 1:
            return st, _ordered(states)
    raise AssertionError("unreachable")  # pragma: no cover


def _ordered(states: Sequence[Any]) -> tuple[TemplateEntity, ...]:
    ids = {s.id for s in states}
    kids: dict[str | None, list[Any]] = {}
    for s in states:
        parent = s.parent if s.parent in ids else None
        kids.setdefault(parent, []).append(s)
    out: list[TemplateEntity] = []

    def walk(parent: str | None) -> None:
        for s in sorted(kids.get(parent, []), key=lambda e: e.id):
            children = kids.get(s.id, [])
            out.append(
                TemplateEntity(
                    id=s.id,
                    name_zh=s.name_zh,
                    name_en=getattr(s, "name_en", "") or "",
                    node_type=str(getattr(s.node_type, "value", s.node_type)),
                    parent=s.parent,
                    functional_class=(
                        str(getattr(s.functional_class, "value", s.functional_class))
                        if s.functional_class is not None
                        else None
                    ),
                    required=not children and str(s.node_type) != "group",
                    synthetic=bool(getattr(s, "synthetic", False)),
                )
            )
            walk(s.id)

    walk(None)
    return tuple(out)


_NODE_LABEL = {
    "single": "单户 Single",
    "group": "集团汇总 Group",
    "difference": "差额 Difference",
}

_README_ZH = """\
填报说明

1. 本表为 {unit_zh}（{unit_en}）{year} 年度国有企业主要指标报表，依据《{plan_zh}》的指标体系生成。
2. 请在“{data_sheet}”工作表中逐户填写：每行一家企业，每列一项指标。金额单位为亿元，保留两位小数；户数单位为家，填整数。
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
   in 100 million yuan (亿元) with two decimals; counts are numbers of enterprises (家), whole numbers.
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


def _header_label(ind: Indicator) -> tuple[str, str, str]:
    if ind.category is Category.LOCAL:
        return (
            f"{ind.name_zh}（{ind.unit}，地方指标，适用企业填写）",
            f"{ind.name_en} ({ind.unit_en}; local metric, where it applies)",
            f"{ind.unit} / {ind.unit_en}",
        )
    return (
        f"{ind.name_zh}（{ind.unit}）",
        f"{ind.name_en} ({ind.unit_en})",
        f"{ind.unit} / {ind.unit_en}",
    )


def write_template(
    path: Path | str,
    *,
    unit: str,
    year: int,
    plan: str = "quzhou-14th",
    values: pl.DataFrame | None = None,
    synthetic: bool = False,
    registry: Registry | None = None,
) -> Path:
    """Write the submission workbook for ``unit`` and ``year`` to ``path`` (an ``.xlsx``).

    With ``values`` (a frame with ``entity, indicator, value`` and optionally ``explanation``) the
    cells are filled in; ``synthetic`` marks the workbook visibly as synthetic sample data.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from soeplan.plan.load import load_plan

    reg = _registry(registry)
    plan_obj = load_plan(plan) if plan in reg.plans or Path(plan).exists() else None
    if plan_obj is None:
        known = ", ".join(sorted(reg.plans))
        raise UnknownNameError(
            f"unknown plan {plan!r}; known plans: {known}\n  fix: pass --plan with a known id"
        )
    indicators = reported_indicators(unit, reg)
    entities = unit_entities(unit, year, reg)
    structure = _city_structure(False, reg)
    cu = structure.units[unit]
    synthetic = synthetic or any(e.synthetic for e in entities)
    filled: dict[tuple[str, str], Any] = {}
    notes: dict[str, str] = {}
    if values is not None and values.height:
        for r in values.iter_rows(named=True):
            filled[(r["entity"], r["indicator"])] = r["value"]
            if r.get("explanation"):
                notes[r["entity"]] = str(r["explanation"])

    wb = Workbook()
    bold = Font(bold=True)
    mark_font = Font(bold=True, color="C00000")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    req_fill = PatternFill("solid", fgColor="FFF2CC")

    # README
    ws = wb.active
    ws.title = README_SHEET
    fmt = dict(
        unit_zh=cu.name_zh,
        unit_en=cu.name_en,
        year=year,
        plan_zh=plan_obj.title_zh,
        plan_en=plan_obj.title_en,
        data_sheet=DATA_SHEET,
    )
    lines: list[str] = []
    if synthetic:
        lines += [SYNTHETIC_MARK, ""]
    lines += [*_README_ZH.format(**fmt).splitlines(), "", *_README_EN.format(**fmt).splitlines()]
    for i, line in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=line)
        if i == 1:
            c.font = mark_font if synthetic else bold
    ws.column_dimensions["A"].width = 110

    # Entity list
    es = wb.create_sheet(ENTITY_SHEET)
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
        es.cell(row=1, column=j, value=zh).font = bold
        es.cell(row=2, column=j, value=en).font = bold
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
            es.cell(row=i, column=j, value=v)
    for j, w in enumerate((22, 34, 34, 18, 18, 16, 10), start=1):
        es.column_dimensions[get_column_letter(j)].width = w

    # Data sheet
    ds = wb.create_sheet(DATA_SHEET)
    wb.active = wb.index(ds)
    expl_col = FIRST_INDICATOR_COL + len(indicators)
    codes = [ENTITY_CODE, NAME_CODE, TYPE_CODE, *[i.code for i in indicators], EXPLANATION_CODE]
    for j, code in enumerate(codes, start=1):
        ds.cell(row=CODE_ROW, column=j, value=code)
    ds.row_dimensions[CODE_ROW].hidden = True
    title = f"{cu.name_zh} {year} 年度国有企业主要指标 / {cu.name_en}: main SOE indicators, {year}"
    if synthetic:
        title = f"{SYNTHETIC_MARK} — {title}"
    tc = ds.cell(row=TITLE_ROW, column=NAME_COL, value=title)
    tc.font = mark_font if synthetic else bold
    fixed = [
        ("编号", "ID", ""),
        ("企业名称（* 必填）", "Entity (* required)", ""),
        ("单位类型", "Node type", ""),
    ]
    labels = fixed + [_header_label(i) for i in indicators] + [("说明", "Explanation", "")]
    for j, (zh, en, u) in enumerate(labels, start=1):
        for hrow, text in ((HEADER_ZH_ROW, zh), (HEADER_EN_ROW, en), (UNIT_ROW, u)):
            c = ds.cell(row=hrow, column=j, value=text)
            c.font = bold
            c.fill = head_fill
            c.alignment = Alignment(wrap_text=True, vertical="center")
    for j, ind in enumerate(indicators, start=FIRST_INDICATOR_COL):
        note = ind.note_zh or ind.name_zh
        ds.cell(row=HEADER_ZH_ROW, column=j).comment = Comment(
            f"{note}\n{ind.note_en or ind.name_en}\ncode: {ind.code}", "soeplan"
        )
    last_row = FIRST_DATA_ROW + len(entities) - 1
    for i, e in enumerate(entities, start=FIRST_DATA_ROW):
        ds.cell(row=i, column=ENTITY_COL, value=e.id)
        name = f"* {e.name_zh}" if e.required else e.name_zh
        nc = ds.cell(row=i, column=NAME_COL, value=name)
        if e.required:
            nc.fill = req_fill
        ds.cell(row=i, column=TYPE_COL, value=_NODE_LABEL.get(e.node_type, e.node_type))
        for j, ind in enumerate(indicators, start=FIRST_INDICATOR_COL):
            c = ds.cell(row=i, column=j, value=filled.get((e.id, ind.code)))
            c.number_format = "0" if ind.kind is Kind.COUNT else "0.00"
        if e.id in notes:
            ds.cell(row=i, column=expl_col, value=notes[e.id])
    ds.column_dimensions[get_column_letter(ENTITY_COL)].hidden = True
    ds.column_dimensions[get_column_letter(NAME_COL)].width = 34
    ds.column_dimensions[get_column_letter(TYPE_COL)].width = 16
    for j in range(FIRST_INDICATOR_COL, expl_col):
        ds.column_dimensions[get_column_letter(j)].width = 16
    ds.column_dimensions[get_column_letter(expl_col)].width = 40
    ds.freeze_panes = ds.cell(row=FIRST_DATA_ROW, column=FIRST_INDICATOR_COL)
    if entities:
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
                    dv = _validation(DataValidation, ind, signed=signed)
                    for rng in _ranges(col, rows_):
                        dv.add(rng)
                    ds.add_data_validation(dv)

    # Hidden machine-readable metadata
    ms = wb.create_sheet(META_SHEET)
    meta: dict[str, object] = {
        "format": TEMPLATE_FORMAT,
        "plan": plan_obj.id,
        "unit": unit,
        "year": year,
        "synthetic": "true" if synthetic else "false",
        "data_sheet": DATA_SHEET,
        "code_row": CODE_ROW,
        "first_data_row": FIRST_DATA_ROW,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for i, (mkey, mval) in enumerate(meta.items(), start=1):
        ms.cell(row=i, column=1, value=mkey)
        ms.cell(row=i, column=2, value=mval)
    ms.sheet_state = "hidden"

    out = Path(path)
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


def _validation(cls: Any, ind: Indicator, *, signed: bool) -> Any:
    unit = f"{ind.unit} / {ind.unit_en}"
    if ind.kind is Kind.COUNT:
        return cls(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="户数 / Count",
            error=f"{ind.name_zh}应为不小于 0 的整数（{unit}）。/ {ind.name_en}: a whole number >= 0.",
        )
    if signed or can_be_negative(ind):
        return cls(
            type="decimal",
            operator="between",
            formula1="-1E+12",
            formula2="1E+12",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数字 / Number",
            error=f"{ind.name_zh}应为数字（{unit}），亏损填负数。/ {ind.name_en}: a number; a loss is negative.",
        )
    return cls(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="金额 / Amount",
        error=f"{ind.name_zh}应为不小于 0 的数字（{unit}）。/ {ind.name_en}: a number >= 0.",
    )


def template_codes(indicators: Iterable[Indicator]) -> list[str]:
    """The hidden code row of a data sheet for these indicators."""
    return [ENTITY_CODE, NAME_CODE, TYPE_CODE, *[i.code for i in indicators], EXPLANATION_CODE]
