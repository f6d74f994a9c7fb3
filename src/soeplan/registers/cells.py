"""Reading one cell of a register workbook: text, a choice, a share, a date, each with the
problem it has (where it is, what is wrong, the fix) when it cannot be read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs
from openpyxl.utils import get_column_letter

from soeplan.errors import Problem
from soeplan.registers.layout import Column

#: An entity id: letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@attrs.frozen
class Cell:
    """One cell as read: its sheet, row, column and value, and whether it holds a formula."""

    sheet: str
    row: int
    column: int
    header: Column
    value: Any
    formula: bool = False

    @property
    def where(self) -> str:
        ref = f"{get_column_letter(self.column)}{self.row}"
        return f"{self.sheet}!{ref} ({self.header.zh} {self.header.en})"

    def problem(self, what: str, fix: str) -> Problem:
        return Problem(self.where, what, fix)


def text(cell: Cell, problems: list[Problem]) -> str:
    """The cell as text (empty when blank); a formula or a control character is a problem."""
    if cell.formula:
        problems.append(
            cell.problem(
                f"a formula ({str(cell.value)[:40]!r}), not a value",
                "type the value itself (a register holds values only; formulas are never run)",
            )
        )
        return ""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    if _CONTROL.search(s):
        problems.append(
            cell.problem(
                "contains a control character (a line break, tab or invisible mark)",
                "retype the text on one line, without invisible characters",
            )
        )
        return _CONTROL.sub("", s)
    return s


def identifier(cell: Cell, problems: list[Problem]) -> str:
    s = text(cell, problems)
    if s and not ID_PATTERN.match(s):
        problems.append(
            cell.problem(
                f"{s[:40]!r} is not an entity id",
                "use letters, digits, '.', '_' and '-' only (e.g. cs.water), at most 64 characters",
            )
        )
        return ""
    return s


def choice(cell: Cell, choices: Mapping[str, object], labels: str, problems: list[Problem]) -> Any:
    """The member a cell names, by its Chinese label, code or English name (None when blank)."""
    s = text(cell, problems)
    if not s:
        return None
    found = choices.get(s.lower(), choices.get(s.split()[0].lower()))
    if found is None:
        problems.append(
            cell.problem(f"{s[:40]!r} is not one of: {labels}", f"pick one of: {labels}")
        )
    return found


def _unread(cell: Cell, problems: list[Problem]) -> bool:
    """Nothing to read as a number: a blank cell, or a formula (refused, as text is)."""
    if cell.formula:
        text(cell, problems)
        return True
    v = cell.value
    return v is None or (isinstance(v, str) and not v.strip())


def share(cell: Cell, problems: list[Problem]) -> float | None:
    """A share as a fraction: 0.51, 51%, or 51 (above 1: percent); between 0 and 100 %."""
    if _unread(cell, problems):
        return None
    v = cell.value
    value: float | None = None
    if isinstance(v, bool):
        value = None
    elif isinstance(v, int | float):
        value = float(v) / 100 if v > 1 else float(v)
    elif isinstance(v, str) and v.strip()[-1:] in ("%", "％"):
        value = _number(v.strip()[:-1])
        value = None if value is None else value / 100
    else:
        try:
            f = float(str(v).strip())
            value = f / 100 if f > 1 else f
        except ValueError:
            value = None
    if value is None or not 0 <= value <= 1 or value != value:
        problems.append(
            cell.problem(
                f"{str(v)[:40]!r} is not a share between 0 and 100 %",
                "write the state's share as 51% or 0.51 (a number above 1 is read as percent)",
            )
        )
        return None
    return value


def amount(cell: Cell, problems: list[Problem]) -> float | None:
    """An amount (亿元) of zero or more: a number, or a text such as ``1,234.5``."""
    if _unread(cell, problems):
        return None
    v = cell.value
    value: float | None = None
    if isinstance(v, int | float) and not isinstance(v, bool):
        value = float(v)
    elif isinstance(v, str):
        value = _number(v.replace(",", "").replace("，", ""))
    if value is None or value != value or not 0 <= value < float("inf"):
        problems.append(cell.problem(
            f"{str(v)[:40]!r} is not an amount of zero or more",
            "write the amount in 亿元 (100 million yuan) as a number, e.g. 102.95"))  # fmt: skip
        return None
    return value


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def date(cell: Cell, problems: list[Problem], *, year_ok: bool = False) -> dt.date | None:
    """A date: an Excel date, or text 2022-12-01, 2022/12/1, 2022年12月1日; a year if allowed."""
    v = cell.value
    if cell.formula:
        text(cell, problems)
        return None
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()
    if year_ok and s.isdigit() and 1900 < int(s) < 2200:
        return dt.date(int(s), 1, 1)
    if m := _DATE.match(s):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    problems.append(
        cell.problem(
            f"{s[:40]!r} is not a date",
            "write a date such as 2022-12-01" + (" (or a year such as 2019)" if year_ok else ""),
        )
    )
    return None
