"""Annotated copies of a submitted workbook: each failing cell highlighted and commented, plus a
findings sheet (发现问题 / Findings). The submitted file itself is never written to.

Every text of a finding (an entity id, a quoted value, a message) is written as a string cell
(:func:`soeplan.safety.xlsx_cell`), never as a formula; the submitted sheets are copied as they
are.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from soeplan.errors import SoeplanError
from soeplan.safety import xlsx_cell, xlsx_text
from soeplan.submissions.template import FINDINGS_SHEET, NAME_COL

#: Fill colours by severity (Excel's own "bad", "neutral" and a light blue).
SEVERITY_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "hint": "DDEBF7"}

FINDING_HEADERS = (
    ("severity", "严重性", "Severity"),
    ("rule", "规则", "Rule"),
    ("sheet", "工作表", "Sheet"),
    ("cell", "单元格", "Cell"),
    ("row", "行", "Row"),
    ("entity", "企业", "Entity"),
    ("indicator", "指标", "Indicator"),
    ("year", "年度", "Year"),
    ("expected", "应为", "Expected"),
    ("found", "实际", "Found"),
    ("message_zh", "问题", "Problem (Chinese)"),
    ("message_en", "Problem", "Problem (English)"),
    ("fix", "处理办法", "What to do"),
    ("blocks", "是否阻止上报", "Blocks submission"),
)


#: A single cell's coordinate (a finding's ``cell`` is marked only if it is one).
_COORDINATE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


def default_annotated_path(path: Path | str) -> Path:
    p = Path(path)
    return p.with_name(f"{p.stem}.checked.xlsx")


def annotate_workbook(source: Path | str, findings: pl.DataFrame, out: Path | str) -> Path:
    """Write a copy of ``source`` to ``out`` with the findings marked; returns ``out``."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    src, dst = Path(source), Path(out)
    if src.resolve() == dst.resolve():
        raise SoeplanError(
            f"{dst}: refusing to overwrite the submitted workbook\n"
            "  fix: choose another output file with -o (the original is never modified)"
        )
    wb = load_workbook(src)
    mine = findings.filter(pl.col("file") == str(src)) if "file" in findings.columns else findings
    notes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in mine.iter_rows(named=True):
        sheet = r.get("sheet")
        if not sheet or sheet not in wb.sheetnames:
            continue
        cell = r.get("cell") or (
            f"{get_column_letter(NAME_COL)}{r['row']}" if r.get("row") is not None else None
        )
        if cell is None or not _COORDINATE.fullmatch(str(cell)):
            continue  # a finding about the file, or a cell that is no coordinate
        notes.setdefault((sheet, str(cell)), []).append(r)
    rank = {"error": 2, "warning": 1, "hint": 0}
    for (sheet, cell), items in notes.items():
        worst = max(items, key=lambda i: rank.get(i["severity"], 0))["severity"]
        c = wb[sheet][cell]
        colour = SEVERITY_FILL.get(worst, "FFFFFF")
        c.fill = PatternFill("solid", fgColor=colour)
        text = "\n".join(
            f"[{i['severity']}] {i['rule']}: {i['message_zh']} / {i['message_en']}"
            f" (应为 expected: {i['expected']}; 实际 found: {i['found']})\n→ {i['fix']}"
            for i in items
        )
        comment = Comment(xlsx_text(text)[:30000], "soeplan")
        comment.width, comment.height = 420, 160
        c.comment = comment
    if FINDINGS_SHEET in wb.sheetnames:
        del wb[FINDINGS_SHEET]
    ws = wb.create_sheet(FINDINGS_SHEET, 0)
    bold = Font(bold=True)
    for j, (_, zh, en) in enumerate(FINDING_HEADERS, start=1):
        xlsx_cell(ws, 1, j, zh).font = bold
        xlsx_cell(ws, 2, j, en).font = bold
    if not mine.height:
        xlsx_cell(ws, 3, 1, "没有发现问题 / No findings")
    for i, r in enumerate(mine.iter_rows(named=True), start=3):
        for j, (key, _, _) in enumerate(FINDING_HEADERS, start=1):
            v = r.get(key)
            if key == "blocks":
                v = "是 Yes" if v else "否 No"
            c = xlsx_cell(ws, i, j, v)
            if key == "severity":
                c.fill = PatternFill("solid", fgColor=SEVERITY_FILL.get(str(v), "FFFFFF"))
    for j, w in enumerate((10, 22, 16, 8, 6, 18, 16, 6, 28, 18, 50, 50, 50, 10), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    wb.active = 0
    try:
        wb.save(dst)
    except OSError as exc:
        raise SoeplanError(
            f"{dst}: cannot write the annotated copy ({exc.strerror or exc})\n"
            "  fix: choose a writable path with -o"
        ) from None
    return dst
