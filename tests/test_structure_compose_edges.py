"""Composing a structure, check by check: each problem's place, message and fix, the layers'
precedence (registered, fallback, extra), and the composed structure's fields.

The problems are compared as whole lists, so a check that stops firing, fires twice or at the
wrong place fails, and so does one that fires where it should not.
"""

from __future__ import annotations

import datetime as dt

import pytest

from soeplan.structure.compose import StructureError, compose_structure
from soeplan.structure.dated import Structure
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)

UNITS = (CountyUnit("a", "甲", "A"), CountyUnit("b", "乙", "B"))
D1, D2, D3 = dt.date(2020, 3, 1), dt.date(2021, 3, 1), dt.date(2022, 3, 1)


def E(eid: str, unit: str = "a", **kw: object) -> Entity:
    return Entity(id=eid, name_zh=eid, unit=unit, **kw)  # type: ignore[arg-type]


def G(eid: str, unit: str = "a", **kw: object) -> Entity:
    return E(eid, unit, node_type=NodeType.GROUP, **kw)


def ev(date: dt.date, kind: str, entity: str, **kw: object) -> StructureEvent:
    return StructureEvent(date=date, kind=EventKind(kind), entity=entity, **kw)  # type: ignore[arg-type]


def build(
    entities: tuple[Entity, ...] = (),
    events: tuple[StructureEvent, ...] = (),
    **kw: object,
) -> Structure:
    kw.setdefault("units", UNITS)
    kw.setdefault("scopes", ())
    registered = [("reg", UnitStructure(unit="a", entities=entities, events=events))]
    return compose_structure(registered=registered, **kw)  # type: ignore[arg-type]


def problems(
    entities: tuple[Entity, ...] = (),
    events: tuple[StructureEvent, ...] = (),
    **kw: object,
) -> list[tuple[str, str, str]]:
    with pytest.raises(StructureError) as exc:
        build(entities, events, **kw)
    n = len(exc.value.problems)
    assert exc.value.message in (
        f"the operating structure has {n} problem{'s' if n != 1 else ''}",
        "the operating structure has problems after its dated events",
    )
    return [(p.where, p.what, p.fix) for p in exc.value.problems]


def whats(*args: object, **kw: object) -> list[str]:
    return [what for _, what, _ in problems(*args, **kw)]  # type: ignore[arg-type]


# ---------------------------------------------------------------- the composed structure


def test_the_composed_structure_carries_every_layer_and_its_origin() -> None:
    scope = ScopeComposition("all", ("a", "b"))
    s = compose_structure(
        units=UNITS,
        scopes=[scope],
        registered=[("reg", UnitStructure(unit="a", entities=(E("z"), G("g"))))],
        fallback=[
            ("sample", UnitStructure(unit="a", entities=(E("z"), E("k", parent="g")))),
            ("sample b", UnitStructure(unit="b", entities=(E("w", "b"),))),
        ],
        # an extra entity another layer has is skipped, and the ones after it are still added
        extra_entities=[("z", "a"), ("q", "b"), E("r", "b", name_en="R")],
    )
    assert list(s.units) == ["a", "b"] and s.scopes == {"all": scope}
    assert list(s.entities) == ["g", "k", "q", "r", "w", "z"]  # sorted by id
    assert s.origins == {
        "z": "reg",
        "g": "reg",
        "k": "sample",
        "w": "sample b",
        "q": "extra entities",
        "r": "extra entities",
    }
    assert s.entities["q"] == Entity(id="q", name_zh="q", unit="b")
    assert s.entities["r"].name_en == "R"
    assert s.registered_units == frozenset({"a"})
    assert s.events == ()


def test_events_are_ordered_by_date_entity_and_kind_and_fallback_events_only_for_its_ids() -> None:
    reg_events = (
        ev(D2, "rename", "y", name_zh="新"),
        ev(D1, "rename", "z", name_zh="新"),
        ev(D2, "create", "x"),
        ev(D2, "rename", "x", name_zh="新"),
    )
    fallback_events = (ev(D3, "dissolve", "y"), ev(D3, "dissolve", "k"))
    s = compose_structure(
        units=UNITS,
        scopes=(),
        registered=[("reg", UnitStructure(unit="a", entities=(E("x"), E("y"), E("z")), events=reg_events))],
        fallback=[("fb", UnitStructure(unit="a", entities=(E("y"), E("k")), events=fallback_events))],
    )  # fmt: skip
    assert [(e.date, e.entity, e.kind.value) for e in s.events] == [
        (D1, "z", "rename"),
        (D2, "x", "create"),
        (D2, "x", "rename"),
        (D2, "y", "rename"),
        (D3, "k", "dissolve"),  # the fallback's event about y is not taken: y is registered
    ]


def test_a_fallback_id_the_same_origin_lists_twice_is_a_duplicate() -> None:
    with pytest.raises(StructureError) as exc:
        compose_structure(
            units=UNITS,
            scopes=(),
            fallback=[("fb", UnitStructure(unit="a", entities=(E("x"), E("x"))))],
        )
    assert [(p.where, p.what) for p in exc.value.problems] == [
        ("entity x", "entity id x is defined twice: in fb and in fb")
    ]
    assert exc.value.problems[0].fix == (
        "keep one definition (ids must be unique across all structures)"
    )
    assert exc.value.message == "the operating structure has 1 problem"


def test_layers_naming_an_entity_in_another_unit() -> None:
    with pytest.raises(StructureError) as exc:
        compose_structure(
            units=UNITS,
            scopes=(),
            registered=[("reg", UnitStructure(unit="a", entities=(E("x"), E("y"))))],
            fallback=[("fb", UnitStructure(unit="b", entities=(E("x", "b"), E("y"))))],
            extra_entities=[("y", "b"), E("x", "a")],
        )
    assert [p.what for p in exc.value.problems] == [
        "entity x is in two units: a (reg) and b (fb)",
        "entity y is in two units: a (reg) and b (extra)",
    ]
    assert exc.value.message == "the operating structure has 2 problems"


def test_two_registrations_of_an_id() -> None:
    with pytest.raises(StructureError) as exc:
        compose_structure(
            units=UNITS,
            scopes=(),
            registered=[
                ("p1", UnitStructure(unit="a", entities=(G("g"), E("x", parent="g"), E("y")))),
                ("p2", UnitStructure(unit="a", entities=(E("x"), E("y", "b")))),
            ],
        )
    assert [(p.where, p.what) for p in exc.value.problems] == [
        ("entity x", "entity x has two parents at once: g (p1) and (none) (p2)"),
        ("entity y (p2)", "entity y says unit b but is registered in the structure of unit a"),
        ("entity y", "entity y is in two units: a (p1) and b (p2)"),
    ]
    assert exc.value.problems[1].fix == "register it in the structure of b, or correct its unit"


# ---------------------------------------------------------------- scopes and entities


def test_a_scope_naming_an_unknown_unit() -> None:
    assert problems(scopes=[ScopeComposition("s", ("a", "mars", "venus"))]) == [
        ("scope s", "scope s names unknown unit 'mars'", "use one of: a, b"),
        ("scope s", "scope s names unknown unit 'venus'", "use one of: a, b"),
    ]


def test_an_entity_in_an_unknown_unit_or_with_a_unit_or_scope_id() -> None:
    fb = [("fb", UnitStructure(unit="c", entities=(E("x", "c"),)))]
    scopes = [ScopeComposition("all", ("a",))]
    assert problems((E("b"), E("all")), fallback=fb, scopes=scopes) == [
        ("entity b (reg)", "entity id b is also the id of a unit or scope", "rename the entity"),
        (
            "entity all (reg)",
            "entity id all is also the id of a unit or scope",
            "rename the entity",
        ),
        ("entity x", "entity x names unknown unit 'c'", "use one of: a, b"),
    ]
    # without units, no unit is unknown
    s = compose_structure(units=(), scopes=(), fallback=fb)
    assert s.entities["x"].unit == "c"


def test_parents_unknown_in_another_unit_or_not_a_group() -> None:
    ents = (
        E("s"),
        E("x", parent="ghost"),
        E("y", parent="h"),
        E("z", parent="s"),
        E("dd", parent="d", node_type=NodeType.SINGLE),
        E("d", parent="g", node_type=NodeType.DIFFERENCE),
        G("g"),
    )
    got = problems(ents, fallback=[("fb", UnitStructure(unit="b", entities=(G("h", "b"),)))])
    assert got == [
        ("entity x (reg)", "entity x names unknown parent 'ghost'",
         "add the parent entity (or the plugin that registers it), or correct the id"),
        ("entity y (reg)", "entity y (unit a) has parent h in unit b",
         "an entity rolls up within its unit: choose a parent in a, and list h in co_owners if it is a co-owner"),
        ("entity z (reg)", "entity z has parent s, which is a single entity, not a group",
         'set type = "group" on s'),
        ("entity dd (reg)", "entity dd has parent d, which is a difference entity, not a group",
         'set type = "group" on d'),
        ("entity d (reg)", "difference unit d has children", "move the children to the group"),
    ]  # fmt: skip


def test_a_difference_unit_needs_a_parent_and_a_co_owner_must_be_known() -> None:
    ents = (E("d", node_type=NodeType.DIFFERENCE), E("x", co_owners=("d", "ghost", "nobody")))
    assert problems(ents) == [
        ("entity d (reg)", "difference unit d has no parent group",
         "set parent to the group whose eliminations it carries"),
        ("entity x (reg)", "entity x names unknown co-owner 'ghost'", "correct the id"),
        ("entity x (reg)", "entity x names unknown co-owner 'nobody'", "correct the id"),
    ]  # fmt: skip


def test_each_cycle_is_reported_once_in_the_order_first_met() -> None:
    ents = (
        G("p", parent="q"),
        G("q", parent="p"),
        G("r", parent="r2"),
        G("r2", parent="r3"),
        G("r3", parent="r"),
        E("tail", parent="r"),
    )
    got = problems(ents)
    assert got == [
        ("entities p, q", "parents form a cycle: p → q → p",
         "break the cycle: one of p, q must have another parent (or none)"),
        ("entities r, r2, r3", "parents form a cycle: r → r2 → r3 → r",
         "break the cycle: one of r, r2, r3 must have another parent (or none)"),
    ]  # fmt: skip


def test_a_self_parent_is_a_cycle_of_one() -> None:
    assert problems((G("p", parent="p"),)) == [
        ("entities p", "parents form a cycle: p → p",
         "break the cycle: one of p must have another parent (or none)"),
    ]  # fmt: skip


# ---------------------------------------------------------------- events


def test_an_event_naming_unknown_entities_is_not_checked_further() -> None:
    events = (ev(D1, "merge", "ghost", target="x"), ev(D1, "merge", "x", target="ghost"))
    assert problems((E("x"),), events) == [
        ("event merge of ghost on 2020-03-01 (reg)", "event names unknown entity 'ghost'",
         "add the entity, or correct the id"),
        ("event merge of x on 2020-03-01 (reg)", "event names unknown target 'ghost'",
         "add the target entity, or correct the id"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("day", "ok"), [(dt.date(2021, 1, 1), True), (dt.date(2020, 12, 31), False)]
)
def test_an_event_from_the_day_its_entity_exists(day: dt.date, ok: bool) -> None:
    ents = (E("x", since=dt.date(2021, 1, 1)),)
    events = (ev(day, "rename", "x", name_zh="新"),)
    if ok:
        assert build(ents, events).events == events
        return
    assert problems(ents, events) == [
        ("event rename of x on 2020-12-31 (reg)",
         "event on 2020-12-31 is before entity x exists (from 2021-01-01)",
         "correct the event's date or the entity's since"),
    ]  # fmt: skip


def test_a_create_event_sets_the_start_and_must_agree_with_since() -> None:
    assert problems((E("x", since=D1),), (ev(D2, "create", "x"),)) == [
        ("event create of x on 2021-03-01 (reg)",
         "entity x has since = 2020-03-01 and a create event on 2021-03-01", "keep one start date"),
    ]  # fmt: skip
    # a create on its since is fine, and so is a later event
    s = build((E("x", since=D2),), (ev(D2, "create", "x"), ev(D3, "dissolve", "x")))
    assert [e.kind for e in s.events] == [EventKind.CREATE, EventKind.DISSOLVE]
    # an entity starts once
    assert problems((E("x"),), (ev(D1, "create", "x"), ev(D2, "create", "x"))) == [
        ("event create of x on 2021-03-01 (reg)",
         "entity x is created twice: on 2020-03-01 and on 2021-03-01", "keep one create event"),
    ]  # fmt: skip


def test_an_event_before_its_entitys_create_event() -> None:
    # the create comes later in date order than the rename: the rename is still refused
    assert problems((E("x"),), (ev(D1, "rename", "x", name_zh="新"), ev(D2, "create", "x"))) == [
        ("event rename of x on 2020-03-01 (reg)",
         "event on 2020-03-01 is before entity x exists (from 2021-03-01)",
         "correct the event's date or the entity's since"),
    ]  # fmt: skip
    # and so is an event whose target is created later
    events = (ev(D1, "merge", "y", target="x"), ev(D2, "create", "x"))
    assert whats((E("x"), E("y")), events) == [
        "target x does not exist yet on 2020-03-01 (from 2021-03-01)"
    ]


def test_a_target_must_exist_on_the_events_date() -> None:
    ents = (E("x"), E("y", since=D2), E("t"))
    events = (
        ev(D1, "merge", "x", target="y"),  # y exists from D2
        ev(D2, "dissolve", "t"),
        ev(D2, "transfer", "y", target="t"),  # t dissolved that very day
    )
    assert problems(ents, events) == [
        ("event merge of x on 2020-03-01 (reg)",
         "target y does not exist yet on 2020-03-01 (from 2021-03-01)",
         "correct the event's date or the target's since"),
        ("event transfer of y on 2021-03-01 (reg)", "target t was already dissolved on 2021-03-01",
         "point the event at an entity in force, or correct the dates"),
    ]  # fmt: skip


def test_a_target_merged_away_points_at_its_absorber() -> None:
    ents = (E("x"), G("y"), G("big"))
    events = (ev(D1, "merge", "y", target="big"), ev(D2, "transfer", "x", target="y"))
    assert problems(ents, events) == [
        ("event transfer of x on 2021-03-01 (reg)", "target y was already merged on 2020-03-01",
         "point the event at big, or correct the dates"),
    ]  # fmt: skip


def test_a_target_created_by_an_event_exists_from_it() -> None:
    ents = (G("x"), E("y"))
    ok = build(ents, (ev(D2, "create", "x"), ev(D2, "transfer", "y", target="x")))
    assert len(ok.events) == 2
    assert whats(ents, (ev(D2, "create", "x"), ev(D1, "transfer", "y", target="x"))) == [
        "target x does not exist yet on 2020-03-01 (from 2021-03-01)"
    ]


def test_an_event_after_its_entity_has_gone() -> None:
    ents = (E("x"), E("y"))
    events = (
        ev(D1, "dissolve", "x"),
        ev(D2, "rename", "x", name_zh="新"),
        ev(D3, "merge", "x", target="y"),
    )
    assert problems(ents, events) == [
        ("event rename of x on 2021-03-01 (reg)", "entity x was already dissolved on 2020-03-01",
         "remove the later event or correct the dates"),
        ("event merge of x on 2022-03-01 (reg)", "entity x was already dissolved on 2020-03-01",
         "remove the later event or correct the dates"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kinds", "conflict"),
    [
        (("create", "rename"), False),
        (("rename", "create"), False),
        (("create", "create"), True),
        (("merge", "rename"), True),
        (("dissolve", "rename"), True),
        (("create", "dissolve"), True),
        (("rename", "rename"), True),
        (("transfer", "transfer"), True),
        (("rename", "transfer"), False),
    ],
)
def test_an_entitys_events_of_one_day(kinds: tuple[str, str], conflict: bool) -> None:
    ents = (E("x"), G("g"), G("h"))
    fields = {
        "rename": {"name_zh": "新"},
        "transfer": {"target": "g"},
        "merge": {"target": "h"},
    }
    events = tuple(ev(D1, k, "x", **fields.get(k, {})) for k in kinds)
    if not conflict:
        assert len(build(ents, events).events) == 2
        return
    got = problems(ents, events)
    # the conflict alone: an event the same day as a merger or dissolution is not also "after" it
    assert len(got) == 1
    assert got[-1][:2] == (
        "entity x on 2020-03-01",
        "entity x has conflicting events on the same day: "
        + ", ".join(
            k + (f"→{fields[k]['target']}" if "target" in fields.get(k, {}) else "")
            for k in sorted(kinds, key=str)
        ),
    )
    assert got[-1][2] == "keep one event per change, or give them their real dates"


def test_one_entitys_events_on_different_days_or_two_entities_on_one_day_do_not_conflict() -> None:
    ents = (E("x"), E("y"))
    events = (ev(D1, "create", "x"), ev(D1, "create", "y"), ev(D2, "dissolve", "x"))
    assert len(build(ents, events).events) == 3


def test_a_dissolve_then_a_merge_keeps_the_first_end() -> None:
    ents = (E("x"), E("y"))
    events = (ev(D1, "dissolve", "x"), ev(D2, "dissolve", "x"), ev(D3, "merge", "x", target="y"))
    assert whats(ents, events) == ["entity x was already dissolved on 2020-03-01"] * 2


def test_after_the_transfers_no_cycle_and_no_parent_out_of_force() -> None:
    ents = (G("p"), G("q", parent="p"), E("c", parent="g"), G("g"))
    with pytest.raises(StructureError) as exc:
        build(ents, (ev(D2, "transfer", "p", target="q"),))
    assert exc.value.message == "the operating structure has problems after its dated events"
    assert [(p.where, p.what) for p in exc.value.problems] == [
        ("entities p, q", "parents form a cycle after the transfers of 2021-03-01: p → q → p"),
    ]
    # g dissolved while c is still under it: named on the next transfer's day
    events = (ev(D1, "dissolve", "g"), ev(D2, "transfer", "q", target="g2"))
    with pytest.raises(StructureError) as exc:
        build((*ents, G("g2")), events)
    assert [(p.where, p.what, p.fix) for p in exc.value.problems] == [
        ("entity c", "entity c is under g on 2021-03-01, which is not in force then",
         "transfer it before its parent is merged or dissolved"),
    ]  # fmt: skip
    # with c moved away first, all is well
    moved = (ev(D1, "transfer", "c", target="p"), *events)
    assert len(build((*ents, G("g2")), moved).events) == 3


def test_each_day_of_an_entitys_events_is_checked_after_a_quiet_one() -> None:
    ents = (E("x"), G("g"), G("h"))
    events = (
        ev(D1, "rename", "x", name_zh="新"),
        ev(D2, "transfer", "x", target="g"),
        ev(D2, "transfer", "x", target="h"),
    )
    assert whats(ents, events) == [
        "entity x has conflicting events on the same day: transfer→g, transfer→h"
    ]


def test_a_cycle_that_lasts_over_several_transfer_days_is_reported_once() -> None:
    ents = (G("p"), G("q", parent="p"), G("r"), E("s"))
    events = (ev(D1, "transfer", "p", target="q"), ev(D2, "transfer", "s", target="r"))
    with pytest.raises(StructureError) as exc:
        build(ents, events)
    assert [p.what for p in exc.value.problems] == [
        "parents form a cycle after the transfers of 2020-03-01: p → q → p"
    ]
