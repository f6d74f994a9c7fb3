"""The template workbook read as a person sees it: :func:`load_data_sheet`.

The workbook is first surveyed (:func:`soeplan.submissions.workbook_limits.survey_workbook`:
sizes, zip bombs, encryption, macros, sheet states) and its data sheet scanned for its real
extent, so that nothing heavy runs on a file that breaks a limit. Then its hidden metadata sheet
and its data sheet are read with python-calamine, which reads every cell whatever the sheet's
declared ``<dimension>`` says, and returns each cell's *saved* value: what Excel showed when the
file was saved. Cells a person does not see as figures are refused by name: formulas saved
without a value, a hidden data sheet (and the visible copy someone edited instead), metadata
that is not what the template wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from soeplan.submissions import template as tpl
from soeplan.submissions.read_errors import SubmissionReadError, read_failure
from soeplan.submissions.workbook_limits import (
    WORKBOOK_LIMITS,
    WorkbookLimits,
    WorkbookSurvey,
    survey_workbook,
)
from soeplan.submissions.workbook_scan import SheetScan, scan_sheet

#: Sheets the template writes besides the data sheet (never taken for a copy of it).
_TEMPLATE_SHEETS = frozenset({tpl.README_SHEET, tpl.ENTITY_SHEET, tpl.FINDINGS_SHEET})
_COPY_SUFFIX = re.compile(r"\s*[(（]\d+[)）]$")
_RESTART = (
    "do not edit the hidden sheet; start again from `soeplan template --unit U --year Y` and "
    "copy the figures over"
)


@attrs.frozen
class DataSheet:
    """A template workbook's data sheet as read: its rows, and where the hidden codes are."""

    meta: dict[str, Any]  #: the hidden metadata sheet's key → value (``year`` a whole number)
    name: str
    code_row: int
    first: int  #: the first data row (1-based)
    rows: list[tuple[Any, ...]] = attrs.field(eq=False)


def load_data_sheet(path: Path, limits: WorkbookLimits = WORKBOOK_LIMITS) -> DataSheet:
    """Survey the workbook, then read its metadata and its data sheet's rows (1-based: row ``r``
    of the sheet is ``rows[r - 1]``). Raises :class:`SubmissionReadError` (exit code 2)."""
    survey = survey_workbook(path, limits)
    with _calamine(path) as wb:
        meta = _read_meta(path, survey, wb)
        sheet_name = str(meta.get("data_sheet") or tpl.DATA_SHEET)
        if sheet_name not in survey.sheets:
            raise read_failure(
                path,
                f"no data sheet {sheet_name!r} (sheets: {', '.join(survey.sheets)})",
                "submit the workbook written by `soeplan template` without renaming its sheets",
            )
        if not survey.sheets[sheet_name].visible:
            raise _hidden_data_sheet(path, survey, sheet_name)
        scan = scan_sheet(survey, sheet_name)
        if scan.formulas_without_value:
            raise _formulas_without_value(path, sheet_name, scan.formulas_without_value)
        rows = _sheet_rows(path, wb, sheet_name, scan)
    code_row, first = int(meta["code_row"]), int(meta["first_data_row"])
    return DataSheet(meta=meta, name=sheet_name, code_row=code_row, first=first, rows=rows)


@contextmanager
def _calamine(path: Path) -> Iterator[Any]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise _unreadable(path, exc) from None
    try:
        yield wb
    finally:
        wb.close()


def _unreadable(path: Path, exc: Exception) -> SubmissionReadError:
    return read_failure(
        path,
        f"not a readable Excel workbook ({type(exc).__name__}: {str(exc)[:200]})",
        "save it from Excel or WPS as .xlsx; start from `soeplan template` if it is damaged",
    )


def _read(path: Path, wb: Any, name: str, scan: SheetScan) -> list[list[Any]]:
    """Every row of sheet ``name`` from A1 to its real extent, Excel errors as their text."""
    try:
        raw = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise _unreadable(path, exc) from None
    # inlined _cell: this runs once per cell
    rows = [
        [
            None
            if v == ""
            else int(v)
            if v.__class__ is float and v.is_integer() and abs(v) < 2**53
            else v
            for v in r
        ]
        for r in raw[: scan.rows]
    ]
    rows += [[] for _ in range(scan.rows - len(rows))]
    for (r, c), text in scan.errors.items():
        row = rows[r - 1]
        row += [None] * (c - len(row))
        row[c - 1] = text  # calamine reads an error as blank; validation names it by its text
    return rows


def _sheet_rows(path: Path, wb: Any, name: str, scan: SheetScan) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in _read(path, wb, name, scan)]


def _read_meta(path: Path, survey: WorkbookSurvey, wb: Any) -> dict[str, Any]:
    """The hidden metadata sheet's key → value, its row numbers and year checked."""
    meta: dict[str, Any] = {}
    if tpl.META_SHEET in survey.sheets:
        for row in _read(path, wb, tpl.META_SHEET, scan_sheet(survey, tpl.META_SHEET)):
            if row and row[0] is not None:
                meta[str(row[0])] = row[1] if len(row) > 1 else None
    limits = survey.limits
    meta["code_row"] = _meta_number(path, meta, "code_row", tpl.CODE_ROW, 1, limits.rows)
    meta["first_data_row"] = _meta_number(
        path, meta, "first_data_row", tpl.FIRST_DATA_ROW, meta["code_row"] + 1, limits.rows + 1
    )
    if meta.get("year") is not None:
        meta["year"] = _meta_number(path, meta, "year", None, 1, 9999)
    return meta


def _meta_number(
    path: Path, meta: Mapping[str, Any], key: str, default: int | None, low: int, high: int
) -> int:
    """A whole number the metadata sheet gives for ``key`` (``default`` when it gives none)."""
    raw = meta.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if default is None:
            raise AssertionError(key)  # pragma: no cover - callers pass a default or a value
        return default
    text = str(raw).strip()
    value = int(text) if re.fullmatch(r"-?[0-9]+", text) else None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    if value is None or not low <= value <= high:
        raise read_failure(
            path,
            f"隐藏工作表的元数据有误 / the hidden sheet {tpl.META_SHEET!r}: {key} is {raw!r}, "
            f"not a whole number from {low} to {high}",
            _RESTART,
        )
    return value


def _hidden_data_sheet(path: Path, survey: WorkbookSurvey, name: str) -> SubmissionReadError:
    """The data sheet is hidden: name it, and the visible sheets that look like its copy."""
    words = [w for w in _COPY_SUFFIX.sub("", name).split() if w]
    visible = [s.name for s in survey.sheets.values() if s.visible]
    copies = [
        s
        for s in visible
        if s not in _TEMPLATE_SHEETS and any(w.lower() in s.lower() for w in words)
    ]
    state = survey.sheets[name].state
    if copies:
        seen = ", ".join(repr(c) for c in copies)
        what = (
            f"数据表被隐藏 / the data sheet {name!r} is {state}, and the visible sheet"
            f"{'s' if len(copies) > 1 else ''} {seen} look{'' if len(copies) > 1 else 's'} like "
            f"an edited copy of it: soeplan reads only {name!r}, whose figures no one sees"
        )
        fix = (
            f"keep one data sheet: copy the figures from {copies[0]!r} into {name!r}, unhide "
            f"{name!r} (右键工作表标签 → 取消隐藏 / right-click a sheet tab → Unhide) and delete "
            f"{copies[0]!r}; or start again from `soeplan template`"
        )
    else:
        what = (
            f"数据表被隐藏 / the data sheet {name!r} is {state}: its figures are ones no one "
            f"sees (visible sheets: {', '.join(map(repr, visible)) or 'none'})"
        )
        fix = (
            f"unhide {name!r} (右键工作表标签 → 取消隐藏 / right-click a sheet tab → Unhide), "
            "check its figures, save and submit again"
        )
    return read_failure(path, what, fix)


def _formulas_without_value(path: Path, sheet: str, cells: Sequence[str]) -> SubmissionReadError:
    shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10} more" if len(cells) > 10 else "")
    n = len(cells)
    return read_failure(
        path,
        f"公式没有保存计算结果 / sheet {sheet!r}: {n} formula cell{'s' if n != 1 else ''} "
        f"{'were' if n != 1 else 'was'} saved without {'their values' if n != 1 else 'its value'}"
        f" ({shown}); soeplan reads the values a workbook saves, and never calculates formulas",
        "open the file in Excel or WPS and save it again (Excel saves each formula's value), or "
        "copy the cells and paste them as values (选择性粘贴 → 数值 / Paste Special → Values); "
        "a file written by a program needs the values written, not the formulas",
    )
