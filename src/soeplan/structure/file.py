"""One structure file: reading it, and every problem found in it at once.

A structure file (TOML, see ``docs/reference/structure-format.md``) holds county-level units,
scope compositions, entities and dated events. :func:`load_structure_file` reads one file and
reports every problem of that file at once (:class:`~soeplan.errors.DataFileError`); references
that may point into another file are checked when structures are composed
(:mod:`soeplan.structure.compose`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from soeplan._toml import read_toml, unknown_keys
from soeplan.errors import DataFileError, Problem
from soeplan.structure.credit_code import check_credit_code
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
    industry_problem,
)

__all__ = ["StructureFile", "load_structure_file"]


@attrs.frozen(kw_only=True)
class StructureFile:
    """One structure file, as loaded: its units, scopes, and entities/events grouped by unit."""

    path: str
    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    source: str = ""
    assumption: str = ""
    synthetic: bool = False
    units: tuple[CountyUnit, ...] = ()
    scopes: tuple[ScopeComposition, ...] = ()
    unit_structures: tuple[UnitStructure, ...] = ()

    @property
    def entities(self) -> tuple[Entity, ...]:
        return tuple(e for us in self.unit_structures for e in us.entities)

    @property
    def events(self) -> tuple[StructureEvent, ...]:
        return tuple(ev for us in self.unit_structures for ev in us.events)


_TOP_KEYS = {"format", "structure", "unit", "scope", "entity", "event"}
_STRUCTURE_KEYS = {"id", "name_zh", "name_en", "source", "assumption", "synthetic"}
_UNIT_KEYS = {"id", "name_zh", "name_en", "kind"}
_UNIT_KINDS = ("municipal", "district", "county_city", "county")
_SCOPE_KEYS = {"scope", "units", "source", "assumption", "name_zh", "name_en"}
_ENTITY_KEYS = {
    "id",
    "name_zh",
    "name_en",
    "unit",
    "type",
    "parent",
    "class",
    "since",
    "credit_code",
    "co_owners",
    "note",
    "synthetic",
    "industry",
}
_EVENT_KEYS = {"date", "kind", "entity", "target", "name_zh", "name_en", "unit", "source", "note"}


def _text(
    raw: Mapping[str, Any], key: str, where: str, problems: list[Problem], required: bool = False
) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            problems.append(Problem(f"{where}.{key}", f"{key} is missing", f'add {key} = "..."'))
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(
            Problem(f"{where}.{key}", f"{key} must be a non-empty string, not {value!r}", "")
        )
        return None
    return value


def _enum(
    cls: type[Any], raw: Mapping[str, Any], key: str, where: str, problems: list[Problem]
) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        problems.append(
            Problem(
                f"{where}.{key}", f"{value!r} is not one of: {allowed}", f"use one of: {allowed}"
            )
        )
        return None


def _date(value: Any, where: str, problems: list[Problem], *, year_ok: bool) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if year_ok and isinstance(value, int) and not isinstance(value, bool) and 1900 < value < 2200:
        return dt.date(value, 1, 1)
    problems.append(
        Problem(
            where,
            f"{value!r} is not a date",
            "write a TOML date such as 2022-12-01" + (" or a year such as 2019" if year_ok else ""),
        )
    )
    return None


def _parse_entity(
    raw: Mapping[str, Any], where: str, synthetic: bool, problems: list[Problem]
) -> Entity | None:
    problems += unknown_keys(raw, _ENTITY_KEYS, where)
    n = len(problems)
    eid = _text(raw, "id", where, problems, required=True)
    where = f"{where} ({eid})" if eid else where
    name_zh = _text(raw, "name_zh", where, problems, required=True)
    unit = _text(raw, "unit", where, problems, required=True)
    node_type = _enum(NodeType, raw, "type", where, problems) or NodeType.SINGLE
    fclass = _enum(FunctionalClass, raw, "class", where, problems)
    parent = _text(raw, "parent", where, problems)
    since = None
    if "since" in raw:
        since = _date(raw["since"], f"{where}.since", problems, year_ok=True)
    code = _text(raw, "credit_code", where, problems)
    if code is not None:
        wrong = check_credit_code(code)
        if wrong:
            problems.append(
                Problem(
                    f"{where}.credit_code",
                    f"credit code {code!r} of entity {eid} {wrong}",
                    "copy the 18-character 统一社会信用代码 from the business licence, or remove it",
                )
            )
    industry = _text(raw, "industry", where, problems)
    if industry is not None and (wrong := industry_problem(industry)):
        problems.append(
            Problem(
                f"{where}.industry",
                f"industry of entity {eid}: {wrong}",
                "give the entity's GB/T 4754 industry code (行业代码), e.g. E48 for 土木工程建筑业, "
                "or remove it",
            )
        )
    co = raw.get("co_owners", [])
    if not isinstance(co, list) or not all(isinstance(c, str) for c in co):
        problems.append(Problem(f"{where}.co_owners", "co_owners must be a list of entity ids", ""))
        co = []
    if eid and parent == eid:
        problems.append(
            Problem(
                f"{where}.parent",
                f"entity {eid} is its own parent",
                "set parent to the consolidating group, or remove it",
            )
        )
    if eid and parent and parent in co:
        problems.append(
            Problem(
                f"{where}.co_owners",
                f"entity {eid} lists its parent {parent} among its co-owners",
                "co_owners lists the other owners only: remove the parent from it",
            )
        )
    if len(problems) > n or eid is None or name_zh is None or unit is None:
        return None
    return Entity(
        id=eid,
        name_zh=name_zh,
        name_en=str(raw.get("name_en", "")),
        unit=unit,
        node_type=node_type,
        parent=parent,
        functional_class=fclass,
        credit_code=code,
        since=since,
        co_owners=tuple(co),
        synthetic=bool(raw.get("synthetic", synthetic)),
        note=str(raw.get("note", "")),
        industry=industry,
    )


def _parse_event(
    raw: Mapping[str, Any], where: str, problems: list[Problem]
) -> StructureEvent | None:
    problems += unknown_keys(raw, _EVENT_KEYS, where)
    n = len(problems)
    entity = _text(raw, "entity", where, problems, required=True)
    where = f"{where} ({entity})" if entity else where
    kind = _enum(EventKind, raw, "kind", where, problems)
    if "kind" not in raw:
        problems.append(
            Problem(
                f"{where}.kind", "kind is missing", "kind = create|rename|merge|transfer|dissolve"
            )
        )
    date = None
    if "date" not in raw:
        problems.append(Problem(f"{where}.date", "date is missing", "add date = 2022-12-01"))
    else:
        date = _date(raw["date"], f"{where}.date", problems, year_ok=False)
    target = _text(raw, "target", where, problems)
    name_zh = _text(raw, "name_zh", where, problems)
    name_en = _text(raw, "name_en", where, problems)
    unit = _text(raw, "unit", where, problems)
    if kind is not EventKind.RENAME and name_en is not None and kind is not None:
        problems.append(
            Problem(f"{where}.name_en", f"a {kind.value} event takes no name_en", "remove it")
        )
    if kind in (EventKind.MERGE, EventKind.TRANSFER) and target is None:
        what = "the absorbing entity" if kind is EventKind.MERGE else "the new parent"
        problems.append(
            Problem(
                f"{where}.target", f"a {kind.value} event needs a target", f"set target to {what}"
            )
        )
    if kind is EventKind.RENAME and name_zh is None and name_en is None:
        problems.append(
            Problem(
                f"{where}.name_zh",
                "a rename event needs the new name",
                "set name_zh (and name_en, for the English name)",
            )
        )
    if kind is not None and target is not None and target == entity:
        problems.append(
            Problem(
                f"{where}.target",
                f"entity {entity} is its own {kind.value} target",
                "set target to another entity",
            )
        )
    if len(problems) > n or entity is None or kind is None or date is None:
        return None
    return StructureEvent(
        date=date,
        kind=kind,
        entity=entity,
        target=target,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        source=str(raw.get("source", "")),
        note=str(raw.get("note", "")),
    )


def _tables(raw: Mapping[str, Any], key: str, problems: list[Problem]) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        problems.append(Problem(key, f"{key} must be an array of tables", f"write [[{key}]]"))
        return []
    return value


def load_structure_file(path: Path | str) -> StructureFile:
    """Load one structure file, reporting every problem found in it at once.

    References that may point into another file (a parent, an event's entity or target, a
    scope's units when the file defines no units) are checked when structures are composed.
    """
    path = Path(path)
    raw = read_toml(path, kind="structure file")
    problems: list[Problem] = unknown_keys(raw, _TOP_KEYS, "file")
    head = _head(raw, problems)
    synthetic = bool(head.get("synthetic", False))
    units = _parse_units(raw, problems)
    unit_ids = {u.id for u in units}
    scopes = _parse_scopes(raw, units, problems)
    entities = _parse_entities(raw, synthetic, str(path), problems)
    if units:
        for e in entities:
            if e.unit not in unit_ids:
                problems.append(_unknown_unit(e.id, e.unit, unit_ids))
    events = [
        ev
        for i, t in enumerate(_tables(raw, "event", problems))
        if (ev := _parse_event(t, f"event[{i}]", problems)) is not None
    ]
    if problems:
        raise DataFileError(path, problems)
    return StructureFile(
        path=str(path),
        id=str(head.get("id", "")),
        name_zh=str(head.get("name_zh", "")),
        name_en=str(head.get("name_en", "")),
        source=str(head.get("source", "")),
        assumption=str(head.get("assumption", "")),
        synthetic=synthetic,
        units=tuple(units),
        scopes=tuple(scopes),
        unit_structures=_by_unit(head, entities, events, synthetic),
    )


def _head(raw: Mapping[str, Any], problems: list[Problem]) -> Mapping[str, Any]:
    """The file's ``format`` and its ``[structure]`` table (empty when it is not a table)."""
    if raw.get("format", 1) != 1:
        problems.append(
            Problem("format", f"format {raw.get('format')!r} is not supported", "use format = 1")
        )
    head = raw.get("structure", {})
    if not isinstance(head, dict):
        problems.append(Problem("structure", "[structure] must be a table", "write [structure]"))
        head = {}
    problems += unknown_keys(head, _STRUCTURE_KEYS, "structure")
    return head


def _parse_units(raw: Mapping[str, Any], problems: list[Problem]) -> list[CountyUnit]:
    units: list[CountyUnit] = []
    for i, t in enumerate(_tables(raw, "unit", problems)):
        where = f"unit[{i}]"
        problems += unknown_keys(t, _UNIT_KEYS, where)
        n = len(problems)
        uid = _text(t, "id", where, problems, required=True)
        zh = _text(t, "name_zh", where, problems, required=True)
        en = _text(t, "name_en", where, problems, required=True)
        kind = t.get("kind", "county")
        if kind not in _UNIT_KINDS:
            problems.append(
                Problem(f"{where}.kind", f"{kind!r} is not one of: {', '.join(_UNIT_KINDS)}", "")
            )
        if len(problems) == n and uid and zh and en:
            units.append(CountyUnit(uid, zh, en, kind))
    _duplicates([u.id for u in units], "unit", problems)
    return units


def _parse_scopes(
    raw: Mapping[str, Any], units: Sequence[CountyUnit], problems: list[Problem]
) -> list[ScopeComposition]:
    """The file's scopes; their units are checked here when the file defines units."""
    scopes: list[ScopeComposition] = []
    unit_ids = {u.id for u in units}
    for i, t in enumerate(_tables(raw, "scope", problems)):
        where = f"scope[{i}]"
        problems += unknown_keys(t, _SCOPE_KEYS, where)
        sid = _text(t, "scope", where, problems, required=True)
        members = t.get("units")
        if (
            not isinstance(members, list)
            or not members
            or not all(isinstance(u, str) for u in members)
        ):
            problems.append(
                Problem(
                    f"{where}.units",
                    f"scope {sid} needs a list of unit ids",
                    'units = ["municipal", ...]',
                )
            )
            continue
        for u in members:
            if units and u not in unit_ids:
                problems.append(
                    Problem(
                        f"{where}.units",
                        f"scope {sid} names unknown unit {u!r}",
                        f"use one of the units defined in this file: {', '.join(sorted(unit_ids))}",
                    )
                )
        if sid:
            scopes.append(
                ScopeComposition(
                    sid,
                    tuple(members),
                    str(t.get("source", "")),
                    str(t.get("assumption", "")),
                    name_zh=str(t.get("name_zh", "")),
                    name_en=str(t.get("name_en", "")),
                )
            )
    _duplicates([s.scope for s in scopes], "scope", problems)
    return scopes


def _parse_entities(
    raw: Mapping[str, Any], synthetic: bool, path: str, problems: list[Problem]
) -> list[Entity]:
    """The file's entities; an id listed twice is a problem (in two units, with two parents)."""
    entities = [
        e
        for i, t in enumerate(_tables(raw, "entity", problems))
        if (e := _parse_entity(t, f"entity[{i}]", synthetic, problems)) is not None
    ]
    seen: dict[str, Entity] = {}
    for e in entities:
        other = seen.get(e.id)
        if other is None:
            seen[e.id] = e
        elif other.unit != e.unit:
            problems.append(_two_units(e.id, other.unit, e.unit, path, path))
        elif other.parent != e.parent:
            problems.append(_two_parents(e.id, other.parent, e.parent, path, path))
        else:
            problems.append(
                Problem(f"entity {e.id}", f"entity id {e.id} is listed twice", "remove one of them")
            )
    return entities


def _by_unit(
    head: Mapping[str, Any],
    entities: Sequence[Entity],
    events: Sequence[StructureEvent],
    synthetic: bool,
) -> tuple[UnitStructure, ...]:
    """The entities and events grouped by unit (an event goes with its entity's unit)."""
    by_unit: dict[str, list[Entity]] = {}
    for e in entities:
        by_unit.setdefault(e.unit, []).append(e)
    unit_of = {e.id: e.unit for e in entities}
    ev_by_unit: dict[str, list[StructureEvent]] = {}
    for ev in events:
        ev_by_unit.setdefault(unit_of.get(ev.entity, ev.unit or ""), []).append(ev)
    return tuple(
        UnitStructure(
            unit=u,
            name=str(head.get("name_zh", "")),
            entities=tuple(by_unit.get(u, ())),
            events=tuple(sorted(ev_by_unit.get(u, ()), key=lambda e: (e.date, e.entity))),
            source=str(head.get("source", "")),
            assumption=str(head.get("assumption", "")),
            synthetic=synthetic,
        )
        for u in sorted(set(by_unit) | set(ev_by_unit))
    )


def _duplicates(ids: Sequence[str], what: str, problems: list[Problem]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            problems.append(Problem(f"{what} {i}", f"{what} id {i} is defined twice", "keep one"))
        seen.add(i)


def _two_units(eid: str, a: str, b: str, where_a: str, where_b: str) -> Problem:
    return Problem(
        f"entity {eid}",
        f"entity {eid} is in two units: {a} ({where_a}) and {b} ({where_b})",
        "an entity belongs to one county-level unit: keep one, or give the other a new id "
        "(a move between units is a transfer event with unit = ...)",
    )


def _two_parents(eid: str, a: str | None, b: str | None, where_a: str, where_b: str) -> Problem:
    return Problem(
        f"entity {eid}",
        f"entity {eid} has two parents at once: {a or '(none)'} ({where_a}) and {b or '(none)'} ({where_b})",
        "name the consolidating parent in parent and the other owners in co_owners; "
        "a change of parent is a transfer event",
    )


def _unknown_unit(eid: str, unit: str, known: Iterable[str]) -> Problem:
    return Problem(
        f"entity {eid}",
        f"entity {eid} names unknown unit {unit!r}",
        f"use one of: {', '.join(sorted(known))}",
    )
