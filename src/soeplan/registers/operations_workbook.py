"""The capital operations workbook (资本运作台账): the template a unit fills, and reading it back
with every problem at once, by the enterprise register's own machinery (its cells, rows, hidden
code row, drop-downs and refusals of unreadable files; :mod:`soeplan.registers.reader`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from openpyxl import Workbook

from soeplan.errors import Problem, SoeplanError
from soeplan.registers import cells
from soeplan.registers.layout import (
    AS_OF_CELL,
    FIRST_ROW,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    REGISTER_FORMAT,
    Column,
)
from soeplan.registers.operations import (
    LISTING_COLUMNS,
    LISTING_SHEET,
    OPERATIONS_KIND,
    REFORM_COLUMNS,
    REFORM_SHEET,
    ListingStage,
    ListingStep,
    Operations,
    Reform,
    ReformKind,
)
from soeplan.registers.reader import RegisterError, _is_formula, _open, _rows, _unreadable
from soeplan.registers.workbook import (
    date_check,
    drop_down,
    excel_check,
    header,
    instructions,
    meta_sheet,
    put_row,
    save_workbook,
)
from soeplan.structure.records import CountyUnit

__all__ = ["OperationsCheck", "check_operations", "read_operations", "write_operations_template"]

_TEXT = """\
填表说明 / Instructions

1. “{listing}”：拟上市企业每到一个阶段填一行（摸排、认定、辅导、报会、上市），注明日期；企业编码同企业名录。
   "{listing}": one row per enterprise and stage reached (screening, identified, tutoring, filed, listed), dated; IDs as in the enterprise register.
2. “{reform}”：每项混合所有制改革、引入战略投资者、员工持股、专业化整合、公司制改制填一行，注明日期、改革前后国有股权比例（51% 或 0.51）和公开的投资者。
   "{reform}": one row per reform, with its date, the state's share before and after (51% or 0.51) and the investors where public.
   “涉及资产（亿元）”：纳入国资监管的体系外资产等金额；“关联结构变动日期”：专业化整合、资产划转对应企业名录变动表中的日期。
   "Assets concerned": e.g. the outside assets brought under supervision; "Structure event date": the date of the merger or transfer in the enterprise register's changes sheet.
3. 请勿修改隐藏的第 1 行和隐藏工作表；只填写数值，不要使用公式。
   Do not edit the hidden row 1 or the hidden sheet; type values, not formulas.
4. 填好后运行 soeplan operations check 文件名 自查，再由市国资委 soeplan operations load 入库。
   Check it with `soeplan operations check FILE`; the office loads it with `soeplan operations load`.
"""
_STAGE_CHOICES = {
    k: v for s in ListingStage for k, v in ((s.zh, s), (s.value, s), (s.en.lower(), s))
}
_KIND_CHOICES = {k: v for r in ReformKind for k, v in ((r.zh, r), (r.value, r), (r.en.lower(), r))}
_KIND_CHOICES |= {"混改": ReformKind.MIXED, "兼并重组": ReformKind.INTEGRATION,
                  "战略投资者": ReformKind.STRATEGIC_INVESTOR, "划转": ReformKind.TRANSFER,
                  "纳入监管": ReformKind.SUPERVISION,
                  "体系外资产纳入监管": ReformKind.SUPERVISION}  # fmt: skip


def write_operations_template(
    path: Path | str,
    *,
    unit: CountyUnit,
    operations: Operations | None = None,
    as_of: dt.date | None = None,
) -> Path:
    """Write the capital operations workbook of ``unit``, pre-filled with ``operations``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise SoeplanError(f"{path}: a register workbook is an .xlsx file\n  fix: name it X.xlsx")
    when = as_of or (operations.as_of if operations is not None else dt.date.today())
    wb = Workbook()
    instructions(wb.active, f"{unit.name_zh} 资本运作台账 / {unit.name_en} capital operations",
                 unit, when, _TEXT.format(listing=LISTING_SHEET, reform=REFORM_SHEET))  # fmt: skip
    ls = wb.create_sheet(LISTING_SHEET)
    header(ls, LISTING_COLUMNS)
    for i, step in enumerate(operations.listings if operations else (), start=FIRST_ROW):
        put_row(ls, i, LISTING_COLUMNS, {**attrs.asdict(step), "stage": step.stage.zh})
    drop_down(ls, LISTING_COLUMNS, "stage", [s.zh for s in ListingStage])
    date_check(ls, LISTING_COLUMNS, ("date",))
    rs = wb.create_sheet(REFORM_SHEET)
    header(rs, REFORM_COLUMNS)
    for i, r in enumerate(operations.reforms if operations else (), start=FIRST_ROW):
        put_row(rs, i, REFORM_COLUMNS, {**attrs.asdict(r), "kind": r.kind.zh})
    drop_down(rs, REFORM_COLUMNS, "kind", [k.zh for k in ReformKind])
    date_check(rs, REFORM_COLUMNS, ("date", "event_date"))
    excel_check(rs, REFORM_COLUMNS, "amount", type="decimal", operator="greaterThanOrEqual",
                formula1="0", error="填金额（亿元），如 102.95 / an amount in 亿元")  # fmt: skip
    for code in ("share_before", "share_after"):
        excel_check(rs, REFORM_COLUMNS, code, type="decimal", operator="between", formula1="0",
                    formula2="100", error="填 0%–100%（如 51%）/ a share between 0% and 100%")  # fmt: skip
    meta_sheet(wb, OPERATIONS_KIND, unit.id)
    wb.active = wb.index(ls)
    return save_workbook(wb, path)


@attrs.frozen
class OperationsCheck:
    """What :func:`check_operations` found: the register (None when a problem was found)."""

    path: str
    unit: str | None
    operations: Operations | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_operations(path: Path | str) -> Operations:
    """The capital operations register in ``path``; raises
    :class:`~soeplan.registers.reader.RegisterError` with every problem found."""
    found = check_operations(path)
    if found.operations is None:
        raise RegisterError(path, found.problems)
    return found.operations


def check_operations(path: Path | str) -> OperationsCheck:
    """Read and check a capital operations workbook: every problem at once."""
    path = Path(path)
    wb = _open(path)
    try:
        unit, as_of, problems = _head(path, wb)
        listings = list(_listings(wb, problems))
        reforms = list(_reforms(wb, problems))
    finally:
        wb.close()
    _check_dates(listings, reforms, as_of, problems)
    _check_pipeline(listings, problems)
    ops = None
    if not problems and unit is not None and as_of is not None:
        ops = Operations(unit=unit, as_of=as_of, listings=tuple(listings), reforms=tuple(reforms),
                         source=path.name)  # fmt: skip
    return OperationsCheck(str(path), unit, ops, tuple(problems))


def _head(path: Path, wb: Any) -> tuple[str | None, dt.date | None, list[Problem]]:
    needed = (META_SHEET, INSTRUCTIONS_SHEET, LISTING_SHEET, REFORM_SHEET)
    if missing := [s for s in needed if s not in wb.sheetnames]:
        raise _unreadable(path, f"not a capital operations workbook: no sheet "
                          f"{', '.join(repr(s) for s in missing)}",
                          "start again from `soeplan operations template --unit UNIT`")  # fmt: skip
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]}
    if meta.get("kind") != OPERATIONS_KIND or str(meta.get("format")) != str(REGISTER_FORMAT):
        raise _unreadable(path, "the hidden sheet does not say it is a capital operations "
                          "workbook (format 1)", "start again from `soeplan operations template`")  # fmt: skip
    problems: list[Problem] = []
    unit = str(meta.get("unit") or "").strip() or None
    if unit is None:
        problems.append(Problem(f"{META_SHEET}!B3", "the workbook names no unit",
                                "start again from `soeplan operations template --unit UNIT`"))  # fmt: skip
    raw = wb[INSTRUCTIONS_SHEET][AS_OF_CELL]
    c = cells.Cell(INSTRUCTIONS_SHEET, raw.row, raw.column, Column("as_of", "截至日期", "As of"),
                   raw.value, _is_formula(raw))  # fmt: skip
    as_of = cells.date(c, problems)
    if as_of is None and not problems:
        problems.append(c.problem("the as-of date is missing", "write the date it is stated for"))
    return unit, as_of, problems


def _required(c: dict[str, cells.Cell], values: dict[str, Any], problems: list[Problem]) -> bool:
    ok = True
    for key, v in values.items():
        if not v:
            ok = False
            if not any(p.where == c[key].where for p in problems):
                problems.append(c[key].problem(f"{c[key].header.zh} is missing", "fill it in"))
    return ok


def _listings(wb: Any, problems: list[Problem]) -> Iterator[ListingStep]:
    stages = ", ".join(s.zh for s in ListingStage)
    for r, c in _rows(wb[LISTING_SHEET], LISTING_SHEET, LISTING_COLUMNS, problems):
        n = len(problems)
        entity = cells.identifier(c["entity"], problems)
        stage = cells.choice(c["stage"], _STAGE_CHOICES, stages, problems)
        when = cells.date(c["date"], problems)
        text = {k: cells.text(c[k], problems) for k in ("exchange", "stock_code", "note")}
        if _required(c, {"entity": entity, "stage": stage, "date": when}, problems) and (
            len(problems) == n
        ):
            assert when is not None
            yield ListingStep(entity=entity, stage=stage, date=when, row=r, **text)


def _reforms(wb: Any, problems: list[Problem]) -> Iterator[Reform]:
    kinds = ", ".join(k.zh for k in ReformKind)
    for r, c in _rows(wb[REFORM_SHEET], REFORM_SHEET, REFORM_COLUMNS, problems):
        n = len(problems)
        entity = cells.identifier(c["entity"], problems)
        when = cells.date(c["date"], problems)
        kind = cells.choice(c["kind"], _KIND_CHOICES, kinds, problems)
        before = cells.share(c["share_before"], problems)
        after = cells.share(c["share_after"], problems)
        text = {k: cells.text(c[k], problems) for k in ("investors", "note")}
        amount = cells.amount(c["amount"], problems)
        event = cells.date(c["event_date"], problems)
        if _required(c, {"entity": entity, "date": when, "kind": kind}, problems) and (
            len(problems) == n
        ):
            assert when is not None
            yield Reform(entity=entity, date=when, kind=kind, share_before=before,
                         share_after=after, amount=amount, event_date=event, row=r, **text)  # fmt: skip


def _check_dates(
    listings: list[ListingStep],
    reforms: list[Reform],
    as_of: dt.date | None,
    problems: list[Problem],
) -> None:
    if as_of is None:
        return
    for sheet, rows in ((LISTING_SHEET, listings), (REFORM_SHEET, reforms)):
        for x in rows:
            if x.date > as_of:
                problems.append(Problem(
                    f"{sheet} row {x.row} ({x.entity})",
                    f"dated {x.date}, after the register's as-of date {as_of}",
                    "correct the date, or state the register as of a later date (B3 of the "
                    "instructions sheet)"))  # fmt: skip


def _check_pipeline(listings: list[ListingStep], problems: list[Problem]) -> None:
    """One row per enterprise and stage; a later stage is not dated before an earlier one."""
    seen: dict[tuple[str, ListingStage], ListingStep] = {}
    for s in listings:
        if (s.entity, s.stage) in seen:
            problems.append(Problem(
                f"{LISTING_SHEET} row {s.row} ({s.entity})",
                f"stage {s.stage.zh} is listed twice (rows {seen[(s.entity, s.stage)].row} and "
                f"{s.row})", "keep one row per enterprise and stage"))  # fmt: skip
        seen.setdefault((s.entity, s.stage), s)
    for (entity, stage), s in seen.items():
        for (e2, st2), earlier in seen.items():
            if e2 == entity and st2.rank < stage.rank and earlier.date > s.date:
                problems.append(Problem(
                    f"{LISTING_SHEET} row {s.row} ({entity})",
                    f"{stage.zh} on {s.date} is before {st2.zh} on {earlier.date}",
                    "correct one of the dates: the stages follow 摸排 → 认定 → 辅导 → 报会 → 上市"))  # fmt: skip
