"""Composing a structure from several sources, and checking the whole.

:func:`compose_structure` puts together the units and scopes of a city file, the unit structures
registered through the ``soeplan_structures`` hook (authoritative for their unit) and fallback
entity lists (the bundled sample's, or entities discovered in observations), checks the whole
(cycles, two parents, unknown names, contradicting dates, an entity in two units) and returns a
frozen :class:`~soeplan.structure.dated.Structure`; every problem found is raised at once as a
:class:`StructureError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from soeplan.errors import Problem, SoeplanError
from soeplan.structure.dated import Structure
from soeplan.structure.file import _two_parents, _two_units, _unknown_unit
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)

__all__ = ["StructureError", "compose_structure"]


class StructureError(SoeplanError):
    """The composed structure is inconsistent (problems across files or plugins)."""


def compose_structure(
    *,
    units: Iterable[CountyUnit],
    scopes: Iterable[ScopeComposition],
    registered: Iterable[tuple[str, UnitStructure]] = (),
    fallback: Iterable[tuple[str, UnitStructure]] = (),
    extra_entities: Iterable[tuple[str, str] | Entity] = (),
) -> Structure:
    """Compose and check a structure.

    ``registered`` are ``(origin, UnitStructure)`` pairs authoritative for their unit;
    ``fallback`` entity lists fill in only the ids the registered layer lacks (with the events
    about those ids); ``extra_entities`` (``(id, unit)`` pairs or :class:`Entity` records) fill in
    after that. Raises :class:`StructureError` with every problem found.
    """
    problems: list[Problem] = []
    unit_map = {u.id: u for u in units}
    scope_map = {s.scope: s for s in scopes}
    _check_scopes(unit_map, scope_map, problems)
    entities: dict[str, Entity] = {}
    origins: dict[str, str] = {}
    events: list[tuple[str, StructureEvent]] = []
    registered_units = _add_registered(registered, entities, origins, events, problems)
    _add_fallback(fallback, entities, origins, events, problems)
    _add_extra(extra_entities, entities, origins, problems)

    _check_entities(entities, origins, unit_map, scope_map, problems)
    ordered = sorted(events, key=lambda p: (p[1].date, p[1].entity, p[1].kind.value))
    _check_events(ordered, entities, problems)
    if problems:
        raise StructureError(
            f"the operating structure has {len(problems)} problem{'s' if len(problems) != 1 else ''}",
            problems=problems,
        )
    structure = Structure(
        units=MappingProxyType(dict(unit_map)),
        scopes=MappingProxyType(dict(scope_map)),
        entities=MappingProxyType(dict(sorted(entities.items()))),
        events=tuple(ev for _, ev in ordered),
        origins=MappingProxyType(origins),
        registered_units=frozenset(registered_units),
    )
    _check_dated_cycles(structure)
    return structure


def _check_scopes(
    units: Mapping[str, CountyUnit],
    scopes: Mapping[str, ScopeComposition],
    problems: list[Problem],
) -> None:
    for s in scopes.values():
        for u in s.units:
            if u not in units:
                problems.append(
                    Problem(
                        f"scope {s.scope}",
                        f"scope {s.scope} names unknown unit {u!r}",
                        f"use one of: {', '.join(sorted(units))}",
                    )
                )


def _add_registered(
    registered: Iterable[tuple[str, UnitStructure]],
    entities: dict[str, Entity],
    origins: dict[str, str],
    events: list[tuple[str, StructureEvent]],
    problems: list[Problem],
) -> set[str]:
    """Add the registered unit structures (entities and events); return their units."""
    registered_units: set[str] = set()
    for origin, us in registered:
        registered_units.add(us.unit)
        for e in us.entities:
            if e.unit != us.unit:
                problems.append(
                    Problem(
                        f"entity {e.id} ({origin})",
                        f"entity {e.id} says unit {e.unit} but is registered in the structure of unit {us.unit}",
                        f"register it in the structure of {e.unit}, or correct its unit",
                    )
                )
            _add(e, origin, entities, origins, problems)
        events += [(origin, ev) for ev in us.events]
    return registered_units


def _add_fallback(
    fallback: Iterable[tuple[str, UnitStructure]],
    entities: dict[str, Entity],
    origins: dict[str, str],
    events: list[tuple[str, StructureEvent]],
    problems: list[Problem],
) -> None:
    """Fill in the ids the registered layer lacks, with the events about those ids."""
    for origin, us in fallback:
        added: set[str] = set()
        for e in us.entities:
            if e.id in entities and origins[e.id] != origin:
                known = entities[e.id]
                if known.unit != e.unit:
                    problems.append(_two_units(e.id, known.unit, e.unit, origins[e.id], origin))
                continue
            _add(e, origin, entities, origins, problems)
            added.add(e.id)
        events += [(origin, ev) for ev in us.events if ev.entity in added]


def _add_extra(
    extra_entities: Iterable[tuple[str, str] | Entity],
    entities: dict[str, Entity],
    origins: dict[str, str],
    problems: list[Problem],
) -> None:
    """Fill in the extra entities (``(id, unit)`` pairs or records) no other layer has."""
    for item in extra_entities:
        e = item if isinstance(item, Entity) else Entity(id=item[0], name_zh=item[0], unit=item[1])
        if e.id in entities:
            if entities[e.id].unit != e.unit:
                problems.append(
                    _two_units(e.id, entities[e.id].unit, e.unit, origins[e.id], "extra")
                )
            continue
        entities[e.id] = e
        origins[e.id] = "extra entities"


def _add(
    e: Entity,
    origin: str,
    entities: dict[str, Entity],
    origins: dict[str, str],
    problems: list[Problem],
) -> None:
    known = entities.get(e.id)
    if known is None:
        entities[e.id] = e
        origins[e.id] = origin
        return
    if known.unit != e.unit:
        problems.append(_two_units(e.id, known.unit, e.unit, origins[e.id], origin))
    elif known.parent != e.parent:
        problems.append(_two_parents(e.id, known.parent, e.parent, origins[e.id], origin))
    else:
        problems.append(
            Problem(
                f"entity {e.id}",
                f"entity id {e.id} is defined twice: in {origins[e.id]} and in {origin}",
                "keep one definition (ids must be unique across all structures)",
            )
        )


def _check_entities(
    entities: Mapping[str, Entity],
    origins: Mapping[str, str],
    units: Mapping[str, CountyUnit],
    scopes: Mapping[str, ScopeComposition],
    problems: list[Problem],
) -> None:
    has_children = {e.parent for e in entities.values() if e.parent}
    for e in entities.values():
        where = f"entity {e.id} ({origins[e.id]})"
        if units and e.unit not in units:
            problems.append(_unknown_unit(e.id, e.unit, units))
        if e.id in units or e.id in scopes:
            problems.append(
                Problem(
                    where,
                    f"entity id {e.id} is also the id of a unit or scope",
                    "rename the entity",
                )
            )
        if e.parent is not None:
            _check_parent(e, entities.get(e.parent), where, problems)
        if e.node_type is NodeType.DIFFERENCE and e.parent is None:
            problems.append(
                Problem(
                    where,
                    f"difference unit {e.id} has no parent group",
                    "set parent to the group whose eliminations it carries",
                )
            )
        if e.node_type is NodeType.DIFFERENCE and e.id in has_children:
            problems.append(
                Problem(
                    where, f"difference unit {e.id} has children", "move the children to the group"
                )
            )
        for c in e.co_owners:
            if c not in entities:
                problems.append(
                    Problem(where, f"entity {e.id} names unknown co-owner {c!r}", "correct the id")
                )
    # cycles in the initial parent links
    for cycle in _cycles({eid: e.parent for eid, e in entities.items()}):
        problems.append(_cycle(cycle, ""))


def _check_parent(e: Entity, parent: Entity | None, where: str, problems: list[Problem]) -> None:
    """An entity's parent is a known group of its own unit."""
    if parent is None:
        problems.append(
            Problem(
                where,
                f"entity {e.id} names unknown parent {e.parent!r}",
                "add the parent entity (or the plugin that registers it), or correct the id",
            )
        )
    elif parent.unit != e.unit:
        problems.append(
            Problem(
                where,
                f"entity {e.id} (unit {e.unit}) has parent {parent.id} in unit {parent.unit}",
                f"an entity rolls up within its unit: choose a parent in {e.unit}, "
                f"and list {parent.id} in co_owners if it is a co-owner",
            )
        )
    elif parent.node_type is not NodeType.GROUP:
        problems.append(
            Problem(
                where,
                f"entity {e.id} has parent {parent.id}, which is a {parent.node_type.value} entity, not a group",
                f'set type = "group" on {parent.id}',
            )
        )


def _cycles(parents: Mapping[str, str | None]) -> list[list[str]]:
    """The cycles in the parent links ``id → parent``, each once, in the order first met."""
    out: list[list[str]] = []
    reported: set[frozenset[str]] = set()
    for start in parents:
        path: list[str] = []
        cur: str | None = start
        while cur is not None and cur in parents and cur not in path:
            path.append(cur)
            cur = parents[cur]
        if cur is not None and cur in path:
            cycle = path[path.index(cur) :]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                out.append(cycle)
    return out


def _cycle(cycle: Sequence[str], when: str) -> Problem:
    chain = " → ".join([*cycle, cycle[0]])
    return Problem(
        f"entities {', '.join(sorted(cycle))}",
        f"parents form a cycle{when}: {chain}",
        f"break the cycle: one of {', '.join(sorted(cycle))} must have another parent (or none)",
    )


_CONFLICT = {EventKind.MERGE, EventKind.DISSOLVE, EventKind.CREATE}


def _check_events(
    events: Sequence[tuple[str, StructureEvent]],
    entities: Mapping[str, Entity],
    problems: list[Problem],
) -> None:
    """Each event names known entities that exist on its date; no conflicting events in a day.

    ``events`` are ``(origin, event)`` pairs sorted by date.
    """
    ended: dict[str, StructureEvent] = {}
    # an entity's first create event is its start, for the events before it in date order too
    created: dict[str, dt.date] = {}
    for _, ev in events:
        if ev.kind is EventKind.CREATE:
            created.setdefault(ev.entity, ev.date)
    same_day: dict[tuple[str, dt.date], list[StructureEvent]] = {}
    for origin, ev in events:
        where = f"event {ev.kind.value} of {ev.entity} on {ev.date} ({origin})"
        e = entities.get(ev.entity)
        if e is None:
            problems.append(
                Problem(
                    where,
                    f"event names unknown entity {ev.entity!r}",
                    "add the entity, or correct the id",
                )
            )
            continue
        if ev.target is not None and ev.target not in entities:
            problems.append(
                Problem(
                    where,
                    f"event names unknown target {ev.target!r}",
                    "add the target entity, or correct the id",
                )
            )
        _check_event_start(ev, e, where, created, problems)
        if ev.target is not None and ev.target in entities:
            _check_event_target(ev, entities[ev.target], where, created, ended, problems)
        if ev.entity in ended and ended[ev.entity].date < ev.date:
            gone = ended[ev.entity]
            problems.append(
                Problem(
                    where,
                    f"entity {ev.entity} was already {gone.kind.value}d on {gone.date}",
                    "remove the later event or correct the dates",
                )
            )
        same_day.setdefault((ev.entity, ev.date), []).append(ev)
        if ev.kind in (EventKind.MERGE, EventKind.DISSOLVE):
            ended.setdefault(ev.entity, ev)
    _check_same_day(same_day, problems)


def _check_event_start(
    ev: StructureEvent,
    e: Entity,
    where: str,
    created: Mapping[str, dt.date],
    problems: list[Problem],
) -> None:
    """The event is not before its entity exists (from its ``since``, or its first create event
    in ``created``); a create event agrees with ``since`` and is the entity's only one."""
    if ev.kind is EventKind.CREATE:
        if e.since is not None and e.since != ev.date:
            problems.append(
                Problem(
                    where,
                    f"entity {ev.entity} has since = {e.since} and a create event on {ev.date}",
                    "keep one start date",
                )
            )
        if created[ev.entity] != ev.date:
            problems.append(
                Problem(
                    where,
                    f"entity {ev.entity} is created twice: on {created[ev.entity]} and on {ev.date}",
                    "keep one create event",
                )
            )
    start = created.get(ev.entity, e.since)
    if start is not None and ev.date < start:
        problems.append(
            Problem(
                where,
                f"event on {ev.date} is before entity {ev.entity} exists (from {start})",
                "correct the event's date or the entity's since",
            )
        )


def _check_event_target(
    ev: StructureEvent,
    t: Entity,
    where: str,
    created: Mapping[str, dt.date],
    ended: Mapping[str, StructureEvent],
    problems: list[Problem],
) -> None:
    """The event's target exists on its date: created by then, not yet merged or dissolved."""
    t_start = created.get(t.id, t.since)
    if t_start is not None and ev.date < t_start:
        problems.append(
            Problem(
                where,
                f"target {ev.target} does not exist yet on {ev.date} (from {t_start})",
                "correct the event's date or the target's since",
            )
        )
    if t.id in ended and ended[t.id].date <= ev.date:
        gone = ended[t.id]
        problems.append(
            Problem(
                where,
                f"target {ev.target} was already {gone.kind.value}d on {gone.date}",
                f"point the event at {gone.target or 'an entity in force'}, or correct the dates",
            )
        )


def _check_same_day(
    same_day: Mapping[tuple[str, dt.date], Sequence[StructureEvent]], problems: list[Problem]
) -> None:
    """An entity's events of one day do not contradict each other (a create may be renamed)."""
    for (eid, date), evs in same_day.items():
        if len(evs) < 2:
            continue
        kinds = [ev.kind for ev in evs]
        conflict = any(k in _CONFLICT for k in kinds) and not (
            kinds.count(EventKind.CREATE) == 1
            and set(kinds) <= {EventKind.CREATE, EventKind.RENAME}
        )
        for k in (EventKind.RENAME, EventKind.TRANSFER):
            values = {(ev.name_zh, ev.name_en, ev.target, ev.unit) for ev in evs if ev.kind is k}
            conflict = conflict or len(values) > 1 or kinds.count(k) > 1
        if conflict:
            listed = ", ".join(
                f"{ev.kind.value}" + (f"→{ev.target}" if ev.target else "") for ev in evs
            )
            problems.append(
                Problem(
                    f"entity {eid} on {date}",
                    f"entity {eid} has conflicting events on the same day: {listed}",
                    "keep one event per change, or give them their real dates",
                )
            )


def _check_dated_cycles(structure: Structure) -> None:
    """After each day of transfers: no cycle of parents, no entity under a parent not in force."""
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    for date in sorted({ev.date for ev in structure.events if ev.kind is EventKind.TRANSFER}):
        states = structure.state_on(date)
        for cycle in _cycles({eid: st.parent for eid, st in states.items()}):
            if frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                problems.append(_cycle(cycle, f" after the transfers of {date}"))
        for st in states.values():
            if st.parent is not None and st.parent not in states:
                problems.append(
                    Problem(
                        f"entity {st.id}",
                        f"entity {st.id} is under {st.parent} on {date}, which is not in force then",
                        "transfer it before its parent is merged or dissolved",
                    )
                )
    if problems:
        raise StructureError(
            "the operating structure has problems after its dated events", problems=problems
        )
