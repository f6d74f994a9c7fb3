"""The checks across a register's rows: ids, parents, the tree, ratings, listing and the dated
changes, each problem naming its sheet and row (or cell) and the fix.

A row's own cells are checked as they are read (:mod:`soeplan.registers.reader`); these run
after, on every row at once. The dated checks that need the whole structure (a cycle after a
transfer, two changes of one day that contradict each other) are the structure's own
(:func:`~soeplan.structure.compose.compose_structure`), run on the register alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from soeplan.errors import Problem
from soeplan.registers.layout import ENTITIES_SHEET
from soeplan.registers.records import RegisterChange
from soeplan.structure.records import Entity, EventKind, NodeType, UnitStructure


def _row(e: dict[str, Any]) -> str:
    return f"{ENTITIES_SHEET} row {e['row']}" + (f" ({e['id']})" if e.get("id") else "")


def check_entries(
    entries: Sequence[dict[str, Any]], unit: str, as_of: dt.date | None, problems: list[Problem]
) -> None:
    """Ids and credit codes unique; parents known groups of the register; no cycle; ratings,
    listings and dates consistent."""
    by_id: dict[str, dict[str, Any]] = {}
    codes: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e["id"] and e["id"] in by_id:
            problems.append(
                Problem(
                    _row(e),
                    f"entity id {e['id']} is listed twice (rows {by_id[e['id']]['row']} and "
                    f"{e['row']})",
                    "keep one row per entity; a renamed entity keeps its id (record the rename "
                    "in the changes sheet)",
                )
            )
        by_id.setdefault(e["id"], e)
        code = e["credit_code"]
        if code and code in codes:
            problems.append(
                Problem(
                    _row(e),
                    f"credit code {code} is also the code of row {codes[code]['row']} "
                    f"({codes[code]['id']})",
                    "each enterprise has its own 统一社会信用代码: correct one of them",
                )
            )
        if code:
            codes.setdefault(code, e)
    parents = {e["parent"] for e in entries if e["parent"]}
    for e in entries:
        _check_parent(e, by_id, parents, problems)
        _check_attributes(e, as_of, problems)
    _check_cycles(entries, by_id, problems)


def _check_parent(
    e: dict[str, Any],
    by_id: dict[str, dict[str, Any]],
    parents: set[str],
    problems: list[Problem],
) -> None:
    cell = e["_cells"]
    parent = e["parent"]
    if e["node_type"] is NodeType.DIFFERENCE and not parent:
        problems.append(
            cell["parent"].problem(
                f"difference unit {e['id']} has no parent group",
                "set the parent to the group whose eliminations it carries",
            )
        )
    if e["node_type"] in (NodeType.SINGLE, NodeType.DIFFERENCE) and e["id"] in parents:
        problems.append(
            cell["node_type"].problem(
                f"{e['id']} is the parent of other rows but its type is {e['node_type'].zh}",
                "set its type to 集团 (group), or correct the children's parent",
            )
        )
    if not parent:
        return
    if parent == e["id"]:
        problems.append(
            cell["parent"].problem(f"entity {e['id']} is its own parent", "correct the parent")
        )
    elif parent not in by_id:
        problems.append(
            cell["parent"].problem(
                f"unknown parent {parent!r}: no row of this register has that id",
                "add the parent's row, or correct the id (an entity rolls up within its unit)",
            )
        )


def _check_attributes(e: dict[str, Any], as_of: dt.date | None, problems: list[Problem]) -> None:
    """Listing, rating and dates: what goes together is given together."""
    cell = e["_cells"]
    if not e["listed"] and (e["exchange"] or e["stock_code"]):
        problems.append(
            cell["listed"].problem(
                f"{e['id']} has an exchange or stock code but is not marked listed",
                "write 是 in 是否上市, or clear the exchange and stock code",
            )
        )
    rated = [bool(e["rating"]), bool(e["rating_agency"]), e["rating_date"] is not None]
    if any(rated) and not all(rated):
        lacking = [
            cell[k].header.zh
            for k, ok in zip(("rating", "rating_agency", "rating_date"), rated, strict=True)
            if not ok
        ]
        problems.append(
            Problem(
                _row(e),
                f"a credit rating needs its rating, agency and date: {', '.join(lacking)} missing",
                "fill in all three (e.g. AA+, 中诚信国际, 2023-06-30), or clear them",
            )
        )
    for key in ("rating_date", "since"):
        if as_of is not None and e[key] is not None and e[key] > as_of:
            problems.append(
                cell[key].problem(
                    f"{e[key]} is after the register's as-of date {as_of}",
                    "correct the date, or the as-of date on the instructions sheet",
                )
            )


def _check_cycles(
    entries: Sequence[dict[str, Any]], by_id: dict[str, dict[str, Any]], problems: list[Problem]
) -> None:
    reported: set[frozenset[str]] = set()
    for e in entries:
        path: list[str] = []
        cur: str | None = e["id"]
        while cur and cur in by_id and cur not in path:
            path.append(cur)
            cur = by_id[cur]["parent"]
        if cur and cur in path:
            cycle = path[path.index(cur) :]
            if len(cycle) > 1 and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                rows = ", ".join(str(by_id[i]["row"]) for i in cycle)
                problems.append(
                    Problem(
                        f"{ENTITIES_SHEET} rows {rows}",
                        f"parents form a cycle: {' → '.join([*cycle, cycle[0]])}",
                        f"one of {', '.join(sorted(cycle))} must have another parent (or none)",
                    )
                )


def check_changes(
    entries: Sequence[dict[str, Any]],
    changes: Sequence[RegisterChange],
    unit: str,
    as_of: dt.date | None,
    problems: list[Problem],
    *,
    sheet: str,
) -> None:
    """Each change names entities of the register, carries what its kind needs, and is not
    after the as-of date; then the dated structure is checked whole."""
    from soeplan.structure.city import city_file

    ids = {e["id"] for e in entries if e["id"]}
    units = {u.id for u in city_file().units}
    for ch in changes:
        where = f"{sheet} row {ch.row} ({ch.kind.zh} {ch.entity} {ch.date})"
        for p in _change_problems(ch, ids, unit, as_of):
            problems.append(Problem(where, *p))
        if ch.unit is not None and ch.unit not in units:
            problems.append(
                Problem(
                    where,
                    f"unknown unit {ch.unit!r} in 划入单位",
                    f"write one of: {', '.join(sorted(units))}",
                )
            )
    if problems:
        return
    _check_dated(entries, changes, unit, sheet, problems)


def _change_problems(
    ch: RegisterChange, ids: set[str], unit: str, as_of: dt.date | None
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if ch.entity not in ids:
        out.append((f"unknown entity {ch.entity!r}", "add its row to the entities sheet"))
    elsewhere = ch.kind is EventKind.TRANSFER and ch.unit not in (None, unit)
    if ch.kind in (EventKind.MERGE, EventKind.TRANSFER):
        if ch.target is None:
            what = "the absorbing entity" if ch.kind is EventKind.MERGE else "the new parent"
            out.append((f"a {ch.kind.zh} needs a target", f"write {what} in 目标企业编码"))
        elif ch.target == ch.entity:
            out.append((f"{ch.entity} is its own target", "name another entity"))
        elif ch.target not in ids and not elsewhere:
            out.append(
                (
                    f"unknown target {ch.target!r}",
                    "add its row to the entities sheet, or (a transfer to another unit) fill in "
                    "划入单位",
                )
            )
    elif ch.target is not None:
        out.append((f"a {ch.kind.zh} takes no target", "clear 目标企业编码"))
    if ch.kind is EventKind.RENAME and not ch.name_zh:
        out.append(("a rename needs the new name", "write it in 新名称"))
    if ch.kind is not EventKind.RENAME and (ch.name_zh or ch.name_en):
        out.append((f"a {ch.kind.zh} takes no new name", "clear 新名称 and 新英文名称"))
    if ch.unit is not None and ch.kind is not EventKind.TRANSFER:
        out.append((f"a {ch.kind.zh} takes no new unit", "clear 划入单位"))
    if as_of is not None and ch.date > as_of:
        out.append((f"{ch.date} is after the register's as-of date {as_of}", "record it next year"))
    return out


def _check_dated(
    entries: Sequence[dict[str, Any]],
    changes: Sequence[RegisterChange],
    unit: str,
    sheet: str,
    problems: list[Problem],
) -> None:
    """The register's structure alone, composed and checked with its dated changes (a
    transfer to another unit is checked when the register is loaded with the city's)."""
    from soeplan.structure.compose import StructureError, compose_structure

    entities = tuple(
        Entity(
            id=e["id"],
            name_zh=e["name_zh"],
            unit=unit,
            parent=e["parent"],
            since=e["since"],
            node_type=e["node_type"]
            or (
                NodeType.GROUP if any(x["parent"] == e["id"] for x in entries) else NodeType.SINGLE
            ),
        )
        for e in entries
    )
    events = tuple(c.to_event() for c in changes if c.unit in (None, unit))
    try:
        compose_structure(
            units=(),
            scopes=(),
            registered=[("register", UnitStructure(unit=unit, entities=entities, events=events))],
        )
    except StructureError as exc:
        problems += [Problem(f"{sheet}: {p.where}", p.what, p.fix) for p in exc.problems]
