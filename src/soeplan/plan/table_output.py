"""The plan's published tables, printed: terminal, CSV and Markdown text, and Excel worksheets.

A :class:`~soeplan.plan.tables.PlanTable` (laid out by :func:`~soeplan.plan.tables.build_table`)
is plain data; :func:`render_table` prints it as a terminal table, CSV or Markdown,
:func:`write_xlsx` and :func:`add_to_worksheet` put it in an Excel workbook with merged header
cells. Computed values are rounded here, at the edge, by their column's convention. Texts go
through :mod:`soeplan.safety`: never a formula in a worksheet or a CSV, never markup in Markdown.

>>> import soeplan
>>> from soeplan.plan.tables import build_table
>>> table = build_table(soeplan.load_plan("quzhou-14th"), 1)
>>> csv_rows(table)[2][:4]
['总体规模', '资产总额', '亿元', '920.12']
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from soeplan.arithmetic.rounding import round_decimal
from soeplan.errors import SoeplanError
from soeplan.plan.tables import MARK, CellKind, HeaderCell, PlanTable, TableCell
from soeplan.safety import csv_row, md_text, terminal_text, xlsx_cell, xlsx_put

__all__ = ["add_to_worksheet", "csv_rows", "render_table", "write_xlsx"]


def csv_rows(table: PlanTable) -> list[list[str]]:
    """The rows of the CSV: header and body as printed, then, if any cell is marked, an empty
    row and one row per note (the note's text in the first cell). A text that starts like a
    formula gets a leading ``'`` (:func:`soeplan.safety.csv_field`); numbers are as printed."""
    rows = table.grid()
    if table.notes:
        rows.append([])
        rows += [[n.text] for n in table.notes]
    return [csv_row(r) for r in rows]


def render_table(table: PlanTable, fmt: str) -> str:
    """Render as ``table`` (terminal), ``csv`` or ``md`` text."""
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(csv_rows(table))
        return buf.getvalue()
    header = table.header_grid()
    body = table.body_grid()
    # Markdown and the terminal have one header row: a scope's label goes with each of its
    # columns (on a line of its own in the terminal).
    pairs: list[tuple[str, str]] = []
    for i in range(len(table.columns)):
        above = next(
            (h.text for h in table.header if h.row == 0 and h.col <= i < h.col + h.colspan), ""
        )
        pairs.append((above, header[1][i]))
    top = [f"{a} {b}" if b else a for a, b in pairs]
    if fmt == "md":
        out = [f"**{md_text(table.title)}**", ""]
        out.append("| " + " | ".join(md_text(h) for h in top) + " |")
        out.append("|" + "|".join(" --- " for _ in top) + "|")
        out += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in body]
        if table.notes:
            out.append("")
            out += [md_text(n.text) + "  " for n in table.notes]
        return "\n".join(out) + "\n"
    if fmt == "table":
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        def esc(text: str) -> str:
            return escape(terminal_text(text))

        rich_table = Table(title=esc(table.title), show_lines=False)
        for above, below in pairs:
            rich_table.add_column(esc(f"{above}\n{below}" if below else above))
        for row in body:
            rich_table.add_row(*(esc(c) for c in row))
        buf = io.StringIO()
        console = Console(file=buf, width=240, force_terminal=False, color_system=None)
        console.print(rich_table)
        for n in table.notes:
            console.print(esc(n.text), soft_wrap=True)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


#: The header of the column that carries a row's marks (``†``): a marked figure stays a number.
NOTE_HEADER = {"zh": "注", "en": "Note"}

_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?%?")


def add_to_worksheet(ws: Any, table: PlanTable, top: int = 1) -> int:
    """Write ``table`` into an openpyxl worksheet from row ``top``; return the next free row.

    A title row, the two header rows with merged cells, the body, then the notes. Every figure is
    a number with the number format that prints it as the document does: a computed value
    rounded by its column's convention (rounding happens here, at the edge), a target the plan
    states as a plain number (``4000``, ``25%``) too; a figure marked ``†`` is a number as well,
    its mark in the last column (注 / Note, naming the marked column) and in a comment on the
    cell. Texts (labels, ``/``, a target such as ``<65%``) stay text.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    ncols = len(table.columns) + (1 if table.notes else 0)
    xlsx_cell(ws, top, 1, table.title).font = Font(bold=True)
    if ncols > 1:
        ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=ncols)
    first = top + 1
    heads = [*table.header]
    if table.notes:
        heads.append(HeaderCell(text=NOTE_HEADER.get(table.lang, "Note"), row=0,
                                col=len(table.columns), rowspan=table.header_rows))  # fmt: skip
    for h in heads:
        c = xlsx_cell(ws, first + h.row, 1 + h.col, h.text)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if h.rowspan > 1 or h.colspan > 1:
            ws.merge_cells(
                start_row=first + h.row,
                start_column=1 + h.col,
                end_row=first + h.row + h.rowspan - 1,
                end_column=1 + h.col + h.colspan - 1,
            )
    r = first + table.header_rows
    names = _column_names(table)
    for row in table.rows:
        marks = []
        for j, cell in enumerate(row.cells):
            target = ws.cell(row=r, column=1 + j)
            value, number_format = _xlsx_value(cell, table)
            xlsx_put(target, value)
            if number_format:
                target.number_format = number_format
                target.alignment = Alignment(horizontal="right")
            if cell.marked and cell.note is not None:
                marks.append(f"{MARK} {names[j]}")
                target.comment = Comment(table.notes[cell.note].text, "soeplan")
        if marks:
            xlsx_cell(ws, r, len(table.columns) + 1, "；".join(marks) if table.lang == "zh"
                      else "; ".join(marks))  # fmt: skip
        r += 1
    if table.notes:
        r += 1
        for n in table.notes:
            xlsx_cell(ws, r, 1, n.text)
            r += 1
    return r


def _column_names(table: PlanTable) -> list[str]:
    """Each column's name as its two header rows print it (``全市国企 年均增长率``)."""
    out = []
    below = table.header_grid()[-1]
    for i in range(len(table.columns)):
        above = next(
            (h.text for h in table.header if h.row == 0 and h.col <= i < h.col + h.colspan), ""
        )
        out.append(f"{above} {below[i]}".strip() if below[i] != above else above)
    return out


def _places_format(places: int, percent: bool) -> str:
    core = ("0." + "0" * places) if places else "0"
    return core + "%" if percent else core


def _xlsx_value(cell: TableCell, table: PlanTable) -> tuple[object, str]:
    if cell.value is None or cell.kind is CellKind.LABEL:
        return cell.text, ""
    if cell.kind is CellKind.TARGET:
        # a target stated as a plain figure is that figure; "<65%" or "不低于2%" is a statement
        if not _PLAIN_NUMBER.fullmatch(cell.text):
            return cell.text, ""
        places = len(cell.text.rstrip("%").partition(".")[2])
        return float(cell.value), _places_format(places, cell.text.endswith("%"))
    if cell.kind is CellKind.COMPUTED and cell.rounding is not None:
        printed = cell.text.rstrip(MARK)
        if not printed.rstrip("%").replace(".", "").lstrip("-").isdigit():
            return cell.text, ""  # "/†": a published figure that cannot be computed
        places = len(printed.rstrip("%").partition(".")[2])
        rounded = round_decimal(cell.value.scaleb(2), places, cell.rounding).scaleb(-2)
        return float(rounded), _places_format(places, True)
    if cell.marked:
        return cell.text, ""
    exp = cell.value.as_tuple().exponent
    places = -exp if isinstance(exp, int) and exp < 0 else 0
    return float(cell.value), _places_format(places, False)


def write_xlsx(tables: Sequence[PlanTable], path: Path | str) -> Path:
    """Write each table on a sheet of its own (``表1`` / ``Table 1``) of a new workbook."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        name = f"表{table.number}" if table.lang == "zh" else f"Table {table.number}"
        ws = wb.create_sheet(name)
        add_to_worksheet(ws, table)
        ws.column_dimensions["B"].width = 22
    try:
        wb.save(path)
    except OSError as exc:
        raise SoeplanError(
            f"cannot write {path}: {exc.strerror or exc}\n"
            "  fix: choose a path in a folder that exists and that you can write to"
        ) from None
    return path
