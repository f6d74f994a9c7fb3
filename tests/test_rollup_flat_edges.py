"""Entities rolled up flat: the hint's every field for one entity and several, in a unit with a
registered structure and in one without; an unknown entity whose id sorts before the known ones;
a blank entity id; an indicator outside the catalogue; the not-in-force warning's fields."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import soeplan
from _structures import small_structure
from soeplan.consolidation.rollup import rollup
from soeplan.structure.compose import compose_structure
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)

FIELDS = ["severity", "rule", "unit", "entity", "year", "expected", "found", "message_en", "fix"]


def obs(rows: list[tuple[str, str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["unit", "entity", "year", "indicator", "value"], orient="row")


def two_units_one_registered() -> soeplan.Structure:
    return compose_structure(
        units=[CountyUnit("a", "甲县", "A"), CountyUnit("b", "乙县", "B")],
        scopes=[ScopeComposition("all", ("a", "b"))],
        registered=[("test", UnitStructure(unit="a", entities=(Entity(id="x", name_zh="甲", unit="a"),)))],
    )  # fmt: skip


def test_the_flat_fallback_hint_field_for_field() -> None:
    data = obs(
        [
            ("a", "n2", 2020, "total_assets", 1.0),
            ("b", "m1", 2020, "total_assets", 2.0),
            ("b", "m2", 2020, "total_assets", 3.0),
            ("a", "x", 2020, "total_assets", 4.0),
        ]
    )
    r = rollup(data, two_units_one_registered())
    hints = r.findings.filter(pl.col("rule") == "rollup.flat_fallback").select(FIELDS)
    # in the order of their entities' ids
    assert hints.rows() == [
        ("hint", "rollup.flat_fallback", "b", "m1, m2", None, "entities of a registered structure",
         "2 entities not in it",
         "2 entities of b have no registered structure (no plugin for this unit); rolled up flat "
         "under the unit",
         "install the b plugin or add the entities to a structure file"),
        ("hint", "rollup.flat_fallback", "a", "n2", None, "entities of a registered structure",
         "1 entity not in it",
         "1 entity of a is not in its registered structure; rolled up flat under the unit",
         "install the a plugin or add the entities to a structure file"),
    ]  # fmt: skip
    zh = r.findings.filter(pl.col("rule") == "rollup.flat_fallback")["message_zh"].to_list()
    assert zh == [
        "b 的 2 家企业不在任何已登记的架构（该单位没有架构插件）中，按单位平铺汇总",
        "a 的 1 家企业不在已登记的架构中，按单位平铺汇总",
    ]
    assert (r.value("a", "total_assets", 2020), r.value("b", "total_assets", 2020)) == (5.0, 5.0)
    # several entities of a registered unit
    more = rollup(
        pl.concat([data, obs([("a", "n3", 2020, "total_assets", 1.0)])]), two_units_one_registered()
    )
    hint = more.findings.filter(
        (pl.col("rule") == "rollup.flat_fallback") & (pl.col("unit") == "a")
    )
    assert hint["message_en"].to_list() == [
        "2 entities of a are not in its registered structure; rolled up flat under the unit"
    ]
    # one entity of an unregistered unit
    one = rollup(data.filter(pl.col("entity") != "m2"), two_units_one_registered())
    hint = one.findings.filter((pl.col("rule") == "rollup.flat_fallback") & (pl.col("unit") == "b"))
    assert hint["message_en"].to_list() == [
        "1 entity of b has no registered structure (no plugin for this unit); rolled up flat "
        "under the unit"
    ]


def test_an_unknown_entity_sorting_before_the_known_ones_keeps_every_figure_in_place() -> None:
    known = {"g": None, "x": 1.0, "y": 2.0, "z": 4.0, "w": 8.0}
    rows = [(("b" if e == "w" else "a"), e, 2020, "total_assets", v) for e, v in known.items() if v]
    rows += [("a", "0new", 2020, "total_assets", 16.0), ("b", "00new", 2020, "total_assets", 32.0)]
    r = rollup(obs(rows), small_structure())
    got = {
        n: r.value(n, "total_assets", 2020)
        for n in ("x", "y", "z", "w", "g", "0new", "00new", "a", "b", "all")
    }
    assert got == {
        "x": 1.0, "y": 2.0, "z": 4.0, "w": 8.0, "g": 3.0, "0new": 16.0, "00new": 32.0,
        "a": 23.0, "b": 40.0, "all": 63.0,
    }  # fmt: skip


@pytest.mark.parametrize("blank", ["", None])
def test_an_observation_without_an_entity_id_stops_the_rollup(blank: str | None) -> None:
    data = obs([("a", "x", 2020, "total_assets", 1.0), ("a", blank, 2020, "total_assets", 2.0)])  # type: ignore[list-item]
    with pytest.raises(soeplan.SoeplanError) as exc:
        rollup(data, small_structure())
    assert str(exc.value) == (
        "1 observation cell(s) (year × indicator) have no entity id\n"
        "  fix: fill in the entity column of every row"
    )


def test_an_unknown_entitys_indicator_outside_the_catalogue_is_left_out() -> None:
    data = obs(
        [
            ("a", "new1", 2020, "total_assets", 2.0),
            ("a", "new1", 2020, "not_an_indicator", 99.0),
        ]
    )
    r = rollup(data, small_structure())
    assert (
        r.value("new1", "total_assets", 2020) == 2.0 and r.value("a", "total_assets", 2020) == 2.0
    )


def test_the_not_in_force_warning_field_for_field() -> None:
    events = (
        StructureEvent(date=dt.date(2020, 6, 1), kind=EventKind.MERGE, entity="z", target="x"),
    )
    data = obs([("a", "z", 2021, "total_assets", 4.0), ("a", "z", 2022, "total_assets", 5.0)])
    r = rollup(data, small_structure(events))
    got = r.findings.filter(pl.col("rule") == "rollup.not_in_force")
    assert got.select(FIELDS).rows() == [
        ("warning", "rollup.not_in_force", "a", "z", year,
         "figures only for years the entity exists", f"figures for {year}",
         f"z is not in force at the end of {year} (see its events); its figures roll up flat "
         "under its unit",
         "check the year of the figures, or the dates of the entity's events")
        for year in (2021, 2022)
    ]  # fmt: skip
    assert got["message_zh"][0] == "z 在 2021 年末不存续（见架构事件），其数据按单位平铺汇总"
    assert [r.value("a", "total_assets", y) for y in (2021, 2022)] == [4.0, 5.0]


def test_a_rollup_with_no_figure_keeps_its_findings_and_structure() -> None:
    s = small_structure()
    only_unknown = obs([("a", "new1", 2020, "not_an_indicator", 1.0)])
    r = rollup(only_unknown, s)
    assert r.values.is_empty() and r.values.columns == rollup(obs([]), s).values.columns
    assert r.findings["rule"].to_list() == ["rollup.flat_fallback"]
    # the structure the figures were placed on: the unknown entity added, flat under its unit
    assert set(r.structure.entities) == {*s.entities, "new1"}
    assert r.structure.entities["new1"].unit == "a"
    empty = rollup(obs([]), s)
    assert empty.structure is s and empty.findings.is_empty()
    assert empty.findings.columns == r.findings.columns


def test_what_only_the_known_entities_report_stays_beside_the_unknown_ones() -> None:
    # the known entity alone reports 2020 and a ratio; the unknown one only total_assets of 2021
    data = obs(
        [
            ("a", "x", 2020, "total_assets", 4.0),
            ("a", "x", 2020, "net_assets", 1.0),
            ("a", "x", 2020, "debt_ratio", 0.75),
            ("a", "new1", 2021, "total_assets", 2.0),
        ]
    )
    r = rollup(data, small_structure())
    assert r.values.filter(pl.col("node") == "a").select("year", "indicator", "value").rows() == [
        (2020, "debt_ratio", 0.75),
        (2020, "net_assets", 1.0),
        (2020, "total_assets", 4.0),
        (2021, "total_assets", 2.0),
    ]
    recomputed = r.findings.filter(pl.col("rule") == "rollup.ratio_recomputed")
    assert recomputed["indicator"].to_list() == ["debt_ratio"]
    assert set(r.findings["rule"]) == {"rollup.ratio_recomputed", "rollup.flat_fallback"}
