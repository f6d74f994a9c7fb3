"""The Excel workbook: a contents sheet (目录 / Contents) linking every sheet, a 说明/About
sheet, one sheet per plan table and scope, the assessment, compliance, the debt-ratio watch list,
findings, and one sheet per section (the core's and the plugins').

Every sheet is a clerk's (:mod:`soeplan.report.xlsx_sheet`): the header rows and the first
column frozen, a filter on every table, columns as wide as what they hold; sheet names are
short, whole words in either language (:mod:`soeplan.report.sheet_names`).

Numbers are written as numbers at full precision with a number format (the rounding is Excel's
display, at the edge), so the office can compute with them. Every text is written as a string
cell (:func:`soeplan.safety.xlsx_cell`): a county's text that starts with ``=`` is never a formula.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from soeplan.arithmetic.rounding import Rounding
from soeplan.plan.table_output import add_to_worksheet
from soeplan.plan.tables import PlanTable as PublishedTable
from soeplan.report.format import EXCEL_FORMATS, excel_value
from soeplan.report.i18n import label
from soeplan.report.layout import (
    Block,
    Out,
    about_rows,
    banner,
    blocks,
    scope_name,
    section_blocks,
    section_failure,
)
from soeplan.report.model import CellFormat, RenderedSection, Report
from soeplan.report.section_charts import chart_blocks
from soeplan.report.sheet_names import SHEETS, sheet_title, unique_sheet_name, whole_words
from soeplan.report.xlsx_sheet import Region, SheetLayout, finish, number_of_text
from soeplan.safety import xlsx_cell
from soeplan.sections import Text

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDE7F3")
_BANNER = PatternFill("solid", fgColor="FFF2CC")
_LINK = Font(color="0563C1", underline="single")
_CONTENTS_HEADER = (Text("工作表", "Sheet"), Text("内容", "What it holds"))


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of []:*?/\\ nor a control
    character), cut after a whole word (:func:`soeplan.report.sheet_names.unique_sheet_name`)."""
    return unique_sheet_name(name, taken)


#: The findings' columns of an indicator (4) and of the figures it quotes (7 and 8: expected,
#: found), by position in :data:`soeplan.report.layout.findings_block`'s header.
_FINDING_INDICATOR, _FINDING_QUOTED = 4, (7, 8)
#: A whole number written as a text of the report's own (not a datum): a section's year column.
_WHOLE = re.compile(r"[1-9]\d{0,14}|0")


def _quoted(block: Block, cells: tuple[Out, ...], j: int) -> bool:
    """Whether cell ``j`` of a row quotes a figure of an indicator (a finding's ``73.78%``), to be
    stored as the number it shows; an id or a code, in a finding without an indicator, is not."""
    return (
        block.key == "findings"
        and j in _FINDING_QUOTED
        and len(cells) > _FINDING_INDICATOR
        and bool(cells[_FINDING_INDICATOR].value)
    )


def _put(ws: Worksheet, row: int, col: int, cell: Out, block: Block, quoted: bool) -> None:
    v = cell.value
    number_format = ""
    if isinstance(v, int | float) and not isinstance(v, bool):
        v = excel_value(v, cell.fmt, cell.rounding if block.as_printed else Rounding.HALF_UP)
        number_format = EXCEL_FORMATS[
            cell.fmt if cell.fmt is not CellFormat.TEXT else CellFormat.COUNT
        ]
    elif isinstance(v, str) and quoted and (parsed := number_of_text(v)) is not None:
        v, number_format = parsed  # a quoted figure, a number as written
    elif isinstance(v, str) and not cell.data and _WHOLE.fullmatch(v):
        v, number_format = int(v), "0"  # a year, shown as text elsewhere: a number here
    c = xlsx_cell(ws, row, col, v)
    if number_format:
        c.number_format = number_format


def _write_block(
    ws: Worksheet, block: Block, row: int, synthetic_note: str | None, layout: SheetLayout
) -> int:
    if synthetic_note:
        xlsx_cell(ws, row, 1, synthetic_note).fill = _BANNER
        row += 1
    xlsx_cell(ws, row, 1, block.title).font = Font(bold=True, size=12)
    row += 1
    header_row = row
    for j, h in enumerate(block.header, start=1):
        c = xlsx_cell(ws, row, j, h)
        c.font, c.fill = _BOLD, _HEAD
        c.alignment = Alignment(wrap_text=True, vertical="center")
    row += 1
    if not block.rows and block.empty:
        xlsx_cell(ws, row, 1, block.empty)
    for r in block.rows:
        for j, cell in enumerate(r, start=1):
            _put(ws, row, j, cell, block, _quoted(block, r, j - 1))
        row += 1
    layout.regions.append(Region(header_row, 1, max(len(block.header), 1), row - 1))
    if not block.rows and block.empty:
        row += 1
    for note in block.notes:
        row += 1
        xlsx_cell(ws, row, 1, note).alignment = Alignment(wrap_text=False)
    return row + 2


def _block_sheet(report: Report, block: Block) -> str:
    """The short name of a block's sheet (:data:`soeplan.report.sheet_names.SHEETS`)."""
    lang = report.lang
    if block.key in SHEETS:
        return sheet_title(block.key, lang)
    number, _, scope = block.key.removeprefix("table").partition("-")
    if block.key.startswith("table") and number.isdigit():
        return sheet_title("table", lang, n=number, scope=scope_name(report, scope, lang))
    return whole_words(block.sheet)


def write_workbook(report: Report, path: Path) -> Path:
    """Write the report as an Excel workbook at ``path``: a contents sheet (目录 / Contents)
    first, linking every sheet; then the 说明/About sheet, the plan's tables, the report's
    tables and one sheet per section."""
    lang = report.lang
    wb = Workbook()
    contents = wb.active
    assert contents is not None
    taken: set[str] = set()
    contents.title = sheet_name(sheet_title("contents", lang), taken)
    note = banner(report)
    listed: list[tuple[Worksheet, str]] = []
    layouts: dict[str, SheetLayout] = {}
    about = wb.create_sheet(sheet_name(sheet_title("about", lang), taken))
    layouts[about.title] = _about_sheet(about, report, note)
    listed.append((about, label("report_title", lang, year=report.meta.year)))
    for published in report.published_tables():
        # the plan's own figures, never synthetic: said so where the banner stands elsewhere
        plan_note = label("published_banner", lang) if note else None
        ws = wb.create_sheet(sheet_name(sheet_title("published", lang, n=published.number), taken))
        layouts[ws.title] = _published_sheet(ws, published, plan_note, lang)
        listed.append((ws, published.title))
    by_name: dict[str, tuple[Worksheet, int]] = {}
    for block in blocks(report, sections=False):
        if block.sheet in by_name:
            ws, r = by_name[block.sheet]
            r = _write_block(ws, block, r, None, layouts[ws.title])
        else:
            ws = wb.create_sheet(sheet_name(_block_sheet(report, block), taken))
            layouts[ws.title] = SheetLayout()
            listed.append((ws, block.title))
            r = _write_block(ws, block, 1, note, layouts[ws.title])
        by_name[block.sheet] = (ws, r)
    for sec in report.sections:  # one sheet per plugin section
        short = sec.sheet(lang) if sec.sheet is not None else sec.title(lang)
        ws = wb.create_sheet(sheet_name(short, taken))
        layouts[ws.title] = _section_sheet(ws, report, sec, note)
        listed.append((ws, sec.title(lang)))
    layouts[contents.title] = _contents_sheet(contents, listed, lang, note)
    counter = [0]
    for ws in wb.worksheets:
        finish(ws, layouts[ws.title], counter)
    wb.save(path)
    return path


def _contents_sheet(
    ws: Worksheet, listed: list[tuple[Worksheet, str]], lang: str, note: str | None
) -> SheetLayout:
    """目录 / Contents: one row per sheet, its name a link to it, and what it holds."""
    r = 1
    if note:
        xlsx_cell(ws, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(ws, r, 1, sheet_title("contents", lang)).font = Font(bold=True, size=14)
    r += 1
    header = r
    for j, h in enumerate(_CONTENTS_HEADER, start=1):
        c = xlsx_cell(ws, r, j, h(lang))
        c.font, c.fill = _BOLD, _HEAD
    for target, holds in listed:
        r += 1
        c = xlsx_cell(ws, r, 1, target.title)
        quoted = target.title.replace("'", "''")
        c.hyperlink = Hyperlink(ref=c.coordinate, location=f"'{quoted}'!A1", display=target.title)
        c.font = _LINK
        xlsx_cell(ws, r, 2, holds)
    return SheetLayout([Region(header, 1, 2, r)])


def _about_sheet(about: Worksheet, report: Report, note: str | None) -> SheetLayout:
    """The 说明/About sheet: the report's provenance, how to trace a figure, the rounding."""
    lang = report.lang
    r = 1
    if note:
        xlsx_cell(about, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(about, r, 1, label("report_title", lang, year=report.meta.year)).font = Font(
        bold=True, size=14
    )
    r += 2
    first = r
    for item, value, data in about_rows(report):
        xlsx_cell(about, r, 1, item).font = _BOLD
        if value.isdigit() and not data:  # the year: a number
            xlsx_cell(about, r, 2, int(value)).number_format = "0"
        else:
            xlsx_cell(about, r, 2, value)
        r += 1
    r += 1
    xlsx_cell(about, r, 1, label("trace", lang)).font = _BOLD
    xlsx_cell(about, r, 2, label("trace_text", lang))
    xlsx_cell(about, r + 1, 2, report.meta.explain_example)
    xlsx_cell(about, r + 3, 1, label("rounding_note", lang))
    # a list of items, not a table: its first row stays in view, with the items' names
    return SheetLayout([Region(first, 1, 2, r + 1, header_rows=0, filtered=False)])


def _published_sheet(
    ws: Worksheet, published: PublishedTable, note: str | None, lang: str
) -> SheetLayout:
    """One of the plan's own tables, as the document prints it (merged two-row header)."""
    r = 1
    if note:
        xlsx_cell(ws, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(ws, r, 1, label("published_note", lang))
    top = r + 2
    add_to_worksheet(ws, published, top=top)
    ncols = len(published.columns) + (1 if published.notes else 0)
    last = top + published.header_rows + len(published.rows)
    region = Region(top + 1, 1, ncols, last, header_rows=published.header_rows, table=False,
                    frozen_cols=2)  # fmt: skip
    return SheetLayout([region])


def _section_sheet(
    ws: Worksheet, report: Report, sec: RenderedSection, note: str | None
) -> SheetLayout:
    """A rendered section's sheet: title, provider, paragraphs, its error if any, its tables."""
    lang = report.lang
    layout = SheetLayout()
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
    for block in [*section_blocks(report, sec), *chart_blocks(sec, lang)]:
        r = _write_block(ws, block, r, None, layout)
    return layout
