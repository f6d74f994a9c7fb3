"""The dated structure: units, scopes, entities and the events that change them over time.

A :class:`Structure` is composed and checked by :func:`~soeplan.structure.compose.compose_structure`
(the city's by :func:`~soeplan.structure.city.city_structure`). :meth:`Structure.at` applies the
dated events up to the end of a year and returns a :class:`Snapshot`: the entities in force then,
each an :class:`EntityState` (its name, unit and parent after the renames and transfers so far).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from soeplan.errors import UnknownNameError
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    ScopeComposition,
    StructureEvent,
)

__all__ = ["EntityState", "Snapshot", "Structure"]


@attrs.frozen(kw_only=True)
class EntityState:
    """An entity as it stands at a date: after the renames and transfers up to then."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    parent: str | None
    node_type: NodeType
    functional_class: FunctionalClass | None
    credit_code: str | None
    co_owners: tuple[str, ...]
    synthetic: bool

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" or not self.name_en else self.name_en


@attrs.frozen
class Snapshot(Mapping[str, EntityState]):
    """The entities in force at the end of a year: id → :class:`EntityState`."""

    year: int
    entities: Mapping[str, EntityState]
    _children: Mapping[str | None, tuple[str, ...]] | None = attrs.field(
        default=None, eq=False, repr=False, alias="children_map"
    )

    def __attrs_post_init__(self) -> None:
        if self._children is not None:
            return
        kids: dict[str | None, list[str]] = {}
        for e in self.entities.values():
            parent = e.parent if e.parent in self.entities else None
            kids.setdefault(parent, []).append(e.id)
        object.__setattr__(
            self, "_children", MappingProxyType({k: tuple(sorted(v)) for k, v in kids.items()})
        )

    def __getitem__(self, key: str) -> EntityState:
        return self.entities[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entities)

    def __len__(self) -> int:
        return len(self.entities)

    @property
    def _kids(self) -> Mapping[str | None, tuple[str, ...]]:
        assert self._children is not None
        return self._children

    @property
    def children_map(self) -> Mapping[str | None, tuple[str, ...]]:
        """Parent id (``None`` for top-level entities) → its children in force, sorted."""
        return self._kids

    def children(self, entity_id: str) -> tuple[str, ...]:
        """The direct children of ``entity_id`` in force, sorted."""
        return self._kids.get(entity_id, ())

    def roots(self, unit: str) -> tuple[str, ...]:
        """The top-level entities of ``unit`` (no parent in force), sorted."""
        return tuple(i for i in self._kids.get(None, ()) if self.entities[i].unit == unit)

    def entities_of_unit(self, unit: str) -> tuple[str, ...]:
        return tuple(sorted(i for i, e in self.entities.items() if e.unit == unit))

    def leaves(self) -> tuple[str, ...]:
        """Entities with no children in force, sorted."""
        return tuple(sorted(i for i in self.entities if i not in self._kids))

    def ancestors(self, entity_id: str) -> tuple[str, ...]:
        """Parent, grandparent, … of ``entity_id`` (nearest first)."""
        out: list[str] = []
        p = self.entities[entity_id].parent
        while p is not None and p in self.entities and p not in out:
            out.append(p)
            p = self.entities[p].parent
        return tuple(out)


def _end_of(year: int) -> dt.date:
    return dt.date(year, 12, 31)


# --------------------------------------------------------------------------- the structure


@attrs.frozen(kw_only=True)
class Structure:
    """The composed, checked, dated structure: units, scopes, entities and events.

    ``origins`` says where each entity came from (a file, a plugin, or ``observations``);
    ``registered_units`` are the units with a structure registered through the hook.
    """

    units: Mapping[str, CountyUnit]
    scopes: Mapping[str, ScopeComposition]
    entities: Mapping[str, Entity]
    events: tuple[StructureEvent, ...]
    origins: Mapping[str, str] = attrs.field(factory=dict)
    registered_units: frozenset[str] = frozenset()
    discovered: frozenset[str] = frozenset()
    #: the structure's own snapshots by year, computed on first use (nothing else writes here)
    _cache: dict[Any, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def at(self, year: int) -> Snapshot:
        """The entities in force at the end of ``year``."""
        snap = self._cache.get(year)
        if snap is None:
            sig = ("signature", self.signature(year))
            same = self._cache.get(sig)
            if same is None:
                snap = Snapshot(year, MappingProxyType(self._states(_end_of(year))))
                self._cache[sig] = snap
            else:
                snap = Snapshot(year, same.entities, children_map=same._children)
            self._cache[year] = snap
        return snap

    def signature(self, year: int) -> tuple[int, int]:
        """Years with the same signature have the same entities in force (a cheap cache key)."""
        dates = self._cache.get("dates")
        if dates is None:
            dates = self._cache["dates"] = (
                sorted(ev.date for ev in self.events),
                sorted(e.since for e in self.entities.values() if e.since is not None),
            )
        end = _end_of(year)
        return (bisect.bisect_right(dates[0], end), bisect.bisect_right(dates[1], end))

    def state_on(self, date: dt.date) -> dict[str, EntityState]:
        """The entities in force on ``date`` (after that day's events)."""
        return self._states(date)

    def _states(self, date: dt.date) -> dict[str, EntityState]:
        states: dict[str, EntityState] = {}
        for e in self.entities.values():
            if e.since is not None and e.since > date:
                continue
            states[e.id] = EntityState(
                id=e.id,
                name_zh=e.name_zh,
                name_en=e.name_en,
                unit=e.unit,
                parent=e.parent,
                node_type=e.node_type,
                functional_class=e.functional_class,
                credit_code=e.credit_code,
                co_owners=e.co_owners,
                synthetic=e.synthetic,
            )
        created = {ev.entity for ev in self.events if ev.kind is EventKind.CREATE}
        for eid in created:
            first = min(
                ev.date for ev in self.events if ev.kind is EventKind.CREATE and ev.entity == eid
            )
            if first > date:
                states.pop(eid, None)
        for ev in self.events:  # sorted by date
            if ev.date > date:
                break
            st = states.get(ev.entity)
            if st is None:
                continue
            if ev.kind in (EventKind.MERGE, EventKind.DISSOLVE):
                del states[ev.entity]
            elif ev.kind is EventKind.RENAME:
                states[ev.entity] = attrs.evolve(
                    st, name_zh=ev.name_zh or st.name_zh, name_en=ev.name_en or st.name_en
                )
            elif ev.kind is EventKind.TRANSFER:
                states[ev.entity] = attrs.evolve(
                    st, parent=ev.target, unit=ev.unit or self._unit_of(ev.target, states, st.unit)
                )
        # entities under a transferred entity follow it into its new unit
        for eid, st in list(states.items()):
            root = st
            seen = {eid}
            while root.parent in states and root.parent not in seen:
                seen.add(root.parent)
                root = states[root.parent]
            if root.unit != st.unit and st.parent is not None:
                states[eid] = attrs.evolve(st, unit=root.unit)
        return states

    @staticmethod
    def _unit_of(target: str | None, states: Mapping[str, EntityState], default: str) -> str:
        if target is not None and target in states:
            return states[target].unit
        return default

    def history(self, entity_id: str) -> tuple[StructureEvent, ...]:
        """The events that concern ``entity_id`` (as the entity or as the target), by date."""
        if entity_id not in self.entities:
            raise UnknownNameError(
                f"no entity {entity_id!r} in the structure; check the id (ids are case-sensitive)"
            )
        return tuple(ev for ev in self.events if entity_id in (ev.entity, ev.target))

    def successor(self, entity_id: str, year: int) -> str | None:
        """Where ``entity_id``'s figures belong at the end of ``year``: itself while in force,
        the absorbing entity after a merge (followed through chains), ``None`` once dissolved."""
        snap = self.at(year)
        current: str | None = entity_id
        seen: set[str] = set()
        while current is not None and current not in snap and current not in seen:
            seen.add(current)
            merged = [
                ev
                for ev in self.events
                if ev.entity == current and ev.kind is EventKind.MERGE and ev.date <= _end_of(year)
            ]
            current = merged[-1].target if merged else None
        return current

    def as_of(self, date: dt.date) -> Structure:
        """This structure as it stands on ``date``: later events and entities left out.

        The rollup reads a year's structure at its end; a month's figures are rolled up in the
        structure of the month's end (:func:`soeplan.consolidation.period.rollup_period`), so
        the structure as of that day's end is the one whose year ``date.year`` ends there. An
        entity created later (``since`` or a create event after ``date``) is not yet in it.
        """
        later = {
            ev.entity
            for ev in self.events
            if ev.kind is EventKind.CREATE
            and ev.date > date
            and not any(
                e.kind is EventKind.CREATE and e.entity == ev.entity and e.date <= date
                for e in self.events
            )
        }
        later |= {e.id for e in self.entities.values() if e.since is not None and e.since > date}
        events = tuple(ev for ev in self.events if ev.date <= date and ev.entity not in later)
        if not later and len(events) == len(self.events):
            return self
        return attrs.evolve(
            self,
            entities=MappingProxyType({k: e for k, e in self.entities.items() if k not in later}),
            events=events,
            cache={},
        )

    def with_entities(self, extra: Iterable[tuple[str, str]]) -> Structure:
        """This structure plus flat entities ``(id, unit)`` discovered in observations (ids it
        already has are left alone)."""
        new = {eid: unit for eid, unit in extra if eid not in self.entities}
        if not new:
            return self
        entities = dict(self.entities)
        origins = dict(self.origins)
        for eid, unit in sorted(new.items()):
            entities[eid] = Entity(id=eid, name_zh=eid, unit=unit)
            origins[eid] = "observations"
        return attrs.evolve(
            self,
            entities=MappingProxyType(entities),
            origins=MappingProxyType(origins),
            discovered=self.discovered | frozenset(new),
            cache={},
        )
