"""Load, check and compose dated operating structures.

A structure file (TOML, see ``docs/reference/structure-format.md``) holds county-level units,
scope compositions, entities and dated events. :func:`load_structure_file` reads one file and
reports every problem of that file at once (:class:`~soeplan.errors.DataFileError`).
:func:`city_structure` composes the city file's units and scopes with the
:class:`~soeplan.structure.records.UnitStructure` records registered through the ``soeplan_structures``
hook (authoritative for their unit) and fallback entity lists (the bundled sample's, or entities
discovered in observations), checks the whole (cycles, two parents, unknown names, contradicting
dates, an entity in two units) and returns a frozen :class:`Structure`.

>>> s = city_structure(sample=True)
>>> s.at(2020)["mun.jiaotou"].name_zh
'交投集团'
>>> s.at(2023)["mun.jiaotou"].name_zh
'衢通发展集团'
>>> s.at(2020)["mun.guozi.bus"].parent, s.at(2021)["mun.guozi.bus"].parent
('mun.guozi', 'mun.jiaotou')

"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from soeplan._toml import read_toml
from soeplan.context import current
from soeplan.errors import DataFileError, Problem, SoeplanError
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = [
    "EntityState",
    "Snapshot",
    "Structure",
    "StructureError",
    "StructureFile",
    "check_credit_code",
    "city_structure",
    "compose_structure",
    "load_structure_file",
]


class StructureError(SoeplanError):
    """The composed structure is inconsistent (problems across files or plugins)."""


# --------------------------------------------------------------------------- credit codes

_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_credit_code(code: str) -> str | None:
    """Check an 18-character unified social credit code (GB 32100-2015).

    Returns ``None`` when the code is well formed, else what is wrong. The check digit is
    ``31 − (Σ value·weight mod 31)`` over the first 17 characters (``31`` written as ``0``), with
    the weights ``3^i mod 31`` and the 31-character alphabet without I, O, Z, S, V.

    >>> check_credit_code("91350100M000100Y43") is None
    True
    >>> check_credit_code("91350100M000100Y44")
    'check digit is 4, expected 3'
    """
    if len(code) != 18:
        return f"has {len(code)} characters, expected 18"
    bad = sorted({c for c in code if c not in _CC_CHARS})
    if bad:
        return f"contains {''.join(bad)!r}, not allowed (digits and A–Y without I, O, S, V, Z)"
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(code[:17], _CC_WEIGHTS, strict=True))
    expected = _CC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"check digit is {code[17]}, expected {expected}"
    return None


# --------------------------------------------------------------------------- one file


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
}
_EVENT_KEYS = {"date", "kind", "entity", "target", "name_zh", "unit", "source", "note"}


def _unknown_keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> list[Problem]:
    return [
        Problem(
            f"{where}.{k}",
            f"unknown key {k!r}",
            f"remove it or correct the spelling; known keys: {', '.join(sorted(allowed))}",
        )
        for k in raw
        if k not in allowed
    ]


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
    problems += _unknown_keys(raw, _ENTITY_KEYS, where)
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
    )


def _parse_event(
    raw: Mapping[str, Any], where: str, problems: list[Problem]
) -> StructureEvent | None:
    problems += _unknown_keys(raw, _EVENT_KEYS, where)
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
    unit = _text(raw, "unit", where, problems)
    if kind in (EventKind.MERGE, EventKind.TRANSFER) and target is None:
        what = "the absorbing entity" if kind is EventKind.MERGE else "the new parent"
        problems.append(
            Problem(
                f"{where}.target", f"a {kind.value} event needs a target", f"set target to {what}"
            )
        )
    if kind is EventKind.RENAME and name_zh is None:
        problems.append(
            Problem(f"{where}.name_zh", "a rename event needs the new name", "set name_zh")
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
    problems: list[Problem] = _unknown_keys(raw, _TOP_KEYS, "file")
    if raw.get("format", 1) != 1:
        problems.append(
            Problem("format", f"format {raw.get('format')!r} is not supported", "use format = 1")
        )
    head = raw.get("structure", {})
    if not isinstance(head, dict):
        problems.append(Problem("structure", "[structure] must be a table", "write [structure]"))
        head = {}
    problems += _unknown_keys(head, _STRUCTURE_KEYS, "structure")
    synthetic = bool(head.get("synthetic", False))

    units: list[CountyUnit] = []
    for i, t in enumerate(_tables(raw, "unit", problems)):
        where = f"unit[{i}]"
        problems += _unknown_keys(t, _UNIT_KEYS, where)
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

    scopes: list[ScopeComposition] = []
    unit_ids = {u.id for u in units}
    for i, t in enumerate(_tables(raw, "scope", problems)):
        where = f"scope[{i}]"
        problems += _unknown_keys(t, _SCOPE_KEYS, where)
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
            problems.append(_two_units(e.id, other.unit, e.unit, str(path), str(path)))
        elif other.parent != e.parent:
            problems.append(_two_parents(e.id, other.parent, e.parent, str(path), str(path)))
        else:
            problems.append(
                Problem(f"entity {e.id}", f"entity id {e.id} is listed twice", "remove one of them")
            )
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

    by_unit: dict[str, list[Entity]] = {}
    for e in entities:
        by_unit.setdefault(e.unit, []).append(e)
    unit_of = {e.id: e.unit for e in entities}
    ev_by_unit: dict[str, list[StructureEvent]] = {}
    for ev in events:
        ev_by_unit.setdefault(unit_of.get(ev.entity, ev.unit or ""), []).append(ev)
    structures = tuple(
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
        unit_structures=structures,
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


# --------------------------------------------------------------------------- snapshots


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

    @property
    def memo(self) -> dict[Any, Any]:
        """A cache for tables derived from this (frozen) structure, e.g. by the rollup."""
        return self._cache

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
            elif ev.kind is EventKind.RENAME and ev.name_zh:
                states[ev.entity] = attrs.evolve(st, name_zh=ev.name_zh)
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
            from soeplan.errors import UnknownNameError

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


# --------------------------------------------------------------------------- composing


@attrs.frozen
class _Layer:
    origin: str
    structure: UnitStructure


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
    for s in scope_map.values():
        for u in s.units:
            if u not in unit_map:
                problems.append(
                    Problem(
                        f"scope {s.scope}",
                        f"scope {s.scope} names unknown unit {u!r}",
                        f"use one of: {', '.join(sorted(unit_map))}",
                    )
                )
    entities: dict[str, Entity] = {}
    origins: dict[str, str] = {}
    events: list[tuple[str, StructureEvent]] = []
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

    _check_entities(entities, origins, unit_map, scope_map, problems)
    ordered = sorted(events, key=lambda p: (p[1].date, p[1].entity, p[1].kind.value))
    _check_events(ordered, entities, origins, problems)
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
    _check_dated_cycles(structure, origins)
    return structure


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
            parent = entities.get(e.parent)
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
    reported: set[frozenset[str]] = set()
    for start in entities:
        path: list[str] = []
        cur: str | None = start
        while cur is not None and cur in entities and cur not in path:
            path.append(cur)
            cur = entities[cur].parent
        if cur is not None and cur in path:
            cycle = path[path.index(cur) :]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                problems.append(_cycle(cycle, ""))


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
    origins: Mapping[str, str],
    problems: list[Problem],
) -> None:
    ended: dict[str, StructureEvent] = {}
    created: dict[str, dt.date] = {}
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
        start = e.since
        if ev.kind is EventKind.CREATE:
            if e.since is not None and e.since != ev.date:
                problems.append(
                    Problem(
                        where,
                        f"entity {ev.entity} has since = {e.since} and a create event on {ev.date}",
                        "keep one start date",
                    )
                )
            created[ev.entity] = ev.date
        start = created.get(ev.entity, start)
        if start is not None and ev.date < start:
            problems.append(
                Problem(
                    where,
                    f"event on {ev.date} is before entity {ev.entity} exists (from {start})",
                    "correct the event's date or the entity's since",
                )
            )
        if ev.target is not None and ev.target in entities:
            t = entities[ev.target]
            t_start = created.get(ev.target, t.since)
            if t_start is not None and ev.date < t_start:
                problems.append(
                    Problem(
                        where,
                        f"target {ev.target} does not exist yet on {ev.date} (from {t_start})",
                        "correct the event's date or the target's since",
                    )
                )
            if ev.target in ended and ended[ev.target].date <= ev.date:
                gone = ended[ev.target]
                problems.append(
                    Problem(
                        where,
                        f"target {ev.target} was already {gone.kind.value}d on {gone.date}",
                        f"point the event at {gone.target or 'an entity in force'}, or correct the dates",
                    )
                )
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
    for (eid, date), evs in same_day.items():
        if len(evs) < 2:
            continue
        kinds = [ev.kind for ev in evs]
        conflict = any(k in _CONFLICT for k in kinds) and not (
            kinds.count(EventKind.CREATE) == 1
            and set(kinds) <= {EventKind.CREATE, EventKind.RENAME}
        )
        for k in (EventKind.RENAME, EventKind.TRANSFER):
            values = {(ev.name_zh, ev.target, ev.unit) for ev in evs if ev.kind is k}
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


def _check_dated_cycles(structure: Structure, origins: Mapping[str, str]) -> None:
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    for date in sorted({ev.date for ev in structure.events if ev.kind is EventKind.TRANSFER}):
        states = structure.state_on(date)
        for start in states:
            path: list[str] = []
            cur: str | None = start
            while cur is not None and cur in states and cur not in path:
                path.append(cur)
                cur = states[cur].parent
            if cur is not None and cur in path:
                cycle = path[path.index(cur) :]
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


# --------------------------------------------------------------------------- the city


def _data_path(*parts: str) -> Path:
    return Path(str(resources.files("soeplan").joinpath("data", *parts)))


CITY_STRUCTURE_PATH = _data_path("structures", "quzhou.toml")
SAMPLE_STRUCTURE_FILE = _data_path("sample", "structure.toml")


def city_file() -> StructureFile:
    """The core's city structure file (units, scopes, municipal groups)."""
    return load_structure_file(CITY_STRUCTURE_PATH)


def city_structure(
    *,
    sample: bool = False,
    registry: Registry | None = None,
    extra_entities: Iterable[tuple[str, str] | Entity] | None = None,
    city: Path | str | None = None,
    fallback_files: Sequence[Path | str] = (),
) -> Structure:
    """The composed structure of the city.

    Units and scopes come from the city file (``city``, default the core's); unit structures
    from the registry's ``soeplan_structures`` records (the core registers the municipal groups);
    with ``sample=True`` the bundled sample's entity list fills in what the registered layer
    lacks, then ``fallback_files``, then ``extra_entities``.
    """
    reg = current(registry)
    base = load_structure_file(city) if city is not None else city_file()
    registered: list[tuple[str, UnitStructure]] = []
    structures: Mapping[str, UnitStructure] = getattr(reg, "structures", {})
    for us in structures.values():
        origin = f"plugin {us.provider}" if us.provider is not None else "registered"
        if city is not None and any(f.unit == us.unit for f in base.unit_structures):
            continue  # an explicit city file replaces the registered structure of its units
        registered.append((origin, us))
    if city is not None:
        registered += [(base.path, us) for us in base.unit_structures]
    fallback: list[tuple[str, UnitStructure]] = []
    files = [SAMPLE_STRUCTURE_FILE] if sample else []
    files += [Path(p) for p in fallback_files]
    for path in files:
        f = load_structure_file(path)
        fallback += [(f.path, us) for us in f.unit_structures]
    return compose_structure(
        units=base.units,
        scopes=base.scopes,
        registered=registered,
        fallback=fallback,
        extra_entities=extra_entities or (),
    )
