"""Builders shared by the submission tests: the bundled sample as a workbook or CSV, and edits of
single cells located through the template's hidden codes (never by hard-coded coordinates)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import polars as pl

from soeplan.submissions import template as tpl
from soeplan.submissions.sample import sample_submission
from soeplan.submissions.template_workbook import write_template


def sample_frame(unit: str = "qujiang", year: int = 2023) -> pl.DataFrame:
    return sample_submission(unit, year)


def write_sample_xlsx(path: Path, unit: str = "qujiang", year: int = 2023) -> Path:
    write_template(path, unit=unit, year=year, values=sample_frame(unit, year), synthetic=True)
    return path


def write_csv(path: Path, frame: pl.DataFrame, encoding: str = "utf-8") -> Path:
    path.write_bytes(frame.write_csv().encode(encoding))
    return path


def locate(path: Path, entity: str, code: str) -> str:
    """The coordinate of (entity, indicator code) in a template workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(path)
    ws = wb[tpl.DATA_SHEET]
    codes = [c.value for c in ws[tpl.CODE_ROW]]
    col = codes.index(code) + 1
    for row in range(tpl.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=tpl.ENTITY_COL).value == entity:
            return f"{get_column_letter(col)}{row}"
    raise KeyError(entity)


def edit(path: Path, entity: str, code: str, value: Any) -> str:
    """Set one cell of the data sheet; returns its coordinate."""
    from openpyxl import load_workbook

    cell = locate(path, entity, code)
    wb = load_workbook(path)
    wb[tpl.DATA_SHEET][cell] = value
    wb.save(path)
    return cell


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def store_view(root: Path) -> tuple[object, ...]:
    """What the rollup can see of a store: its versions that passed validation and the accepted
    figures. A refused ingest is recorded (as received and returned) but changes neither."""
    from soeplan.submissions.store import Store, read_store

    return (Store(root).entries(), read_store(root).rows())


#: The columns a rule sees, as validation gives them (the rule tests build their frames with it).
RULE_FRAME_SCHEMA = {
    "unit": pl.String, "entity": pl.String, "year": pl.Int64, "indicator": pl.String,
    "value": pl.Float64, "raw": pl.String, "file": pl.String, "sheet": pl.String,
    "row": pl.Int64, "cell": pl.String,
}  # fmt: skip
