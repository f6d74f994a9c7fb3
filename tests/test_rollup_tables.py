"""The rollup's per-year tables (:mod:`soeplan.consolidation.tables`): what each node is and the
steps its figures are added along.

- A unit in no scope has its total, and no scope counts it; a structure with no scope at all
  rolls up to its units.
- A unit's own figure is checked after its groups' gaps are booked to their difference units
  (units come after every group in the deepest-first order).
- An entity out of force in a year rolls up flat under its unit with the names the structure
  gives it, warned by entity, then year; an entity the structure does not know is named by its
  id.
- A child whose group is not yet in force counts toward its unit that year, not toward the group.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

import soeplan
from _structures import small_structure
from soeplan import (
    CountyUnit,
    Entity,
    EventKind,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
    compose_structure,
)
from soeplan.consolidation.rollup import rollup


def obs(rows: list[tuple[str, str, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(u, e, y, "total_assets", v) for u, e, y, v in rows],
        schema=["unit", "entity", "year", "indicator", "value"],
        orient="row",
    )


def one_scope_for_a() -> soeplan.Structure:
    """Unit a (group p with child k) in scope all; unit c in no scope."""
    return compose_structure(
        units=[CountyUnit("a", "甲县", "A"), CountyUnit("c", "丙县", "C")],
        scopes=[ScopeComposition("all", ("a",), name_zh="全部", name_en="All")],
        registered=[
            (
                "test",
                UnitStructure(
                    unit="a",
                    entities=(
                        Entity(id="p", name_zh="母", unit="a", node_type=NodeType.GROUP),
                        Entity(id="k", name_zh="子", unit="a", parent="p"),
                    ),
                ),
            )
        ],
    )


@pytest.mark.parametrize("include_entities", [False, True])
def test_a_unit_in_no_scope_has_its_total_and_no_scope_counts_it(include_entities: bool) -> None:
    data = obs([("a", "k", 2020, 2.0), ("c", "q", 2020, 5.0)])
    r = rollup(data, one_scope_for_a(), include_entities=include_entities)
    got = {n: r.value(n, "total_assets", 2020) for n in ("all", "a", "p", "c")}
    assert got == {"all": 2.0, "a": 2.0, "p": 2.0, "c": 5.0}
    assert set(r.values["node"]) == {"all", "a", "p", "c"} | (
        {"k", "q"} if include_entities else set()
    )


@pytest.mark.parametrize("include_entities", [False, True])
def test_a_structure_with_no_scope_rolls_up_to_its_units(include_entities: bool) -> None:
    no_scope = compose_structure(
        units=[CountyUnit("a", "甲县", "A")],
        scopes=[],
        registered=[
            ("test", UnitStructure(unit="a", entities=(Entity(id="k", name_zh="子", unit="a"),)))
        ],
    )
    data = obs([("a", "k", 2020, 2.0), ("a", "k", 2021, 3.0)])
    r = rollup(data, no_scope, include_entities=include_entities)
    got = r.values.select("node", "node_type", "year", "value").rows()
    if include_entities:  # year by year, each unit before its entities
        assert got == [("a", "unit", 2020, 2.0), ("k", "entity", 2020, 2.0),
                       ("a", "unit", 2021, 3.0), ("k", "entity", 2021, 3.0)]  # fmt: skip
    else:
        assert got == [("a", "unit", 2020, 2.0), ("a", "unit", 2021, 3.0)]


def test_a_unit_in_no_scope_is_checked_against_its_own_figure() -> None:
    data = obs([("c", "q", 2020, 5.0), ("c", "c", 2020, 6.0)])
    r = rollup(data, one_scope_for_a())
    assert (
        r.value("c", "total_assets", 2020) == 5.0 and r.value("all", "total_assets", 2020) is None
    )
    check = r.findings.filter(pl.col("rule") == "rollup.group_check")
    assert check.select("entity", "expected", "found").rows() == [("c", "5.0", "6.0")]


@pytest.mark.parametrize(("unit_total", "mismatch"), [(3.5, False), (4.0, True)])
def test_a_unit_is_checked_after_its_groups_gaps_are_booked(
    unit_total: float, mismatch: bool
) -> None:
    # g reports 2.5 against its children's 3.0: the gap goes to d, and a's total is 2.5 + z's 1.0
    data = obs(
        [
            ("a", "x", 2020, 1.0),
            ("a", "y", 2020, 2.0),
            ("a", "g", 2020, 2.5),
            ("a", "z", 2020, 1.0),
            ("a", "a", 2020, unit_total),
        ]
    )
    r = rollup(data, small_structure(), group_reported="difference")
    assert r.value("d", "total_assets", 2020) == pytest.approx(-0.5)
    assert r.value("a", "total_assets", 2020) == pytest.approx(3.5)
    check = r.findings.filter(pl.col("rule") == "rollup.group_check")
    rows = check.select("entity", "expected", "found").rows()
    assert rows == ([("a", "3.5", "4.0")] if mismatch else [])


def unit_a(*entities: Entity, events: tuple[StructureEvent, ...] = ()) -> soeplan.Structure:
    """Unit a alone, in scope all, with ``entities`` and ``events``."""
    return compose_structure(
        units=[CountyUnit("a", "甲县", "A")],
        scopes=[ScopeComposition("all", ("a",))],
        registered=[("test", UnitStructure(unit="a", entities=entities, events=events))],
    )


def out_of_force_after_2020() -> soeplan.Structure:
    """Unit a: x, and z (named in both languages) merged into x on 1 June 2020."""
    merge = StructureEvent(date=dt.date(2020, 6, 1), kind=EventKind.MERGE, entity="z", target="x")
    return unit_a(
        Entity(id="x", name_zh="甲", unit="a"),
        Entity(id="z", name_zh="丙", name_en="Bing", unit="a"),
        events=(merge,),
    )


def test_an_entity_out_of_force_rolls_up_flat_with_its_names_from_the_structure() -> None:
    data = obs([("a", "x", 2021, 1.0), ("a", "z", 2021, 4.0), ("a", "new1", 2021, 2.0)])
    r = rollup(data, out_of_force_after_2020(), include_entities=True)
    rows = r.values.filter(pl.col("year") == 2021).select(
        "node", "node_type", "name_zh", "name_en", "unit", "value"
    )
    assert rows.rows() == [
        ("all", "scope", "all", "all", None, 7.0),
        ("a", "unit", "甲县", "A", "a", 7.0),
        ("new1", "entity", "new1", "new1", "a", 2.0),
        ("x", "entity", "甲", "甲", "a", 1.0),
        ("z", "entity", "丙", "Bing", "a", 4.0),
    ]
    assert set(r.findings["rule"]) == {"rollup.not_in_force", "rollup.flat_fallback"}


@pytest.mark.parametrize("seed", range(3))
def test_the_out_of_force_warnings_come_by_entity_then_year_whatever_the_input_order(
    seed: int,
) -> None:
    merged = tuple(
        StructureEvent(date=dt.date(2020, 6, 1), kind=EventKind.MERGE, entity=e, target="x")
        for e in ("z", "w")
    )
    structure = unit_a(
        Entity(id="x", name_zh="甲", unit="a"),
        Entity(id="z", name_zh="丙", unit="a"),
        Entity(id="w", name_zh="丁", unit="a"),
        events=merged,
    )
    rows = [("a", e, y, 1.0) for e in ("z", "w") for y in (2022, 2021)] + [("a", "x", 2021, 1.0)]
    random.Random(seed).shuffle(rows)
    found = rollup(obs(rows), structure).findings.filter(pl.col("rule") == "rollup.not_in_force")
    assert found.select("entity", "year").rows() == [
        ("w", 2021), ("w", 2022), ("z", 2021), ("z", 2022),
    ]  # fmt: skip


def group_from_2022() -> soeplan.Structure:
    """Unit a: group g in force from 2022, its child k (a root of the unit until then)."""
    since = dt.date(2022, 1, 1)
    return unit_a(
        Entity(id="g", name_zh="集团", unit="a", node_type=NodeType.GROUP, since=since),
        Entity(id="k", name_zh="子", unit="a", parent="g"),
    )


@pytest.mark.parametrize("years", [(2021,), (2021, 2022)])
def test_a_child_whose_group_is_not_yet_in_force_counts_toward_its_unit(
    years: tuple[int, ...],
) -> None:
    data = obs([("a", "k", y, float(y - 2020)) for y in years])
    r = rollup(data, group_from_2022())
    assert r.value("a", "total_assets", 2021) == 1.0 and r.value("all", "total_assets", 2021) == 1.0
    assert r.value("g", "total_assets", 2021) is None
    if 2022 in years:
        assert [r.value(n, "total_assets", 2022) for n in ("g", "a", "all")] == [2.0, 2.0, 2.0]
