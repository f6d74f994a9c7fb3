"""The Excel workbook: one sheet per plan table and scope, the assessment, compliance, the
debt-ratio watch list, findings, one sheet per plugin section, and a 说明/About sheet.

Numbers are written as numbers at full precision with a number format (the rounding is Excel's
display, at the edge), so the office can compute with them. Every text is written as a string
cell (:func:`soeplan.safety.xlsx_cell`): a county's text that starts with ``=`` is never a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from soeplan.arithmetic.rounding import Rounding
from soeplan.plan.table_output import add_to_worksheet
from soeplan.plan.tables import PlanTable as PublishedTable
from soeplan.report.format import EXCEL_FORMATS, excel_value
from soeplan.report.i18n import label
from soeplan.report.layout import (
    Block,
    about_rows,
    banner,
    blocks,
    section_blocks,
    section_failure,
)
from soeplan.report.model import CellFormat, RenderedSection, Report
from soeplan.safety import xlsx_cell, xlsx_text

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDE7F3")
_BANNER = PatternFill("solid", fgColor="FFF2CC")
_BAD = "[]:*?/\\"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of []:*?/\\ nor a control
    character)."""
    shown = xlsx_text(name)  # a control character as \xNN, whose backslash becomes "-"
    clean = "".join("-" if ch in _BAD else ch for ch in shown).strip("'")[:31] or "Sheet"
    out, n = clean, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(out.lower())
    return out


def _write_block(ws: Worksheet, block: Block, row: int, synthetic_note: str | None) -> int:
    if synthetic_note:
        xlsx_cell(ws, row, 1, synthetic_note).fill = _BANNER
        row += 1
    xlsx_cell(ws, row, 1, block.title).font = Font(bold=True, size=12)
    row += 1
    for j, h in enumerate(block.header, start=1):
        c = xlsx_cell(ws, row, j, h)
        c.font, c.fill = _BOLD, _HEAD
        c.alignment = Alignment(wrap_text=True, vertical="center")
    row += 1
    if not block.rows and block.empty:
        xlsx_cell(ws, row, 1, block.empty)
        row += 1
    for r in block.rows:
        for j, cell in enumerate(r, start=1):
            v = cell.value
            if isinstance(v, int | float) and not isinstance(v, bool):
                v = excel_value(
                    v, cell.fmt, cell.rounding if block.as_printed else Rounding.HALF_UP
                )
            c = xlsx_cell(ws, row, j, v)
            if isinstance(v, int | float) and not isinstance(v, bool):
                c.number_format = EXCEL_FORMATS[
                    cell.fmt if cell.fmt is not CellFormat.TEXT else CellFormat.COUNT
                ]
        row += 1
    for note in block.notes:
        row += 1
        xlsx_cell(ws, row, 1, note).alignment = Alignment(wrap_text=False)
    return row + 2


def _widths(ws: Worksheet) -> None:
    for j, col in enumerate(ws.iter_cols(), start=1):
        longest = max(
            (len(str(c.value)) for c in col if c.value is not None and c.row > 2), default=8
        )
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, longest * 1.6), 48)


def write_workbook(report: Report, path: Path) -> Path:
    """Write the report as an Excel workbook at ``path``."""
    lang = report.lang
    wb = Workbook()
    about = wb.active
    assert about is not None
    taken: set[str] = set()
    note = banner(report)
    _about_sheet(about, report, sheet_name(label("about", lang), taken), note)
    for published in report.published_tables():
        # the plan's own figures, never synthetic: said so where the banner stands elsewhere
        plan_note = label("published_banner", lang) if note else None
        _published_sheet(wb, published, taken, plan_note, lang)
    sheets: list[Worksheet] = []
    by_name: dict[str, tuple[Worksheet, int]] = {}
    for block in blocks(report, sections=False):
        if block.sheet in by_name:
            ws, r = by_name[block.sheet]
            r = _write_block(ws, block, r, None)
        else:
            ws = wb.create_sheet(sheet_name(block.sheet, taken))
            sheets.append(ws)
            r = _write_block(ws, block, 1, note)
        by_name[block.sheet] = (ws, r)
    for sec in report.sections:  # one sheet per plugin section
        ws = wb.create_sheet(sheet_name(sec.title(lang), taken))
        sheets.append(ws)
        _section_sheet(ws, report, sec, note)
    for ws in sheets:
        _widths(ws)
    wb.save(path)
    return path


def _about_sheet(about: Worksheet, report: Report, title: str, note: str | None) -> None:
    """The 说明/About sheet: the report's provenance, how to trace a figure, the rounding."""
    lang = report.lang
    about.title = title
    r = 1
    if note:
        xlsx_cell(about, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(about, r, 1, label("report_title", lang, year=report.meta.year)).font = Font(
        bold=True, size=14
    )
    r += 2
    for item, value, _ in about_rows(report):
        xlsx_cell(about, r, 1, item).font = _BOLD
        xlsx_cell(about, r, 2, value)
        r += 1
    r += 1
    xlsx_cell(about, r, 1, label("trace", lang)).font = _BOLD
    xlsx_cell(about, r, 2, label("trace_text", lang))
    xlsx_cell(about, r + 1, 2, report.meta.explain_example)
    xlsx_cell(about, r + 3, 1, label("rounding_note", lang))
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100


def _published_sheet(
    wb: Workbook, published: PublishedTable, taken: set[str], note: str | None, lang: str
) -> None:
    """One of the plan's own tables, as the document prints it."""
    ws = wb.create_sheet(sheet_name(label("published_sheet", lang, n=published.number), taken))
    r = 1
    if note:
        xlsx_cell(ws, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(ws, r, 1, label("published_note", lang))
    add_to_worksheet(ws, published, top=r + 2)
    ws.column_dimensions["B"].width = 24


def _section_sheet(ws: Worksheet, report: Report, sec: RenderedSection, note: str | None) -> None:
    """A rendered section's sheet: title, provider, paragraphs, its error if any, its tables."""
    lang = report.lang
    r = 1
    if note:
        xlsx_cell(ws, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(ws, r, 1, sec.title(lang)).font = Font(bold=True, size=12)
    r += 1
    if sec.provider:
        p = sec.provider
        xlsx_cell(
            ws,
            r,
            1,
            f"{label('provider', lang)}: {p.plugin} {p.distribution} {p.version}".strip(),
        )
        r += 1
    for para in sec.content.paragraphs:
        xlsx_cell(ws, r, 1, para(lang))
        r += 1
    failed = section_failure(sec, lang)
    if failed:
        xlsx_cell(ws, r, 1, failed)
        r += 1
    r += 1
    for block in section_blocks(report, sec):
        r = _write_block(ws, block, r, None)
