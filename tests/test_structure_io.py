from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

import soeplan
from soeplan.errors import DataFileError, PluginError, UnknownNameError
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import build_registry
from soeplan.structure.city import city_structure
from soeplan.structure.compose import StructureError, compose_structure
from soeplan.structure.credit_code import check_credit_code
from soeplan.structure.file import load_structure_file
from soeplan.structure.records import CountyUnit, Entity, ScopeComposition, UnitStructure

HEAD = """
format = 1
[structure]
id = "t"
[[unit]]
id = "a"
name_zh = "甲"
name_en = "A"
[[unit]]
id = "b"
name_zh = "乙"
name_en = "B"
[[scope]]
scope = "all"
units = ["a", "b"]
"""


def write(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(HEAD + body, encoding="utf-8")
    return p


def ent(eid: str, unit: str = "a", parent: str | None = None, kind: str = "single") -> str:
    text = f'[[entity]]\nid = "{eid}"\nname_zh = "{eid}"\nunit = "{unit}"\ntype = "{kind}"\n'
    return text + (f'parent = "{parent}"\n' if parent else "")


def compose(path: Path) -> soeplan.Structure:
    f = load_structure_file(path)
    return compose_structure(
        units=f.units, scopes=f.scopes, registered=[(f.path, us) for us in f.unit_structures]
    )


def problems_of(exc: pytest.ExceptionInfo[soeplan.SoeplanError]) -> str:
    return exc.value.render()


# ---------------------------------------------------------------- the shipped structures


def test_city_structure_has_units_scopes_and_groups() -> None:
    # the shipped structures alone: county plugins installed in the environment are left out
    s = city_structure(registry=build_registry(make_host(load_entry_points=False)))
    assert set(s.units) == {
        "municipal",
        "kecheng",
        "qujiang",
        "jiangshan",
        "changshan",
        "kaihua",
        "longyou",
    }
    assert s.scopes["urban"].units == ("municipal", "kecheng", "qujiang")
    assert s.scopes["city"].name_zh == "全市" and s.scopes["urban"].name_zh == "市区"
    assert s.registered_units == frozenset({"municipal"})
    assert {e for e in s.entities if s.entities[e].node_type is soeplan.NodeType.GROUP} >= {
        "mun.guozi",
        "mun.jinkong",
        "mun.jiaotou",
        "mun.chengtou",
        "mun.dahuayuan",
        "mun.lvfa",
        "mun.jitou",
    }


def test_sample_structure_is_dated() -> None:
    s = city_structure(sample=True)
    assert s.at(2021)["mun.jiaotou"].name_zh == "交投集团"
    assert s.at(2022)["mun.jiaotou"].name_zh == "衢通发展集团"  # renamed in December 2022
    assert s.at(2023)["mun.jiaotou"].name_zh == "衢通发展集团"
    assert s.at(2020)["mun.guozi.bus"].parent == "mun.guozi"
    assert s.at(2021)["mun.guozi.bus"].parent == "mun.jiaotou"
    assert "js.scenic" in s.at(2021) and "js.scenic" not in s.at(2022)
    assert s.successor("js.scenic", 2023) == "js.tourism"
    assert s.at(2021).children("mun.jiaotou") == (
        "mun.guozi.bus",
        "mun.jiaotou.airport",
        "mun.jiaotou.hq",
        "mun.jiaotou.road",
    )
    assert [e.kind for e in s.history("mun.guozi.bus")] == [soeplan.EventKind.TRANSFER]
    assert s.at(2020).entities["kc.recycle"].synthetic
    assert "mun.chengtou.diff" in s.at(2020).leaves()
    assert s.at(2020).ancestors("mun.chengtou.hq") == ("mun.chengtou",)


def test_registry_has_the_core_municipal_structure() -> None:
    reg = build_registry(make_host(load_entry_points=False))
    assert list(reg.structures) == ["municipal"]
    assert reg.structures["municipal"].provider.plugin == "core"


def test_two_registrations_for_one_unit_name_both_providers() -> None:
    class Other:
        @soeplan.hookimpl
        def soeplan_structures(self) -> list[UnitStructure]:
            return [UnitStructure(unit="municipal")]

    host = make_host(load_entry_points=False, extra=[("county-x", Other())])
    with pytest.raises(PluginError) as exc:
        build_registry(host)
    assert "core" in str(exc.value) and "county-x" in str(exc.value)


def test_plugin_structure_is_authoritative_over_the_sample_list() -> None:
    class Kecheng:
        @soeplan.hookimpl
        def soeplan_structures(self) -> list[UnitStructure]:
            return [
                UnitStructure(
                    unit="kecheng",
                    entities=(
                        Entity(
                            id="kc.invest",
                            name_zh="柯城集团",
                            unit="kecheng",
                            node_type=soeplan.NodeType.GROUP,
                        ),
                        Entity(id="kc.urban", name_zh="城建", unit="kecheng", parent="kc.invest"),
                    ),
                )
            ]

    reg = build_registry(make_host(load_entry_points=False, extra=[("kecheng", Kecheng())]))
    s = city_structure(sample=True, registry=reg)
    assert s.at(2020)["kc.urban"].parent == "kc.invest"  # the plugin's, not the flat sample's
    assert s.at(2020)["kc.invest"].name_zh == "柯城集团"
    assert s.at(2020)["kc.recycle"].parent is None  # filled in from the sample
    assert "kecheng" in s.registered_units
    assert s.origins["kc.recycle"].endswith("structure.toml")


def test_history_of_unknown_entity_is_an_error() -> None:
    with pytest.raises(UnknownNameError, match="nope"):
        city_structure().history("nope")


# ---------------------------------------------------------------- credit codes


def test_credit_code_check_digit() -> None:
    assert check_credit_code("91350100M000100Y43") is None
    assert "expected 3" in (check_credit_code("91350100M000100Y40") or "")
    assert "17 characters" in (check_credit_code("91350100M000100Y4") or "")
    assert "not allowed" in (check_credit_code("91350100M000100I43") or "")


def test_bad_credit_code_in_file_names_the_entity(tmp_path: Path) -> None:
    p = write(tmp_path, ent("x1") + 'credit_code = "91350100M000100Y44"\n')
    with pytest.raises(DataFileError) as exc:
        load_structure_file(p)
    assert "x1" in problems_of(exc) and "check digit" in problems_of(exc)


# ---------------------------------------------------------------- every structure error


def test_all_file_problems_are_reported_at_once(tmp_path: Path) -> None:
    body = (
        ent("x1", kind="sometimes")
        + ent("x2", unit="zz")
        + '[[entity]]\nid = "x3"\nunit = "a"\ncolour = "red"\n'
        + '[[event]]\nkind = "merge"\nentity = "x1"\ndate = 2020-01-01\n'
    )
    with pytest.raises(DataFileError) as exc:
        load_structure_file(write(tmp_path, body))
    text = problems_of(exc)
    assert "'sometimes' is not one of" in text
    assert "x2 names unknown unit 'zz'" in text
    assert "x3" in text and "name_zh is missing" in text and "colour" in text
    assert "merge event needs a target" in text
    assert len(exc.value.problems) >= 5


def test_duplicate_id(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="x1 is listed twice"):
        load_structure_file(write(tmp_path, ent("x1") + ent("x1")))


def test_two_parents_at_once(tmp_path: Path) -> None:
    body = ent("g1", kind="group") + ent("g2", kind="group") + ent("x", parent="g1")
    body += ent("x", parent="g2")
    with pytest.raises(DataFileError) as exc:
        load_structure_file(write(tmp_path, body))
    assert "x has two parents at once: g1" in problems_of(exc) and "g2" in problems_of(exc)


def test_entity_in_two_units_within_a_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"x is in two units: a .* and b"):
        load_structure_file(write(tmp_path, ent("x") + ent("x", unit="b")))


def test_entity_in_two_units_across_files(tmp_path: Path) -> None:
    one = load_structure_file(write(tmp_path, ent("x"), "one.toml"))
    two = load_structure_file(write(tmp_path, ent("x", unit="b"), "two.toml"))
    with pytest.raises(StructureError) as exc:
        compose_structure(
            units=one.units,
            scopes=one.scopes,
            registered=[("one.toml", one.unit_structures[0])],
            fallback=[("two.toml", two.unit_structures[0])],
        )
    assert "x is in two units" in problems_of(exc)
    assert "one.toml" in problems_of(exc) and "two.toml" in problems_of(exc)


def test_cycle(tmp_path: Path) -> None:
    body = ent("p", kind="group", parent="q") + ent("q", kind="group", parent="p")
    with pytest.raises(StructureError) as exc:
        compose(write(tmp_path, body))
    assert "cycle" in problems_of(exc) and "p → q → p" in problems_of(exc).replace(
        "q → p → q", "p → q → p"
    )


def test_cycle_after_a_transfer(tmp_path: Path) -> None:
    body = ent("p", kind="group") + ent("q", kind="group", parent="p")
    body += '[[event]]\ndate = 2021-05-01\nkind = "transfer"\nentity = "p"\ntarget = "q"\n'
    with pytest.raises(StructureError) as exc:
        compose(write(tmp_path, body))
    assert "after the transfers of 2021-05-01" in problems_of(exc)
    assert "p" in problems_of(exc) and "q" in problems_of(exc)


def test_unknown_parent(tmp_path: Path) -> None:
    with pytest.raises(StructureError, match="x names unknown parent 'ghost'"):
        compose(write(tmp_path, ent("x", parent="ghost")))


def test_parent_in_another_unit(tmp_path: Path) -> None:
    body = ent("g", kind="group") + ent("x", unit="b", parent="g")
    with pytest.raises(StructureError, match=r"x \(unit b\) has parent g in unit a"):
        compose(write(tmp_path, body))


def test_parent_must_be_a_group(tmp_path: Path) -> None:
    with pytest.raises(StructureError, match="x has parent s, which is a single"):
        compose(write(tmp_path, ent("s") + ent("x", parent="s")))


def test_event_before_the_entity_exists(tmp_path: Path) -> None:
    body = ent("x") + "since = 2020\n"
    body += '[[event]]\ndate = 2019-03-01\nkind = "rename"\nentity = "x"\nname_zh = "新"\n'
    with pytest.raises(StructureError, match="before entity x exists"):
        compose(write(tmp_path, body))


def test_event_on_an_entity_already_merged(tmp_path: Path) -> None:
    body = ent("x") + ent("y")
    body += '[[event]]\ndate = 2020-03-01\nkind = "merge"\nentity = "x"\ntarget = "y"\n'
    body += '[[event]]\ndate = 2021-03-01\nkind = "rename"\nentity = "x"\nname_zh = "新"\n'
    with pytest.raises(StructureError, match="x was already merged on 2020-03-01"):
        compose(write(tmp_path, body))


def test_merge_into_an_entity_already_dissolved(tmp_path: Path) -> None:
    body = ent("x") + ent("y")
    body += '[[event]]\ndate = 2020-03-01\nkind = "dissolve"\nentity = "y"\n'
    body += '[[event]]\ndate = 2021-03-01\nkind = "merge"\nentity = "x"\ntarget = "y"\n'
    with pytest.raises(StructureError, match="target y was already dissolved"):
        compose(write(tmp_path, body))


def test_conflicting_events_on_the_same_day(tmp_path: Path) -> None:
    body = ent("x") + ent("g1", kind="group") + ent("g2", kind="group")
    body += '[[event]]\ndate = 2020-03-01\nkind = "transfer"\nentity = "x"\ntarget = "g1"\n'
    body += '[[event]]\ndate = 2020-03-01\nkind = "transfer"\nentity = "x"\ntarget = "g2"\n'
    with pytest.raises(StructureError, match="x has conflicting events on the same day"):
        compose(write(tmp_path, body))


def test_a_rename_can_change_the_english_name_too(tmp_path: Path) -> None:
    body = ent("x").replace('name_zh = "x"', 'name_zh = "旧名"\nname_en = "Old Name"')
    rename = '[[event]]\ndate = 2021-03-01\nkind = "rename"\nentity = "x"\n'
    both = body + rename + 'name_zh = "新名"\nname_en = "New Name"\n'
    s = compose(write(tmp_path, both))
    assert (s.at(2020)["x"].name_zh, s.at(2020)["x"].name_en) == ("旧名", "Old Name")
    assert (s.at(2021)["x"].name_zh, s.at(2021)["x"].name_en) == ("新名", "New Name")
    zh_only = compose(write(tmp_path, body + rename + 'name_zh = "新名"\n', "zh.toml"))
    assert (zh_only.at(2021)["x"].name_zh, zh_only.at(2021)["x"].name_en) == ("新名", "Old Name")
    en_only = compose(write(tmp_path, body + rename + 'name_en = "New Name"\n', "en.toml"))
    assert (en_only.at(2021)["x"].name_zh, en_only.at(2021)["x"].name_en) == ("旧名", "New Name")


def test_a_rename_needs_a_name_and_only_a_rename_takes_name_en(tmp_path: Path) -> None:
    body = ent("x") + ent("g", kind="group")
    body += '[[event]]\ndate = 2021-03-01\nkind = "rename"\nentity = "x"\n'
    body += '[[event]]\ndate = 2021-04-01\nkind = "transfer"\nentity = "x"\ntarget = "g"\n'
    body += 'name_en = "Moved"\n'
    with pytest.raises(DataFileError) as exc:
        load_structure_file(write(tmp_path, body))
    assert "event[0] (x).name_zh: a rename event needs the new name" in problems_of(exc)
    assert "event[1] (x).name_en: a transfer event takes no name_en" in problems_of(exc)


def test_the_city_rename_changes_both_names() -> None:
    s = city_structure(sample=True)
    assert s.at(2023)["mun.jiaotou"].name("en") == "Qutong Development Group"
    assert s.at(2021)["mun.jiaotou"].name("en") == "Transport Investment Group"


def test_event_naming_unknown_entity(tmp_path: Path) -> None:
    body = ent("x") + '[[event]]\ndate = 2020-03-01\nkind = "merge"\nentity = "x"\ntarget = "zz"\n'
    body += '[[event]]\ndate = 2020-03-01\nkind = "dissolve"\nentity = "qq"\n'
    with pytest.raises(StructureError) as exc:
        compose(write(tmp_path, body))
    assert "unknown target 'zz'" in problems_of(exc)
    assert "unknown entity 'qq'" in problems_of(exc)


def test_scope_naming_unknown_unit(tmp_path: Path) -> None:
    p = write(tmp_path, '[[scope]]\nscope = "bad"\nunits = ["a", "mars"]\n')
    with pytest.raises(DataFileError, match="scope bad names unknown unit 'mars'"):
        load_structure_file(p)
    with pytest.raises(StructureError, match="scope s names unknown unit 'mars'"):
        compose_structure(
            units=[CountyUnit("a", "甲", "A")], scopes=[ScopeComposition("s", ("mars",))]
        )


def test_difference_unit_needs_a_group_parent(tmp_path: Path) -> None:
    with pytest.raises(StructureError, match="difference unit d has no parent"):
        compose(write(tmp_path, ent("d", kind="difference")))


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entity]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid TOML"):
        load_structure_file(bad)
    with pytest.raises(DataFileError, match="file not found"):
        load_structure_file(tmp_path / "none.toml")


def test_since_as_year_and_create_event(tmp_path: Path) -> None:
    body = ent("x") + "since = 2021\n" + ent("y")
    body += ent("z") + '[[event]]\ndate = 2022-02-01\nkind = "create"\nentity = "z"\n'
    s = compose(write(tmp_path, body))
    assert s.entities["x"].since == dt.date(2021, 1, 1)
    assert "x" not in s.at(2020) and "x" in s.at(2021)
    assert "z" not in s.at(2021) and "z" in s.at(2022)


def test_transfer_across_units_moves_the_subtree(tmp_path: Path) -> None:
    body = ent("g", kind="group") + ent("x", parent="g") + ent("h", unit="b", kind="group")
    body += '[[event]]\ndate = 2021-05-01\nkind = "transfer"\nentity = "g"\ntarget = "h"\n'
    s = compose(write(tmp_path, body))
    assert s.at(2020)["x"].unit == "a"
    assert s.at(2021)["g"].unit == "b" and s.at(2021)["x"].unit == "b"


def test_registered_entity_with_wrong_unit() -> None:
    us = UnitStructure(unit="a", entities=(Entity(id="x", name_zh="x", unit="b"),))
    with pytest.raises(
        StructureError, match="x says unit b but is registered in the structure of unit a"
    ):
        compose_structure(
            units=[CountyUnit("a", "甲", "A"), CountyUnit("b", "乙", "B")],
            scopes=[],
            registered=[("plugin p", us)],
        )


def test_registry_without_structures_is_accepted() -> None:
    s = city_structure(registry=SimpleNamespace(structures={}))
    assert not s.entities and s.units


@pytest.mark.parametrize(
    ("since", "ok"),
    [(1900, False), (1901, True), (2199, True), (2200, False), ("true", False), ('"2021"', False)],
)
def test_since_as_a_year_only_between_1901_and_2199(
    tmp_path: Path, since: object, ok: bool
) -> None:
    path = write(tmp_path, ent("x") + f"since = {since}\n")
    if ok:
        assert load_structure_file(path).unit_structures[0].entities[0].since == dt.date(
            int(str(since)), 1, 1
        )
        return
    with pytest.raises(DataFileError) as exc:
        load_structure_file(path)
    text = problems_of(exc)
    assert "entity[0] (x).since: " in text and " is not a date" in text
    assert "fix: write a TOML date such as 2022-12-01 or a year such as 2019" in text


def test_an_event_without_entity_kind_or_date_names_each_at_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, ent("x") + '[[event]]\ntarget = "x"\n')
    with pytest.raises(DataFileError) as exc:
        load_structure_file(path)
    text = problems_of(exc)
    assert "event[0].entity: entity is missing" in text
    assert "event[0].kind: kind is missing" in text
    assert "event[0].date: date is missing" in text
    # with its entity, the place names it; an event date takes no bare year
    path = write(tmp_path, ent("x") + '[[event]]\nentity = "x"\nkind = "dissolve"\ndate = 2021\n')
    with pytest.raises(DataFileError) as exc:
        load_structure_file(path)
    text = problems_of(exc)
    assert "event[0] (x).date: 2021 is not a date" in text and "or a year" not in text
