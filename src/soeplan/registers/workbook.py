"""Writing a register workbook: the template a county fills (:func:`write_register_template`).

The workbook has the instructions sheet (填表说明, with the unit and the as-of date), the entities
sheet (企业名录) and the changes sheet (变更记录), bilingual headers, drop-down lists for every
choice, and a hidden sheet naming the unit. Pre-filled rows come from a
:class:`~soeplan.registers.records.Register` (the one in the store) or from a unit's plugin
structure (:func:`register_from_structure`). Every text goes into a cell as text
(:func:`soeplan.safety.xlsx_cell`), never as a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from soeplan.errors import SoeplanError
from soeplan.registers.layout import (
    AS_OF_CELL,
    CHANGE_COLUMNS,
    CHANGES_SHEET,
    CLASS_LABELS,
    CODE_ROW,
    ENTITIES_SHEET,
    ENTITY_COLUMNS,
    FIRST_ROW,
    HEADER_EN_ROW,
    HEADER_ZH_ROW,
    INSTRUCTIONS_SHEET,
    KIND_LABELS,
    LISTED_LABELS,
    META_SHEET,
    NODE_LABELS,
    REGISTER_FORMAT,
    REGISTER_KIND,
    SECTOR_LABELS,
    Column,
)
from soeplan.registers.records import RATINGS, Register, RegisterChange, RegisterEntry
from soeplan.safety import xlsx_cell
from soeplan.structure.records import CountyUnit, UnitStructure

__all__ = ["register_from_structure", "write_register_template"]

#: Rows of each data sheet that carry drop-down lists and date checks.
VALIDATED_ROWS = 2000

_INSTRUCTIONS = """\
填表说明 / Instructions

1. 每家企业（含集团本部、差额单位）填一行于“{entities}”：企业编码（本单位自定、长期不变，如 cs.water）、企业名称必填；其余按实际填写，不适用的留空。
   One row per enterprise in "{entities}": ID (your own, never changed, e.g. cs.water) and name are required.
2. 上级企业编码填本名录中的集团编码；顶层企业留空。单位类型：单户、集团、差额（留空时：有下级的为集团，否则为单户）。
   Parent: the ID of a group in this register (blank at the top). Type: 单户 single, 集团 group, 差额 difference.
3. 统一社会信用代码填 18 位，系统校验校验位。行业代码按 GB/T 4754（如 E48）。国有股权比例填 51% 或 0.51。
   Credit code: 18 characters, check digit verified. Industry: GB/T 4754 code. State share: 51% or 0.51.
4. 信用评级、评级机构、评级日期须同时填写。已上市企业填“是”，可填上市地点和股票代码。
   A rating needs its agency and date. Listed: 是 (yes) or 否 (no), with exchange and stock code if listed.
5. 更名、兼并重组、资产划转、注销、新设填于“{changes}”，每项一行，注明日期；更名时企业编码不变。
   Renames, mergers, transfers, dissolutions and new entities go in "{changes}", one row each, dated.
6. 请勿修改隐藏的第 1 行和隐藏工作表；只填写数值，不要使用公式。
   Do not edit the hidden row 1 or the hidden sheet; type values, not formulas.
7. 填好后运行 soeplan register check 文件名 自查，再由市国资委 soeplan register load 入库。
   Check it with `soeplan register check FILE`; the office loads it with `soeplan register load`.
"""


def register_from_structure(structure: UnitStructure, as_of: dt.date) -> Register:
    """A unit's (plugin) structure as a register: its entities and events, no attributes the
    structure does not carry."""
    return Register(
        unit=structure.unit,
        as_of=as_of,
        entries=tuple(RegisterEntry.of(e) for e in structure.entities),
        changes=tuple(RegisterChange.of(ev) for ev in structure.events),
        source=structure.source,
    )


def write_register_template(
    path: Path | str,
    *,
    unit: CountyUnit,
    register: Register | None = None,
    as_of: dt.date | None = None,
) -> Path:
    """Write the register workbook of ``unit`` to ``path``, pre-filled with ``register``'s rows.

    ``as_of`` (default: the register's, else today) is pre-filled on the instructions sheet.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise SoeplanError(f"{path}: a register workbook is an .xlsx file\n  fix: name it X.xlsx")
    when = as_of or (register.as_of if register is not None else dt.date.today())
    wb = Workbook()
    _instructions(wb.active, unit, when)
    es = wb.create_sheet(ENTITIES_SHEET)
    header(es, ENTITY_COLUMNS)
    for i, e in enumerate(register.entries if register else (), start=FIRST_ROW):
        put_row(es, i, ENTITY_COLUMNS, _entry_values(e))
    _entity_lists(es)
    cs = wb.create_sheet(CHANGES_SHEET)
    header(cs, CHANGE_COLUMNS)
    for i, c in enumerate(register.changes if register else (), start=FIRST_ROW):
        put_row(cs, i, CHANGE_COLUMNS, _change_values(c))
    drop_down(cs, CHANGE_COLUMNS, "kind", KIND_LABELS.values())
    date_check(cs, CHANGE_COLUMNS, ("date",))
    meta_sheet(wb, REGISTER_KIND, unit.id)
    wb.active = wb.index(es)
    return save_workbook(wb, path)


def save_workbook(wb: Any, path: Path) -> Path:
    """Save ``wb`` to ``path`` whole or not at all (a temporary file, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        wb.save(tmp)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SoeplanError(
            f"{path}: cannot write the workbook ({exc.strerror or exc})\n"
            "  fix: close it in Excel or WPS, or check the directory's permissions"
        ) from None
    return path


def meta_sheet(wb: Any, kind: str, unit: str) -> None:
    """The hidden sheet saying what the workbook is (kind, format) and whose (unit)."""
    meta = wb.create_sheet(META_SHEET)
    for r, (k, v) in enumerate((("kind", kind), ("format", REGISTER_FORMAT), ("unit", unit)), 1):
        xlsx_cell(meta, r, 1, k)
        xlsx_cell(meta, r, 2, v)
    meta.sheet_state = "hidden"


def _instructions(ws: Any, unit: CountyUnit, as_of: dt.date) -> None:
    text = _INSTRUCTIONS.format(entities=ENTITIES_SHEET, changes=CHANGES_SHEET)
    instructions(ws, f"{unit.name_zh} 企业名录 / {unit.name_en} enterprise register", unit,
                 as_of, text)  # fmt: skip


def instructions(ws: Any, title: str, unit: CountyUnit, as_of: dt.date, text: str) -> None:
    """The instructions sheet: a title, the unit (B2), the as-of date (B3), the text."""
    ws.title = INSTRUCTIONS_SHEET
    xlsx_cell(ws, 1, 1, title).font = Font(bold=True, size=14)
    xlsx_cell(ws, 2, 1, "单位 Unit")
    xlsx_cell(ws, 2, 2, f"{unit.name_zh} {unit.name_en} ({unit.id})")
    xlsx_cell(ws, 3, 1, "截至日期 As of")
    cell = ws[AS_OF_CELL]
    cell.value = as_of
    cell.number_format = "yyyy-mm-dd"
    cell.fill = PatternFill("solid", fgColor="FFF2CC")
    for i, line in enumerate(text.splitlines(), start=5):
        xlsx_cell(ws, i, 1, line)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40


def header(ws: Any, columns: Sequence[Column]) -> None:
    bold = Font(bold=True)
    for j, col in enumerate(columns, start=1):
        xlsx_cell(ws, CODE_ROW, j, col.code)
        xlsx_cell(ws, HEADER_ZH_ROW, j, col.zh + (" *" if col.required else "")).font = bold
        xlsx_cell(ws, HEADER_EN_ROW, j, col.en).font = bold
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.row_dimensions[CODE_ROW].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3)


def put_row(ws: Any, row: int, columns: Sequence[Column], values: dict[str, Any]) -> None:
    for j, col in enumerate(columns, start=1):
        v = values.get(col.code)
        if v is None or v == "":
            continue
        cell = xlsx_cell(ws, row, j, v)
        if isinstance(v, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif col.code.startswith("state_share") or col.code.startswith("share_"):
            cell.number_format = "0.00%"


def _entry_values(e: RegisterEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "name_zh": e.name_zh,
        "name_en": e.name_en,
        "credit_code": e.credit_code,
        "parent": e.parent,
        "node_type": NODE_LABELS[e.node_type],
        "functional_class": CLASS_LABELS[e.functional_class] if e.functional_class else None,
        "industry": e.industry,
        "sector": SECTOR_LABELS[e.sector] if e.sector else None,
        "state_share": e.state_share,
        "listed": "是" if e.listed else None,
        "exchange": e.exchange,
        "stock_code": e.stock_code,
        "rating": e.rating,
        "rating_agency": e.rating_agency,
        "rating_date": e.rating_date,
        "since": e.since,
        "note": e.note,
    }


def _change_values(c: RegisterChange) -> dict[str, Any]:
    return {
        "date": c.date,
        "kind": KIND_LABELS[c.kind],
        "entity": c.entity,
        "target": c.target,
        "name_zh": c.name_zh,
        "name_en": c.name_en,
        "unit": c.unit,
        "note": c.note,
    }


def _entity_lists(ws: Any) -> None:
    drop_down(ws, ENTITY_COLUMNS, "node_type", NODE_LABELS.values())
    drop_down(ws, ENTITY_COLUMNS, "functional_class", CLASS_LABELS.values())
    drop_down(ws, ENTITY_COLUMNS, "sector", SECTOR_LABELS.values())
    drop_down(ws, ENTITY_COLUMNS, "listed", LISTED_LABELS)
    drop_down(ws, ENTITY_COLUMNS, "rating", RATINGS)
    date_check(ws, ENTITY_COLUMNS, ("rating_date",))
    excel_check(ws, ENTITY_COLUMNS, "state_share", type="decimal", operator="between",
              formula1="0", formula2="100",
              error="填 0%–100%（如 51%）/ a share between 0% and 100%")  # fmt: skip


def excel_check(ws: Any, columns: Sequence[Column], code: str, **kw: str) -> None:
    """Excel's own check (数据验证) on a column's data rows, with a bilingual error message."""
    col = next(c for c in columns if c.code == code)
    dv = DataValidation(
        allow_blank=True, showErrorMessage=True, errorTitle=f"{col.zh} {col.en}", **kw
    )
    ws.add_data_validation(dv)
    j = columns.index(col) + 1
    letter = get_column_letter(j)
    dv.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + VALIDATED_ROWS}")


def drop_down(ws: Any, columns: Sequence[Column], code: str, labels: Any) -> None:
    excel_check(ws, columns, code, type="list", formula1='"' + ",".join(labels) + '"',
              error="请从下拉列表中选择 / pick a value from the list")  # fmt: skip


def date_check(ws: Any, columns: Sequence[Column], codes: Sequence[str]) -> None:
    for code in codes:
        excel_check(ws, columns, code, type="date", operator="greaterThan", formula1="1",
                  error="填日期，如 2022-12-01 / a date such as 2022-12-01")  # fmt: skip
