"""The annual budget workbook (年度预算表): the template a unit fills, and reading it back with
every problem at once, by the enterprise register's machinery (its hidden code row, its cells,
its refusals of unreadable files and formulas; :mod:`soeplan.registers.reader`).

One sheet, 年度预算 Budget: a row per enterprise or group (企业编码 as in the register), a column
per budget line (营业收入, 利润总额, 净利润, 经营活动现金流量净额, 研发经费投入, 投资完成额; 亿元).
A blank cell is no budget for that line. The hidden sheet names the unit and the budget's year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import polars as pl
from openpyxl import Workbook

from soeplan.errors import Problem, SoeplanError
from soeplan.frames import LONG_SCHEMA
from soeplan.registers import cells
from soeplan.registers.layout import FIRST_ROW, META_SHEET, REGISTER_FORMAT, Column
from soeplan.registers.reader import RegisterError, _open, _rows, _unreadable
from soeplan.registers.workbook import excel_check, header, instructions, put_row, save_workbook
from soeplan.safety import xlsx_cell
from soeplan.structure.records import CountyUnit

__all__ = [
    "BUDGET_COLUMNS",
    "BUDGET_KIND",
    "BUDGET_LINES",
    "BUDGET_SHEET",
    "BudgetCheck",
    "check_budget",
    "read_budget",
    "write_budget_template",
]

BUDGET_SHEET = "年度预算 Budget"
BUDGET_KIND = "budget"
#: The budget lines (indicator code, Chinese, English) in the workbook's order; profits may be
#: negative (a planned loss), the others not.
BUDGET_LINES: tuple[tuple[str, str, str], ...] = (
    ("revenue", "营业收入", "Operating revenue"),
    ("total_profit", "利润总额", "Total profit"),
    ("net_profit", "净利润", "Net profit"),
    ("operating_cash_flow", "经营活动现金流量净额", "Net operating cash flow"),
    ("rd_expense", "研发经费投入", "R&D expenditure"),
    ("investment", "投资完成额", "Investment completed"),
)
_SIGNED = frozenset({"total_profit", "net_profit", "operating_cash_flow"})
BUDGET_COLUMNS: tuple[Column, ...] = (
    Column("entity", "企业编码", "Entity ID", 16, True),
    Column("name", "企业名称", "Name", 30),
    *(Column(code, f"{zh}（亿元）", f"{en} (100m yuan)", 16) for code, zh, en in BUDGET_LINES),
)
_RESTART = "start again from `soeplan budget template --unit UNIT --year YEAR`"
_TEXT = """\
填表说明 / Instructions

1. “{sheet}”：每户企业（或集团）一行，企业编码同企业名录；填写本年度预算数，单位亿元；不编制的项目留空。
   "{sheet}": one row per enterprise (or group), IDs as in the enterprise register; the year's budget in 100 million yuan; leave a line blank where there is none.
2. 利润总额、净利润、经营活动现金流量净额可为负数（预算亏损）；营业收入、研发经费投入、投资完成额不能为负。
   Profits and operating cash flow may be negative (a planned loss); revenue, R&D and investment may not.
3. 集团可填合并预算，也可由所属企业分别填报；两者都填时，集团数与所属企业合计应一致。
   A group may give its consolidated budget, or its enterprises theirs; where both are given they must agree.
4. 请勿修改隐藏的第 1 行和隐藏工作表；只填写数值，不要使用公式。
   Do not edit the hidden row 1 or the hidden sheet; type values, not formulas.
5. 填好后运行 soeplan budget check 文件名 自查，再由市国资委 soeplan budget load 入库。
   Check it with `soeplan budget check FILE`; the office loads it with `soeplan budget load`.
"""


def write_budget_template(
    path: Path | str,
    *,
    unit: CountyUnit,
    year: int,
    entities: Sequence[tuple[str, str]] = (),
    budget: pl.DataFrame | None = None,
    as_of: dt.date | None = None,
) -> Path:
    """Write ``unit``'s budget workbook for ``year``: a row per ``(id, name)`` of ``entities``,
    pre-filled with ``budget`` (a long frame ``entity, indicator, value``) where given."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise SoeplanError(f"{path}: a budget workbook is an .xlsx file\n  fix: name it X.xlsx")
    wb = Workbook()
    instructions(wb.active, f"{unit.name_zh} {year}年度预算 / {unit.name_en} budget {year}",
                 unit, as_of or dt.date.today(), _TEXT.format(sheet=BUDGET_SHEET))  # fmt: skip
    ws = wb.create_sheet(BUDGET_SHEET)
    header(ws, BUDGET_COLUMNS)
    given: dict[str, dict[str, float]] = {}
    if budget is not None:
        for entity, indicator, value in budget.select("entity", "indicator", "value").iter_rows():
            given.setdefault(entity, {})[indicator] = value
    listed = list(entities) + [(e, "") for e in sorted(given) if e not in dict(entities)]
    for i, (entity, name) in enumerate(listed, start=FIRST_ROW):
        put_row(ws, i, BUDGET_COLUMNS, {"entity": entity, "name": name, **given.get(entity, {})})
        for j in range(3, len(BUDGET_COLUMNS) + 1):
            ws.cell(row=i, column=j).number_format = "0.00"
    for code, _, _ in BUDGET_LINES:
        kw = {"operator": "greaterThanOrEqual", "formula1": "0"} if code not in _SIGNED else {
            "operator": "between", "formula1": "-1000000", "formula2": "1000000"}  # fmt: skip
        excel_check(ws, BUDGET_COLUMNS, code, type="decimal",
                    error="填数值（亿元）/ a number in 100 million yuan", **kw)  # fmt: skip
    meta = wb.create_sheet(META_SHEET)
    for r, (k, v) in enumerate((("kind", BUDGET_KIND), ("format", REGISTER_FORMAT),
                                ("unit", unit.id), ("year", year)), 1):  # fmt: skip
        xlsx_cell(meta, r, 1, k)
        xlsx_cell(meta, r, 2, v)
    meta.sheet_state = "hidden"
    wb.active = wb.index(ws)
    return save_workbook(wb, path)


@attrs.frozen
class BudgetCheck:
    """What :func:`check_budget` found: the budget frame (None when a problem was found)."""

    path: str
    unit: str | None
    year: int | None
    budget: pl.DataFrame | None = attrs.field(eq=False)
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_budget(path: Path | str) -> pl.DataFrame:
    """The budget in ``path`` (``unit, entity, year, indicator, value``); raises
    :class:`~soeplan.registers.reader.RegisterError` with every problem found."""
    found = check_budget(path)
    if found.budget is None:
        raise RegisterError(path, found.problems)
    return found.budget


def check_budget(path: Path | str) -> BudgetCheck:
    """Read and check a budget workbook: every problem at once."""
    path = Path(path)
    wb = _open(path)
    try:
        unit, year, problems = _head(path, wb)
        rows = list(_figures(wb, problems))
    finally:
        wb.close()
    budget = None
    if not problems and unit is not None and year is not None:
        budget = pl.DataFrame(
            [(unit, e, year, i, v) for e, i, v in rows], schema=LONG_SCHEMA, orient="row"
        )
    return BudgetCheck(str(path), unit, year, budget, tuple(problems))


def _head(path: Path, wb: Any) -> tuple[str | None, int | None, list[Problem]]:
    if missing := [s for s in (META_SHEET, BUDGET_SHEET) if s not in wb.sheetnames]:
        raise _unreadable(path, f"not a budget workbook: no sheet "
                          f"{', '.join(repr(s) for s in missing)}", _RESTART)  # fmt: skip
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]}
    if meta.get("kind") != BUDGET_KIND or str(meta.get("format")) != str(REGISTER_FORMAT):
        raise _unreadable(path, "the hidden sheet does not say it is a budget workbook "
                          "(format 1)", _RESTART)  # fmt: skip
    problems: list[Problem] = []
    unit = str(meta.get("unit") or "").strip() or None
    if unit is None:
        problems.append(Problem(f"{META_SHEET}!B3", "the workbook names no unit", _RESTART))
    year: int | None = None
    try:
        year = int(str(meta.get("year")))
        if not 1900 < year < 2200:
            raise ValueError
    except ValueError:
        year = None
        problems.append(Problem(f"{META_SHEET}!B4", "the workbook names no budget year",
                                _RESTART))  # fmt: skip
    return unit, year, problems


def amount(cell: cells.Cell, problems: list[Problem], *, signed: bool) -> float | None:
    """An amount in 亿元: a number, or a text such as ``1,234.5``; blank is ``None``."""
    if cell.formula:
        cells.text(cell, problems)  # the formula's problem: type the value
        return None
    v = cell.value
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    number: float | None = None
    if isinstance(v, int | float) and not isinstance(v, bool):
        number = float(v)
    elif isinstance(v, str):
        try:
            number = float(v.strip().replace(",", "").replace("，", ""))
        except ValueError:
            number = None
    if number is None or number != number or abs(number) == float("inf"):
        problems.append(cell.problem(f"{str(v)[:40]!r} is not a number",
                                     "write the budget as a number in 亿元, e.g. 12.5"))  # fmt: skip
        return None
    if number < 0 and not signed:
        problems.append(cell.problem(f"{number:g} is negative",
                                     "a budget for this line is zero or more; leave it blank "
                                     "where there is none"))  # fmt: skip
        return None
    return number


def _figures(wb: Any, problems: list[Problem]) -> Iterator[tuple[str, str, float]]:
    seen: dict[str, int] = {}
    lines = [code for code, _, _ in BUDGET_LINES]
    for r, c in _rows(wb[BUDGET_SHEET], BUDGET_SHEET, BUDGET_COLUMNS, problems):
        entity = cells.identifier(c["entity"], problems)
        cells.text(c["name"], problems)
        values = {k: amount(c[k], problems, signed=k in _SIGNED) for k in lines}
        if not entity:
            if not any(p.where == c["entity"].where for p in problems):
                problems.append(c["entity"].problem("企业编码 (entity ID) is missing",
                                                    "write the enterprise's ID from the register"))  # fmt: skip
            continue
        if entity in seen:
            problems.append(c["entity"].problem(
                f"{entity} is listed twice (rows {seen[entity]} and {r})",
                "keep one row per enterprise: add the figures into one row"))  # fmt: skip
            continue
        seen[entity] = r
        for k in lines:
            value = values[k]
            if value is not None:
                yield entity, k, value
