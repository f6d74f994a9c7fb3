"""What the host checks in every record a plugin registers (every problem at once)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from soeplan.errors import Problem
from soeplan.indicators import Indicator
from soeplan.plan.model import PlanSource, Target
from soeplan.registers.operations import Operations
from soeplan.registers.provided import CapitalRegisters
from soeplan.registers.records import Register
from soeplan.rules import Rule, Severity
from soeplan.scoring.records import Scheme
from soeplan.sections import ReportSection, Text
from soeplan.structure.records import (
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    UnitStructure,
)

_ID = re.compile(r"^[^\s]+$")


def _names(t: type | tuple[type, ...]) -> str:
    return " or ".join(x.__name__ for x in (t if isinstance(t, tuple) else (t,)))


def check_records(
    records: list[Any], record_type: type | tuple[type, ...], key: Callable[[Any], str]
) -> list[str]:
    out: list[str] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, record_type):
            out.append(f"record {i} is a {type(rec).__name__}, expected {_names(record_type)}")
            continue
        k = key(rec)
        if not isinstance(k, str) or not _ID.match(k):
            out.append(f"record {i} ({type(rec).__name__}) has no valid id: {k!r}")
            continue
        out += [f"{k}: {p.what}" for p in record_problems(rec)]
    return out


def record_problems(record: object) -> list[Problem]:
    """What is wrong with one registered record, beyond its type (every problem at once).

    Checks the labels people see (Chinese *and* English), ids, and the internal consistency of
    a structure (unique entity ids, entities of the structure's own unit, events about known
    entities). Used by the host on every record and by :mod:`soeplan.testing`.
    """
    for record_type, check in _CHECKS:
        if isinstance(record, record_type):
            return check(record)
    return []


def _need(problems: list[Problem], where: str, value: object, what: str) -> None:
    """A label that must be a non-blank text."""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(where, f"{what} is missing", f"give it a {what}"))


def _indicator_problems(record: Indicator) -> list[Problem]:
    problems: list[Problem] = []
    where = f"indicator {record.code}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", record.code):
        problems.append(Problem(where, "code is not snake_case", "use e.g. waste_received"))
    _need(problems, where, record.name_zh, "Chinese name (name_zh)")
    _need(problems, where, record.name_en, "English name (name_en)")
    _need(problems, where, record.unit, "unit")
    return problems


def _rule_problems(record: Rule) -> list[Problem]:
    problems: list[Problem] = []
    where = f"rule {record.id}"
    _need(problems, where, record.description_zh, "Chinese description (description_zh)")
    _need(problems, where, record.description_en, "English description (description_en)")
    if not isinstance(record.severity, Severity):
        problems.append(Problem(where, "severity is not a Severity", "use Severity.WARNING"))
    if not callable(record.check):
        problems.append(Problem(where, "check is not callable", "pass a function"))
    return problems


def _section_problems(record: ReportSection) -> list[Problem]:
    problems: list[Problem] = []
    where = f"section {record.id}"
    if not isinstance(record.title, Text):
        problems.append(Problem(where, "title is not a Text", 'use Text(zh="…", en="…")'))
    else:
        _need(problems, where, record.title.zh, "Chinese title")
        _need(problems, where, record.title.en, "English title")
    if not callable(record.render):
        problems.append(Problem(where, "render is not callable", "pass a function"))
    if record.sheet is not None:
        problems += _sheet_problems(record.sheet, where)
    return problems


def _sheet_problems(sheet: object, where: str) -> list[Problem]:
    """A section's short sheet name: both languages, at most 31 characters, none of []:*?/\\."""
    if not isinstance(sheet, Text):
        return [Problem(where, "sheet is not a Text", 'use Text(zh="…", en="…")')]
    out: list[Problem] = []
    for lang, name in (("Chinese", sheet.zh), ("English", sheet.en)):
        if not isinstance(name, str) or not name.strip():
            out.append(Problem(where, f"the {lang} sheet name is empty", "give a short name"))
        elif len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
            out.append(
                Problem(
                    where,
                    f"the {lang} sheet name {name!r} is longer than 31 characters or holds one "
                    "of []:*?/\\",
                    "give a name a workbook takes, in whole words",
                )
            )
    return out


def _scheme_problems(record: Scheme) -> list[Problem]:
    """A scheme's weights sum to 100, it applies to a class or to one enterprise (its indicators
    are checked against the catalogue when it is used)."""
    from soeplan.scoring.files import scheme_problems

    return scheme_problems(record, None, f"scheme {record.id}")


def _structure_problems(record: UnitStructure) -> list[Problem]:
    """Unique entity ids, entities of the structure's own unit, parents and events it knows."""
    where = f"structure {record.unit}"
    ids = [e.id for e in record.entities]
    problems = [
        Problem(where, f"entity id {dup!r} appears twice", "keep one")
        for dup in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for e in record.entities:
        problems += _entity_problems(record, e)
    known = set(ids)
    for e in record.entities:
        if e.parent is not None and e.parent not in known:
            problems.append(
                Problem(
                    f"{where}, entity {e.id}",
                    f"parent {e.parent!r} is not an entity of this structure",
                    "add the parent, or correct the id",
                )
            )
    for n, ev in enumerate(record.events):
        if not isinstance(ev.kind, EventKind):
            problems.append(
                Problem(f"{where}, event {n}", f"kind {ev.kind!r} is not an EventKind", "")
            )
            continue
        if ev.entity not in known:
            problems.append(
                Problem(
                    f"{where}, event {n} ({ev.kind.value} {ev.date})",
                    f"entity {ev.entity!r} is not an entity of this structure",
                    "events may only change the unit's own entities",
                )
            )
    return problems


def _entity_problems(record: UnitStructure, e: Entity) -> list[Problem]:
    """One entity of a structure: its unit, Chinese name, node type and functional class."""
    problems: list[Problem] = []
    where = f"structure {record.unit}, entity {e.id}"
    if e.unit != record.unit:
        problems.append(
            Problem(
                where,
                f"belongs to unit {e.unit!r}, not {record.unit!r}",
                "register each unit's entities in that unit's structure",
            )
        )
    _need(problems, where, e.name_zh, "Chinese name (name_zh)")
    if not isinstance(e.node_type, NodeType):
        problems.append(
            Problem(
                where,
                f"node_type {e.node_type!r} is not a NodeType",
                "use soeplan.NodeType (SINGLE, GROUP or DIFFERENCE)",
            )
        )
    if e.functional_class is not None and not isinstance(e.functional_class, FunctionalClass):
        problems.append(
            Problem(
                where,
                f"functional_class {e.functional_class!r} is not a FunctionalClass",
                "use soeplan.FunctionalClass or None",
            )
        )
    return problems


def _target_problems(record: Target) -> list[Problem]:
    problems: list[Problem] = []
    where = f"target {record.id}"
    _need(problems, where, record.scope, "scope")
    _need(problems, where, record.indicator, "indicator")
    return problems


def _plan_source_problems(record: PlanSource) -> list[Problem]:
    problems: list[Problem] = []
    _need(problems, f"plan {record.id}", record.path, "path")
    return problems


#: The check of each kind of registered record (the first matching type is used).
def _capital_problems(record: CapitalRegisters) -> list[Problem]:
    """A unit's capital registers: a source, something to provide, every register and the
    operations register of the record's own unit, files that exist."""
    problems: list[Problem] = []
    where = f"capital registers of {record.unit}"
    _need(problems, where, record.source, "source (where the registers come from)")
    if not (record.registers or record.operations or record.register_files
            or record.operations_file):  # fmt: skip
        problems.append(Problem(where, "provides no register", "give registers, operations or "
                                "the paths of their workbooks"))  # fmt: skip
    for i, r in enumerate(record.registers):
        if not isinstance(r, Register):
            problems.append(Problem(where, f"register {i} is a {type(r).__name__}",
                                    "give soeplan.Register records"))  # fmt: skip
        elif r.unit != record.unit:
            problems.append(Problem(where, f"register {i} is {r.unit!r}'s, not {record.unit!r}'s",
                                    "give only the unit's own registers"))  # fmt: skip
    ops = record.operations
    if ops is not None and not isinstance(ops, Operations):
        problems.append(Problem(where, f"operations is a {type(ops).__name__}",
                                "give a soeplan.Operations record"))  # fmt: skip
    elif ops is not None and ops.unit != record.unit:
        problems.append(Problem(where, f"the operations register is {ops.unit!r}'s",
                                "give only the unit's own"))  # fmt: skip
    for path in (*record.register_files, record.operations_file):
        if path and not Path(path).is_file():
            problems.append(Problem(where, f"the file {path} does not exist",
                                    "ship the workbook with the plugin (package data)"))  # fmt: skip
    return problems


_CHECKS: tuple[tuple[type[Any], Callable[[Any], list[Problem]]], ...] = (
    (Indicator, _indicator_problems),
    (Rule, _rule_problems),
    (ReportSection, _section_problems),
    (UnitStructure, _structure_problems),
    (Target, _target_problems),
    (PlanSource, _plan_source_problems),
    (Scheme, _scheme_problems),
    (CapitalRegisters, _capital_problems),
)
