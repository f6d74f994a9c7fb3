"""Reading a register workbook and checking it: every problem at once.

:func:`check_register` reads the workbook written by
:func:`~soeplan.registers.workbook.write_register_template` (and filled by a county) and returns
a :class:`RegisterCheck`: the :class:`~soeplan.registers.records.Register` when nothing is
wrong, and every problem found, each naming its sheet, cell or row and the fix.
:func:`read_register` raises :class:`RegisterError` with them instead. A formula is never
evaluated: a cell holding one is a problem (the value must be typed), and a text that starts
like a formula (``=``, ``+``, ``-``, ``@``) is kept as text.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from soeplan.errors import DataFileError, Problem
from soeplan.registers import cells
from soeplan.registers.checks import check_changes, check_entries
from soeplan.registers.layout import (
    AS_OF_CELL,
    CHANGE_COLUMNS,
    CHANGES_SHEET,
    CLASS_CHOICES,
    CLASS_LABELS,
    CODE_ROW,
    ENTITIES_SHEET,
    ENTITY_COLUMNS,
    FIRST_ROW,
    INSTRUCTIONS_SHEET,
    KIND_CHOICES,
    KIND_LABELS,
    LISTED_CHOICES,
    META_SHEET,
    NODE_CHOICES,
    NODE_LABELS,
    RATING_CHOICES,
    REGISTER_FORMAT,
    REGISTER_KIND,
    SECTOR_CHOICES,
    SECTOR_LABELS,
    Column,
    shown,
)
from soeplan.registers.records import RATINGS, Register, RegisterChange, RegisterEntry
from soeplan.structure.records import EventKind, NodeType, industry_problem

__all__ = ["MAX_BYTES", "RegisterCheck", "RegisterError", "check_register", "read_register"]

#: A register workbook larger than this (or inflating to more than 20 times it) is refused.
MAX_BYTES = 20 * 1024 * 1024
_RESTART = "start again from `soeplan register template --unit UNIT` and copy the rows over"


class RegisterError(DataFileError):
    """A register workbook with problems (exit code 1): every problem, each with its fix."""

    exit_code = 1


class RegisterReadError(DataFileError):
    """A register workbook that cannot be read at all (exit code 2)."""


@attrs.frozen
class RegisterCheck:
    """What :func:`check_register` found: the register (None when a problem was found)."""

    path: str
    unit: str | None
    register: Register | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_register(path: Path | str) -> Register:
    """The register in ``path``; raises :class:`RegisterError` with every problem found."""
    found = check_register(path)
    if found.register is None:
        raise RegisterError(path, found.problems)
    return found.register


def check_register(path: Path | str) -> RegisterCheck:
    """Read and check a register workbook: every problem at once (see :class:`RegisterCheck`).

    A file that is not a readable register workbook at all raises :class:`RegisterReadError`.
    """
    path = Path(path)
    wb = _open(path)
    try:
        unit, as_of, problems = _head(path, wb)
        entries = list(_entries(wb, unit or "", problems))
        changes = list(_changes(wb, problems))
    finally:
        wb.close()
    if unit is not None and not entries:
        problems.append(
            Problem(
                f"{ENTITIES_SHEET} row {FIRST_ROW}",
                "the register lists no entity",
                "fill in one row per enterprise of the unit, from row 4 on",
            )
        )
    if unit is not None:
        check_entries(entries, unit, as_of, problems)
        check_changes(entries, changes, unit, as_of, problems, sheet=CHANGES_SHEET)
    register = None
    if not problems and unit is not None and as_of is not None:
        register = Register(
            unit=unit,
            as_of=as_of,
            entries=tuple(_typed(entries)),
            changes=tuple(changes),
            source=path.name,
        )
    return RegisterCheck(str(path), unit, register, tuple(sorted(problems, key=_place)))


_ROW = re.compile(r"(?:![A-Z]+|rows? )(\d+)")


def _place(p: Problem) -> tuple[int, int]:
    """Problems in the order of the workbook: sheet by sheet, row by row (a stable sort)."""
    sheet = (
        0 if p.where.startswith(ENTITIES_SHEET) else 1 if p.where.startswith(CHANGES_SHEET) else -1
    )
    m = _ROW.search(p.where)
    return sheet, int(m.group(1)) if m else 0


def _unreadable(path: Path, what: str, fix: str = _RESTART) -> RegisterReadError:
    return RegisterReadError(path, [Problem(str(path), what, fix)])


def _open(path: Path) -> Any:
    """The workbook, after checking it is a plain, reasonably sized .xlsx (no zip bomb)."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise _unreadable(path, "file not found", "check the path")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _unreadable(path, f"the file is {size:,} bytes, more than a register may be")
    try:
        with zipfile.ZipFile(path) as zf:
            inflated = sum(i.file_size for i in zf.infolist())
            if inflated > max(20 * size, MAX_BYTES):
                raise _unreadable(path, "the workbook inflates to far more than its size")
            if any(i.filename.lower().endswith("vbaproject.bin") for i in zf.infolist()):
                raise _unreadable(path, "the workbook holds macros", "save it as .xlsx")
    except zipfile.BadZipFile:
        raise _unreadable(
            path, "not an Excel workbook (.xlsx)", "save it from Excel or WPS as .xlsx"
        ) from None
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:
        raise _unreadable(path, f"not a readable workbook ({type(exc).__name__})") from None


def _head(path: Path, wb: Any) -> tuple[str | None, dt.date | None, list[Problem]]:
    """The unit (hidden sheet) and the as-of date (instructions sheet); the sheets present."""
    missing = [s for s in (META_SHEET, ENTITIES_SHEET, CHANGES_SHEET) if s not in wb.sheetnames]
    if missing:
        raise _unreadable(
            path,
            f"not a register workbook: no sheet {', '.join(repr(s) for s in missing)} "
            f"(sheets: {', '.join(wb.sheetnames)})",
        )
    meta = {
        str(r[0]): r[1]
        for r in wb[META_SHEET].iter_rows(values_only=True)
        if r and r[0] is not None
    }
    if meta.get("kind") != REGISTER_KIND or str(meta.get("format")) != str(REGISTER_FORMAT):
        raise _unreadable(
            path, "the hidden sheet does not say it is a register workbook (format 1)"
        )
    problems: list[Problem] = []
    unit = str(meta.get("unit") or "").strip() or None
    if unit is None:
        problems.append(Problem(f"{META_SHEET}!B3", "the workbook names no unit", _RESTART))
    as_of = None
    if INSTRUCTIONS_SHEET in wb.sheetnames:
        raw = wb[INSTRUCTIONS_SHEET][AS_OF_CELL]
        header = Column("as_of", "截至日期", "As of")
        c = cells.Cell(INSTRUCTIONS_SHEET, raw.row, raw.column, header, raw.value, _is_formula(raw))
        as_of = cells.date(c, problems)
        if as_of is None and not problems:
            problems.append(
                c.problem("the register's as-of date is missing", "write the date it is stated for")
            )
    else:
        problems.append(Problem(INSTRUCTIONS_SHEET, "the instructions sheet is missing", _RESTART))
    return unit, as_of, problems


def _is_formula(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _rows(
    ws: Any, sheet: str, columns: Sequence[Column], problems: list[Problem]
) -> Iterator[tuple[int, dict[str, cells.Cell]]]:
    """Each non-blank data row: its number and its cells by column code."""
    codes: dict[int, Column] = {}
    by_code = {c.code: c for c in columns}
    for row in ws.iter_rows(min_row=CODE_ROW, max_row=CODE_ROW):
        for cell in row:
            if cell.value is not None and str(cell.value) in by_code:
                codes[cell.column] = by_code[str(cell.value)]
    lost = [c for c in columns if c.required and c not in codes.values()]
    if lost:
        problems.append(
            Problem(
                f"{sheet} row {CODE_ROW}",
                f"the hidden code row lacks the column(s) {', '.join(c.code for c in lost)}",
                "do not edit or delete the hidden row 1; " + _RESTART,
            )
        )
        return
    for row in ws.iter_rows(min_row=FIRST_ROW):
        found: dict[str, cells.Cell] = {}
        for cell in row:
            col = codes.get(getattr(cell, "column", 0) or 0)
            if col is not None:
                found[col.code] = cells.Cell(
                    sheet, cell.row, cell.column, col, cell.value, _is_formula(cell)
                )
        if any(c.value not in (None, "") for c in found.values()):
            r = next(iter(found.values())).row
            for col in columns:  # a column that is present but has no cell in this row
                if col.code not in found:
                    found[col.code] = cells.Cell(sheet, r, _col_of(codes, col), col, None)
            yield r, found


def _col_of(codes: dict[int, Column], col: Column) -> int:
    return next((i for i, c in codes.items() if c == col), 0) or 1


def _entries(wb: Any, unit: str, problems: list[Problem]) -> Iterator[dict[str, Any]]:
    """The entities sheet's rows as field dicts; each cell's problems collected."""
    for r, c in _rows(wb[ENTITIES_SHEET], ENTITIES_SHEET, ENTITY_COLUMNS, problems):
        yield _entry_fields(r, c, unit, problems)


def _entry_fields(
    r: int, c: dict[str, cells.Cell], unit: str, problems: list[Problem]
) -> dict[str, Any]:
    """One entity row's fields, each checked on its own (the row's relations come later)."""
    eid = cells.identifier(c["id"], problems)
    name = cells.text(c["name_zh"], problems)
    for key, v in (("id", eid), ("name_zh", name)):
        if not v and not any(p.where == c[key].where for p in problems):
            problems.append(c[key].problem(f"{c[key].header.zh} is missing", "fill it in"))
    code = cells.text(c["credit_code"], problems).upper() or None
    if code is not None:
        from soeplan.structure.credit_code import check_credit_code

        if wrong := check_credit_code(code):
            problems.append(
                c["credit_code"].problem(
                    f"credit code {code!r} {wrong}",
                    "copy the 18-character 统一社会信用代码 from the business licence, or leave it blank",
                )
            )
    industry = cells.text(c["industry"], problems).upper() or None
    if industry is not None and (wrong := industry_problem(industry)):
        problems.append(
            c["industry"].problem(wrong, "e.g. E48 (土木工程建筑业), or leave it blank")
        )
    listed = cells.choice(c["listed"], LISTED_CHOICES, "是, 否", problems)
    return {
        "row": r,
        "id": eid,
        "name_zh": name,
        "unit": unit,
        "name_en": cells.text(c["name_en"], problems),
        "credit_code": code,
        "parent": cells.identifier(c["parent"], problems) or None,
        "node_type": cells.choice(c["node_type"], NODE_CHOICES, shown(NODE_LABELS), problems),
        "functional_class": cells.choice(
            c["functional_class"], CLASS_CHOICES, shown(CLASS_LABELS), problems
        ),
        "industry": industry,
        "sector": cells.choice(c["sector"], SECTOR_CHOICES, shown(SECTOR_LABELS), problems),
        "state_share": cells.share(c["state_share"], problems),
        "listed": bool(listed),
        "exchange": cells.text(c["exchange"], problems),
        "stock_code": cells.text(c["stock_code"], problems),
        "rating": cells.choice(c["rating"], RATING_CHOICES, ", ".join(RATINGS), problems),
        "rating_agency": cells.text(c["rating_agency"], problems),
        "rating_date": cells.date(c["rating_date"], problems),
        "since": cells.date(c["since"], problems, year_ok=True),
        "note": cells.text(c["note"], problems),
        "_cells": c,
    }


def _typed(entries: Sequence[dict[str, Any]]) -> Iterator[RegisterEntry]:
    """The checked rows as records; a blank node type is a group when the entity has children."""
    parents = {e["parent"] for e in entries if e["parent"]}
    for e in entries:
        fields = {k: v for k, v in e.items() if not k.startswith("_")}
        if fields["node_type"] is None:
            fields["node_type"] = NodeType.GROUP if e["id"] in parents else NodeType.SINGLE
        yield RegisterEntry(**fields)


def _changes(wb: Any, problems: list[Problem]) -> Iterator[RegisterChange]:
    """The changes sheet's rows, each checked on its own."""
    for r, c in _rows(wb[CHANGES_SHEET], CHANGES_SHEET, CHANGE_COLUMNS, problems):
        n = len(problems)
        when = cells.date(c["date"], problems)
        kind = cells.choice(c["kind"], KIND_CHOICES, shown(KIND_LABELS), problems)
        entity = cells.identifier(c["entity"], problems)
        for key, v in (("date", when), ("kind", kind), ("entity", entity)):
            if not v and not any(p.where == c[key].where for p in problems):
                problems.append(c[key].problem(f"{c[key].header.zh} is missing", "fill it in"))
        fields: dict[str, Any] = {
            "target": cells.identifier(c["target"], problems) or None,
            "name_zh": cells.text(c["name_zh"], problems) or None,
            "name_en": cells.text(c["name_en"], problems) or None,
            "unit": cells.text(c["unit"], problems) or None,
            "note": cells.text(c["note"], problems),
        }
        if len(problems) > n or when is None or kind is None:
            continue
        assert isinstance(kind, EventKind)
        yield RegisterChange(date=when, kind=kind, entity=entity, row=r, **fields)
