"""A section table's number formats: each number with the format its column (or its row's
indicator) calls for, so that every writer shows a rate as a rate and a count as a whole number.

The rules are :class:`soeplan.sections.SectionTable`'s: the table's ``formats`` first (a format
name or an indicator code), then a column named after an indicator, then, for the ``value``
column of a long frame, the row's ``indicator``; else whole numbers are counts and other
numbers amounts.

>>> import polars as pl
>>> from soeplan.sections import SectionTable, Text
>>> t = SectionTable(title=Text("表", "Table"),
...                  frame=pl.DataFrame({"year": [2023], "debt_ratio": [0.6], "change": [0.01]}),
...                  formats={"change": "points"})
>>> [f.value if f else None for f in cell_formats(t)[0]]
[None, 'ratio', 'points']
"""

from __future__ import annotations

from collections.abc import Mapping

from soeplan.context import current
from soeplan.indicators import Indicator
from soeplan.report.format import cell_format
from soeplan.report.model import CellFormat
from soeplan.sections import COLUMN_FORMATS, SectionTable


def _named(spec: str | None, inds: Mapping[str, Indicator]) -> CellFormat | None:
    if spec is None:
        return None
    if spec in COLUMN_FORMATS:
        return CellFormat(spec)
    ind = inds.get(spec)
    return cell_format(ind) if ind is not None else None


def column_formats(table: SectionTable) -> dict[str, CellFormat | None]:
    """Each column's format, where the table says it or the column is an indicator."""
    inds = current().indicators
    out: dict[str, CellFormat | None] = {}
    for col in table.frame.columns:
        spec = table.formats.get(col)
        out[col] = _named(spec, inds) if spec is not None else _named(col, inds)
    return out


def cell_formats(table: SectionTable) -> list[list[CellFormat | None]]:
    """Each cell's format, row by row (``None``: by the value's type, a whole number a count,
    another number an amount)."""
    formats = column_formats(table)
    frame = table.frame
    by_row = "indicator" in frame.columns and "value" in frame.columns and formats["value"] is None
    if not by_row:
        return [[formats[c] for c in frame.columns] for _ in range(frame.height)]
    inds = current().indicators
    at = frame.columns.index("value")
    out = []
    for code in frame["indicator"].to_list():
        row = [formats[c] for c in frame.columns]
        row[at] = _named(str(code), inds) if code is not None else None
        out.append(row)
    return out
