"""What makes a report sheet a clerk's: frozen headers, a filter on every table, widths from the
content, and numbers stored as numbers.

A :class:`SheetLayout` records, as the writer goes, the tables written on one sheet; at the end
:func:`finish` freezes the panes below the first table's header and right of its first column,
turns every table with rows into an Excel table (each with its own filter buttons), sets each
column's width from what its tables hold, a Chinese character counting double, and sets up the
sheet for print (A4 landscape, one page wide, the frozen rows repeated atop every page).
"""

from __future__ import annotations

import re
import unicodedata

import attrs
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from soeplan.safety import xlsx_put

#: Widths in Excel's units (about one Latin character): the narrowest and the widest column.
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
#: A header wraps; it widens its column up to this many characters.
HEADER_WIDTH = 24

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?(?P<pct>%?)"
)


@attrs.define
class Region:
    """A table on a sheet: its header row, columns, and last row (the header's, if empty)."""

    header_row: int
    first_col: int
    last_col: int
    last_row: int
    #: the header spans this many rows (a plan's published table has two)
    header_rows: int = 1
    #: whether it may become an Excel table (a merged header may not: it gets a plain filter)
    table: bool = True
    #: columns frozen at its left
    frozen_cols: int = 1
    #: whether it gets filter buttons (a list of items, such as the About sheet's, does not)
    filtered: bool = True


@attrs.define
class SheetLayout:
    """The tables written on one sheet, in order."""

    regions: list[Region] = attrs.field(factory=list)


def display_width(text: str) -> int:
    """How wide ``text`` shows, a wide (Chinese) character counting two, its longest line.

    >>> display_width("资产总额"), display_width("Total assets"), display_width("a\\nbcd")
    (8, 12, 3)
    """
    lines = text.split("\n") or [""]
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        for line in lines
    )


def shown(value: object, number_format: str) -> str:
    """About what a cell shows: a number in its number format, a text as it is.

    >>> shown(2090.49, "#,##0.00"), shown(0.5568, "0.00%"), shown(3, "0"), shown(1.5, '0.00"pp"')
    ('2,090.49', '55.68%', '3', '1.50pp')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    places = len(number_format.split(".")[1].rstrip('%"p')) if "." in number_format else 0
    if number_format.endswith("%"):
        return f"{value * 100:.{places}f}%"
    sep = "," if "," in number_format else ""
    text = f"{value:{sep}.{places}f}"
    return text + "pp" if number_format.endswith('"pp"') else text


def number_of_text(text: str) -> tuple[float, str] | None:
    """A text that reads as a number (``73.78%``, ``2,090.49``, ``-3``) as that number and the
    number format that shows it as written; ``None`` for any other text.

    >>> number_of_text("73.78%"), number_of_text("2,090.49"), number_of_text("12")
    ((0.7378, '0.00%'), (2090.49, '#,##0.00'), (12.0, '0'))
    >>> number_of_text("< 65%") is None, number_of_text("0012") is None
    (True, True)
    """
    m = _NUMBER.fullmatch(text.strip())
    if m is None or (len(m["int"]) > 1 and m["int"].startswith("0")):
        return None
    digits = m["int"].replace(",", "")
    dec = m["dec"] or ""
    value = float(f"{m['sign']}{digits}.{dec or '0'}")
    core = ("#,##0" if "," in m["int"] else "0") + (f".{'0' * len(dec)}" if dec else "")
    if m["pct"]:
        return round(value / 100, len(dec) + 2), core.replace("#,##", "") + "%"
    return value, core


def _widths(ws: Worksheet, regions: list[Region]) -> None:
    widest: dict[int, float] = {}
    for reg in regions:
        for row in ws.iter_rows(
            min_row=reg.header_row, max_row=reg.last_row, min_col=reg.first_col,
            max_col=reg.last_col,
        ):  # fmt: skip
            for c in row:
                if c.value is None or not hasattr(c, "column"):
                    continue  # a merged cell's covered part
                w = float(display_width(shown(c.value, c.number_format)))
                if c.row < reg.header_row + reg.header_rows:
                    w = min(w, float(HEADER_WIDTH))
                widest[c.column] = max(widest.get(c.column, 0), w)
    for col, w in widest.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(MIN_WIDTH, w + 2), MAX_WIDTH)


def _unique_headers(ws: Worksheet, reg: Region) -> None:
    """An Excel table needs a distinct, non-empty, one-line text in every header cell."""
    seen: set[str] = set()
    for col in range(reg.first_col, reg.last_col + 1):
        c = ws.cell(row=reg.header_row, column=col)
        # a line break would not survive in the table's column name (an XML attribute)
        name = " ".join(str(c.value).split()) if c.value is not None else ""
        base, n = name or f"({get_column_letter(col)})", 2
        name = base
        while name.lower() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.lower())
        xlsx_put(c, name)  # a text, never a formula


def _print_setup(ws: Worksheet, body: int) -> None:
    """Printed, a sheet is landscape, as wide as the page, its frozen rows atop every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if body > 1:
        ws.print_title_rows = f"1:{body - 1}"


def finish(ws: Worksheet, layout: SheetLayout, counter: list[int]) -> None:
    """Freeze, filter and size ``ws`` from its recorded tables; ``counter`` numbers the Excel
    tables across the workbook (their names must be unique in it)."""
    regions = layout.regions
    if not regions:
        return
    first = regions[0]
    body = first.header_row + first.header_rows
    ws.freeze_panes = ws.cell(row=body, column=first.first_col + first.frozen_cols).coordinate
    _print_setup(ws, body)
    plain_filter = False
    for reg in regions:
        if reg.last_row < reg.header_row + reg.header_rows or not reg.filtered:
            continue  # no rows: nothing to filter
        ref = (
            f"{get_column_letter(reg.first_col)}{reg.header_row + reg.header_rows - 1}:"
            f"{get_column_letter(reg.last_col)}{reg.last_row}"
        )
        if reg.table and reg.header_rows == 1:
            _unique_headers(ws, reg)
            counter[0] += 1
            table = Table(displayName=f"tbl_{counter[0]}", ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
            ws.add_table(table)
        elif not plain_filter:  # a sheet has one plain filter
            ws.auto_filter.ref = ref
            plain_filter = True
    _widths(ws, regions)
