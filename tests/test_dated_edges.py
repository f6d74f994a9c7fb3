"""The dated structure at its edges: what is in force on the last day of a year, what a rename,
a transfer and a merge carry over, and what the snapshots and discovered entities keep.

A structure is in force at the *end* of a year (31 December): a change dated that day counts
for the year, one dated 1 January the next does not. A mutation run of ``structure/dated.py``
found these edges unpinned.
"""

from __future__ import annotations

import datetime as dt

from soeplan import Entity, EventKind, FunctionalClass, Structure, StructureEvent

END_2021 = dt.date(2021, 12, 31)
NEXT_DAY = dt.date(2022, 1, 1)


def _structure(*entities: Entity, events: tuple[StructureEvent, ...] = ()) -> Structure:
    return Structure(
        units={},
        scopes={},
        entities={e.id: e for e in entities},
        events=tuple(sorted(events, key=lambda ev: ev.date)),
    )


def test_an_entity_since_the_last_day_of_a_year_is_in_that_year() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", unit="u", since=END_2021),
        Entity(id="b", name_zh="乙", unit="u", since=NEXT_DAY),
        Entity(id="c", name_zh="丙", unit="u"),
    )
    assert set(s.at(2021)) == {"a", "c"}
    assert set(s.at(2022)) == {"a", "b", "c"}


def test_a_create_event_counts_from_its_date_and_only_for_its_entity() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", unit="u"),
        Entity(id="b", name_zh="乙", unit="u"),
        Entity(id="c", name_zh="丙", unit="u"),
        events=(
            StructureEvent(date=END_2021, kind=EventKind.CREATE, entity="a"),
            StructureEvent(date=NEXT_DAY, kind=EventKind.CREATE, entity="b"),
        ),
    )
    assert set(s.at(2021)) == {"a", "c"}  # c has no create event: it always existed
    assert set(s.at(2020)) == {"c"}


def test_a_snapshot_carries_every_attribute_of_the_entity() -> None:
    e = Entity(
        id="a",
        name_zh="甲",
        name_en="Alpha",
        unit="u",
        functional_class=FunctionalClass.COMMERCIAL_1,
        credit_code="91350100M000100Y43",
    )
    st = _structure(e).at(2021)["a"]
    assert (st.name_en, st.functional_class, st.credit_code) == (
        "Alpha",
        FunctionalClass.COMMERCIAL_1,
        "91350100M000100Y43",
    )


def test_the_name_in_each_language() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", name_en="Alpha", unit="u"),
        Entity(id="b", name_zh="乙", unit="u"),
    ).at(2021)
    assert (s["a"].name("zh"), s["a"].name("en"), s["a"].name()) == ("甲", "Alpha", "甲")
    assert s["b"].name("en") == "乙"  # no English name: the Chinese one


def test_a_rename_carries_the_english_name_only_when_it_gives_one() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", name_en="Alpha", unit="u"),
        Entity(id="b", name_zh="乙", name_en="Beta", unit="u"),
        events=(
            StructureEvent(date=END_2021, kind=EventKind.RENAME, entity="a", name_zh="新甲"),
            StructureEvent(
                date=END_2021, kind=EventKind.RENAME, entity="b", name_zh="新乙", name_en="New B"
            ),
        ),
    )
    y = s.at(2021)
    assert (y["a"].name_zh, y["a"].name_en) == ("新甲", "Alpha")
    assert (y["b"].name_zh, y["b"].name_en) == ("新乙", "New B")
    assert s.at(2020)["a"].name_zh == "甲"


def test_a_transfer_takes_the_new_parents_unit_unless_it_names_one() -> None:
    s = _structure(
        Entity(id="g", name_zh="集团", unit="v"),
        Entity(id="a", name_zh="甲", unit="u"),
        Entity(id="a1", name_zh="甲一", unit="u", parent="a"),
        Entity(id="b", name_zh="乙", unit="u"),
        events=(
            StructureEvent(date=END_2021, kind=EventKind.TRANSFER, entity="a", target="g"),
            StructureEvent(
                date=END_2021, kind=EventKind.TRANSFER, entity="b", target="nowhere", unit="w"
            ),
        ),
    )
    y = s.at(2021)
    assert (y["a"].parent, y["a"].unit) == ("g", "v")
    assert y["a1"].unit == "v"  # children follow their parent into its unit
    assert (y["b"].parent, y["b"].unit) == ("nowhere", "w")
    assert s.at(2020)["a"].unit == "u"


def test_a_merge_on_the_last_day_of_a_year_sends_the_figures_on_that_year() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", unit="u"),
        Entity(id="b", name_zh="乙", unit="u"),
        Entity(id="c", name_zh="丙", unit="u"),
        Entity(id="d", name_zh="丁", unit="u"),
        events=(
            StructureEvent(date=END_2021, kind=EventKind.MERGE, entity="a", target="b"),
            StructureEvent(date=dt.date(2022, 6, 1), kind=EventKind.MERGE, entity="b", target="c"),
            # dissolved before another entity's merge that year: still nowhere, not "c"
            StructureEvent(date=dt.date(2022, 3, 1), kind=EventKind.DISSOLVE, entity="d"),
        ),
    )
    assert s.successor("a", 2020) == "a"
    assert s.successor("a", 2021) == "b"
    assert s.successor("a", 2022) == "c"  # followed through the chain
    assert s.successor("b", 2021) == "b"
    assert s.successor("d", 2022) is None  # dissolved: nowhere
    assert "a" not in s.at(2021) and "d" not in s.at(2022)


def test_children_and_ancestors() -> None:
    snap = _structure(
        Entity(id="g", name_zh="集团", unit="u"),
        Entity(id="a", name_zh="甲", unit="u", parent="g"),
        Entity(id="a1", name_zh="甲一", unit="u", parent="a"),
    ).at(2021)
    assert snap.children("g") == ("a",)
    assert snap.children("a1") == ()
    assert snap.ancestors("a1") == ("a", "g")
    assert snap.ancestors("g") == ()


def test_snapshots_are_per_year() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", unit="u"),
        events=(StructureEvent(date=NEXT_DAY, kind=EventKind.RENAME, entity="a", name_zh="新"),),
    )
    first, second = s.at(2021), s.at(2022)
    assert (first.year, second.year) == (2021, 2022)
    assert (first["a"].name_zh, second["a"].name_zh) == ("甲", "新")
    assert s.at(2021) is first  # the cache gives the same snapshot back
    assert s.at(2020).year == 2020  # same entities as 2021, its own year


def test_discovered_entities_are_added_flat_and_marked() -> None:
    s = _structure(Entity(id="a", name_zh="甲", unit="u"))
    more = s.with_entities([("a", "other"), ("new", "v")])
    assert more.entities["a"].unit == "u"  # known ids are left alone
    assert (more.entities["new"].name_zh, more.entities["new"].unit) == ("new", "v")
    assert more.origins["new"] == "observations"
    assert more.discovered == frozenset({"new"})
    assert "new" in more.at(2021) and "new" not in s.at(2021)
    again = more.with_entities([("newer", "v")])
    assert again.discovered == frozenset({"new", "newer"})
    assert s.with_entities([("a", "u")]) is s


def test_an_entity_whose_parent_is_not_in_force_is_a_root() -> None:
    s = _structure(
        Entity(id="g", name_zh="集团", unit="u", since=NEXT_DAY),
        Entity(id="a", name_zh="甲", unit="u", parent="g"),
    )
    snap = s.at(2021)
    assert snap.roots("u") == ("a",) and snap.children_map[None] == ("a",)
    assert s.at(2022).roots("u") == ("g",)


def test_an_entity_both_dated_and_created_later_is_left_out_quietly() -> None:
    s = _structure(
        Entity(id="a", name_zh="甲", unit="u", since=NEXT_DAY),
        Entity(id="b", name_zh="乙", unit="u"),
        events=(StructureEvent(date=NEXT_DAY, kind=EventKind.CREATE, entity="a"),),
    )
    assert set(s.at(2021)) == {"b"}
    assert set(s.at(2022)) == {"a", "b"}


def test_a_transfer_to_a_parent_not_in_force_keeps_the_entitys_unit() -> None:
    s = _structure(
        Entity(id="c", name_zh="丙", unit="u"),
        events=(StructureEvent(date=END_2021, kind=EventKind.TRANSFER, entity="c", target="gone"),),
    )
    assert s.at(2021)["c"].unit == "u"
