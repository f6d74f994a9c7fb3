"""A structure file's every check, problem by problem: the place, the message and the fix.

Each test writes a small file and compares the whole list of problems (or the whole record
read), so a check that stops firing, fires at the wrong place or names the wrong key fails.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from soeplan.errors import DataFileError
from soeplan.structure.file import StructureFile, load_structure_file
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    ScopeComposition,
    StructureEvent,
)

UNITS = """
format = 1
[[unit]]
id = "a"
name_zh = "甲"
name_en = "A"
[[unit]]
id = "b"
name_zh = "乙"
name_en = "B"
"""

ENTITY = '[[entity]]\nid = "x"\nname_zh = "某"\nunit = "a"\n'


def load(tmp_path: Path, text: str) -> StructureFile:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return load_structure_file(path)


def problems(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(DataFileError) as exc:
        load(tmp_path, text)
    n = len(exc.value.problems)
    assert (
        exc.value.message
        == f"{tmp_path / 's.toml'}: {n} problem{'s' if n != 1 else ''} in this file"
    )
    return [(p.where, p.what, p.fix) for p in exc.value.problems]


def event(**fields: object) -> str:
    lines = [f"{k} = {v}" for k, v in fields.items()]
    return "[[event]]\n" + "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the whole file as read


def test_a_full_file_is_read_field_for_field(tmp_path: Path) -> None:
    text = (
        'format = 1\n[structure]\nid = "q"\nname_zh = "某区"\nname_en = "Q"\n'
        'source = "文件"\nassumption = "假设"\nsynthetic = true\n'
        + UNITS.replace("format = 1\n", "")
        + '[[scope]]\nscope = "all"\nunits = ["a", "b"]\nsource = "s"\nassumption = "t"\n'
        'name_zh = "全部"\nname_en = "All"\n'
        '[[entity]]\nid = "g"\nname_zh = "集团"\nname_en = "Group"\nunit = "a"\ntype = "group"\n'
        'class = "public"\nsince = 2019-05-06T10:00:00\nnote = "n"\nsynthetic = false\n'
        'industry = "E48"\n'
        '[[entity]]\nid = "x"\nname_zh = "某"\nunit = "a"\nparent = "g"\nco_owners = ["y"]\n'
        'credit_code = "91350100M000100Y43"\n'
        '[[entity]]\nid = "y"\nname_zh = "乙某"\nunit = "b"\nsince = 2020-02-03\n'
        + event(date="2022-03-04", kind='"rename"', entity='"x"', name_zh='"新"', name_en='"New"')
        + event(date="2021-03-04", kind='"transfer"', entity='"x"', target='"g"', unit='"a"')
        + event(date="2021-03-04", kind='"merge"', entity='"g"', target='"x"', source='"s"')
        + event(date="2020-01-01", kind='"dissolve"', entity='"z"', unit='"b"', note='"gone"')
        + event(date="2020-01-01", kind='"create"', entity='"zz"')
    )
    f = load(tmp_path, text)
    assert (f.path, f.id, f.name_zh, f.name_en, f.source, f.assumption, f.synthetic) == (
        str(tmp_path / "s.toml"), "q", "某区", "Q", "文件", "假设", True,
    )  # fmt: skip
    assert f.units == (CountyUnit("a", "甲", "A", "county"), CountyUnit("b", "乙", "B", "county"))
    assert f.scopes == (
        ScopeComposition("all", ("a", "b"), "s", "t", name_zh="全部", name_en="All"),
    )
    g, x, y = f.entities
    assert g == Entity(
        id="g", name_zh="集团", name_en="Group", unit="a", node_type=NodeType.GROUP,
        functional_class=FunctionalClass.PUBLIC, since=dt.date(2019, 5, 6), note="n",
        synthetic=False, industry="E48",
    )  # fmt: skip
    assert x == Entity(
        id="x", name_zh="某", unit="a", parent="g", co_owners=("y",),
        credit_code="91350100M000100Y43", synthetic=True,
    )  # fmt: skip
    assert y == Entity(id="y", name_zh="乙某", unit="b", since=dt.date(2020, 2, 3), synthetic=True)
    # events go with their entity's unit (or their own unit when the entity is not in the file),
    # each unit's in date order, then by entity
    assert [(us.unit, [(ev.date.isoformat(), ev.entity) for ev in us.events]) for us in f.unit_structures] == [
        ("", [("2020-01-01", "zz")]),
        ("a", [("2021-03-04", "g"), ("2021-03-04", "x"), ("2022-03-04", "x")]),
        ("b", [("2020-01-01", "z")]),
    ]  # fmt: skip
    by_unit = {us.unit: us for us in f.unit_structures}
    assert [(us.name, us.source, us.assumption, us.synthetic) for us in f.unit_structures] == [
        ("某区", "文件", "假设", True)
    ] * 3
    assert by_unit["a"].entities == (g, x) and by_unit["b"].entities == (y,)
    assert by_unit[""].entities == ()
    merge, transfer, rename = by_unit["a"].events
    assert rename == StructureEvent(
        date=dt.date(2022, 3, 4), kind=EventKind.RENAME, entity="x", name_zh="新", name_en="New"
    )
    assert transfer == StructureEvent(
        date=dt.date(2021, 3, 4), kind=EventKind.TRANSFER, entity="x", target="g", unit="a"
    )
    assert merge == StructureEvent(
        date=dt.date(2021, 3, 4), kind=EventKind.MERGE, entity="g", target="x", source="s"
    )
    assert by_unit["b"].events == (
        StructureEvent(
            date=dt.date(2020, 1, 1), kind=EventKind.DISSOLVE, entity="z", unit="b", note="gone"
        ),
    )
    assert f.events == (*by_unit[""].events, merge, transfer, rename, *by_unit["b"].events)


def test_a_file_with_no_structure_table_is_not_synthetic_and_defaults(tmp_path: Path) -> None:
    f = load(tmp_path, UNITS + ENTITY + '[[unit]]\nid = "m"\nname_zh = "市"\nname_en = "M"\n'
             'kind = "municipal"\n')  # fmt: skip
    assert (f.id, f.name_zh, f.name_en, f.source, f.assumption, f.synthetic) == ("",) * 5 + (False,)
    assert f.units[2] == CountyUnit("m", "市", "M", "municipal")
    assert f.entities == (Entity(id="x", name_zh="某", unit="a", node_type=NodeType.SINGLE),)
    assert f.entities[0].synthetic is False and f.entities[0].since is None
    (us,) = f.unit_structures
    assert (us.name, us.source, us.assumption, us.synthetic) == ("", "", "", False)


def test_an_empty_file_reads_as_empty(tmp_path: Path) -> None:
    f = load(tmp_path, "")
    assert (f.units, f.scopes, f.unit_structures) == ((), (), ())


def test_without_units_an_entity_and_a_scope_may_name_any_unit(tmp_path: Path) -> None:
    f = load(
        tmp_path, ENTITY.replace('"a"', '"elsewhere"') + '[[scope]]\nscope = "s"\nunits = ["q"]\n'
    )
    assert f.entities[0].unit == "elsewhere"
    # a scope's texts default to empty
    assert f.scopes == (ScopeComposition("s", ("q",), "", "", name_zh="", name_en=""),)


# ---------------------------------------------------------------- the head, units and scopes


def test_the_format_and_the_structure_table(tmp_path: Path) -> None:
    assert problems(tmp_path, "format = 2\nstructure = 3\n") == [
        ("format", "format 2 is not supported", "use format = 1"),
        ("structure", "[structure] must be a table", "write [structure]"),
    ]
    assert problems(tmp_path, '[structure]\nnmae_zh = "x"\n') == [
        (
            "structure.nmae_zh",
            "unknown key 'nmae_zh'",
            "did you mean 'name_zh'? (known keys: assumption, id, name_en, name_zh, source, synthetic)",
        )
    ]
    assert problems(tmp_path, "colour = 1\n")[0][:2] == ("file.colour", "unknown key 'colour'")


def test_a_unit_needs_an_id_and_both_names_and_a_known_kind(tmp_path: Path) -> None:
    text = (
        '[[unit]]\nid = "a"\nname_zh = "甲"\n'
        '[[unit]]\nid = "b"\nname_zh = "乙"\nname_en = "B"\nkind = "province"\n'
        '[[unit]]\nid = "c"\nname_zh = "丙"\nname_en = "C"\nsize = 3\n'
        '[[unit]]\nid = 7\nname_zh = " "\nname_en = "D"\n'
        '[[unit]]\nname_zh = "戊"\nname_en = "E"\n' + ENTITY.replace('"a"', '"b"')
    )
    assert problems(tmp_path, text) == [
        ("unit[0].name_en", "name_en is missing", 'add name_en = "..."'),
        ("unit[1].kind", "'province' is not one of: municipal, district, county_city, county", ""),
        ("unit[2].size", "unknown key 'size'", "remove it; known keys: id, kind, name_en, name_zh"),
        ("unit[3].id", "id must be a non-empty string, not 7", ""),
        ("unit[3].name_zh", "name_zh must be a non-empty string, not ' '", ""),
        ("unit[4].id", "id is missing", 'add id = "..."'),
        # an unknown key is reported but the unit is read; a unit with a bad field is not
        ("entity x", "entity x names unknown unit 'b'", "use one of: c"),
    ]


def test_a_unit_or_scope_defined_twice(tmp_path: Path) -> None:
    text = UNITS + '[[unit]]\nid = "a"\nname_zh = "甲"\nname_en = "A"\n'
    text += '[[scope]]\nscope = "s"\nunits = ["a"]\n' * 2
    assert problems(tmp_path, text) == [
        ("unit a", "unit id a is defined twice", "keep one"),
        ("scope s", "scope id s is defined twice", "keep one"),
    ]


def test_a_scope_needs_a_name_and_a_list_of_known_units(tmp_path: Path) -> None:
    text = UNITS + (
        '[[scope]]\nunits = ["a"]\n'
        '[[scope]]\nscope = "e"\nunits = []\n'
        '[[scope]]\nscope = "n"\nunits = ["a", 3]\n'
        '[[scope]]\nscope = "t"\nunits = "a"\n'
        '[[scope]]\nscope = "u"\nunits = ["a", "mars", "b"]\nwho = 1\n'
    )
    fix = 'units = ["municipal", ...]'
    assert problems(tmp_path, text) == [
        ("scope[0].scope", "scope is missing", 'add scope = "..."'),
        ("scope[1].units", "scope e needs a list of unit ids", fix),
        ("scope[2].units", "scope n needs a list of unit ids", fix),
        ("scope[3].units", "scope t needs a list of unit ids", fix),
        (
            "scope[4].who",
            "unknown key 'who'",
            "remove it; known keys: assumption, name_en, name_zh, scope, source, units",
        ),
        ("scope[4].units", "scope u names unknown unit 'mars'", "use one of the units defined in this file: a, b"),
    ]  # fmt: skip


@pytest.mark.parametrize("key", ["unit", "scope", "entity", "event"])
def test_each_list_must_be_an_array_of_tables(tmp_path: Path, key: str) -> None:
    assert problems(tmp_path, f"{key} = 1\n") == [
        (key, f"{key} must be an array of tables", f"write [[{key}]]")
    ]
    assert problems(tmp_path, f"{key} = [{{a = 1}}, 2]\n") == [
        (key, f"{key} must be an array of tables", f"write [[{key}]]")
    ]


# ---------------------------------------------------------------- entities


def test_an_entitys_required_and_typed_fields(tmp_path: Path) -> None:
    text = UNITS + (
        '[[entity]]\nname_zh = "无名"\nunit = "a"\n'
        '[[entity]]\nid = "x"\nunit = "a"\ntype = "holding"\nclass = "commercial_3"\nparnet = "g"\n'
        '[[entity]]\nid = "y"\nname_zh = "乙"\nunit = "a"\nparent = 5\nsince = "2020"\n'
        'co_owners = "g"\nindustry = "城投"\ncredit_code = "123"\n'
        '[[entity]]\nid = "z"\nname_zh = "丙"\nunit = "a"\nco_owners = ["g", 1]\n'
    )
    classes = "commercial_1, commercial_2, public"
    assert problems(tmp_path, text) == [
        ("entity[0].id", "id is missing", 'add id = "..."'),
        (
            "entity[1].parnet",
            "unknown key 'parnet'",
            "did you mean 'parent'? (known keys: class, co_owners, credit_code, id, industry, "
            "name_en, name_zh, note, parent, since, synthetic, type, unit)",
        ),
        ("entity[1] (x).name_zh", "name_zh is missing", 'add name_zh = "..."'),
        ("entity[1] (x).type", "'holding' is not one of: single, group, difference",
         "use one of: single, group, difference"),
        ("entity[1] (x).class", f"'commercial_3' is not one of: {classes}", f"use one of: {classes}"),
        ("entity[2] (y).parent", "parent must be a non-empty string, not 5", ""),
        ("entity[2] (y).since", "'2020' is not a date",
         "write a TOML date such as 2022-12-01 or a year such as 2019"),
        ("entity[2] (y).credit_code", "credit code '123' of entity y has 3 characters, expected 18",
         "copy the 18-character 统一社会信用代码 from the business licence, or remove it"),
        ("entity[2] (y).industry",
         "industry of entity y: '城投' is not a GB/T 4754 code (a section letter A–T, then up to "
         "4 digits, e.g. E48)",
         "give the entity's GB/T 4754 industry code (行业代码), e.g. E48 for 土木工程建筑业, or remove it"),
        ("entity[2] (y).co_owners", "co_owners must be a list of entity ids", ""),
        ("entity[3] (z).co_owners", "co_owners must be a list of entity ids", ""),
    ]  # fmt: skip


def test_an_entity_with_a_problem_is_not_read_further(tmp_path: Path) -> None:
    # the second entity's blank name is its one problem: it is not read, so its unknown unit
    # is not checked; an unknown key is reported but the entity is read and checked
    text = UNITS + ENTITY + ENTITY.replace('"x"', '"w"', 1).replace('"某"', '" "')
    text = text.replace('unit = "a"', 'unit = "mars"')
    text = text.replace('unit = "mars"', 'unit = "a"', 1)
    text += ENTITY.replace('"x"', '"v"').replace('"a"', '"venus"') + "nt = 1\n"
    assert [(w, m) for w, m, _ in problems(tmp_path, text)] == [
        ("entity[1] (w).name_zh", "name_zh must be a non-empty string, not ' '"),
        ("entity[2].nt", "unknown key 'nt'"),
        ("entity v", "entity v names unknown unit 'venus'"),
    ]


def test_own_parent_and_parent_among_co_owners(tmp_path: Path) -> None:
    text = UNITS + ENTITY.replace('unit = "a"', 'unit = "a"\nparent = "x"')
    text += ENTITY.replace('"x"', '"y"').replace(
        'unit = "a"', 'unit = "a"\nparent = "g"\nco_owners = ["h", "g"]'
    )
    assert problems(tmp_path, text) == [
        ("entity[0] (x).parent", "entity x is its own parent",
         "set parent to the consolidating group, or remove it"),
        ("entity[1] (y).co_owners", "entity y lists its parent g among its co-owners",
         "co_owners lists the other owners only: remove the parent from it"),
    ]  # fmt: skip


def test_an_entity_listed_twice(tmp_path: Path) -> None:
    text = UNITS + ENTITY * 2
    text += ENTITY.replace('"x"', '"y"') + ENTITY.replace('"x"', '"y"').replace('"a"', '"b"')
    text += ENTITY.replace('"x"', '"z"') + ENTITY.replace('"x"', '"z"').replace(
        'unit = "a"', 'unit = "a"\nparent = "x"'
    )
    path = str(tmp_path / "s.toml")
    got = problems(tmp_path, text)
    assert [(w, m) for w, m, _ in got] == [
        ("entity x", "entity id x is listed twice"),
        ("entity y", f"entity y is in two units: a ({path}) and b ({path})"),
        ("entity z", f"entity z has two parents at once: (none) ({path}) and x ({path})"),
    ]
    assert got[0][2] == "remove one of them"


def test_entities_naming_unknown_units_are_each_named(tmp_path: Path) -> None:
    text = UNITS + ENTITY.replace('"a"', '"c"') + ENTITY.replace('"x"', '"y"').replace('"a"', '"b"')
    text += ENTITY.replace('"x"', '"z"').replace('"a"', '"d"')
    assert problems(tmp_path, text) == [
        ("entity x", "entity x names unknown unit 'c'", "use one of: a, b"),
        ("entity z", "entity z names unknown unit 'd'", "use one of: a, b"),
    ]


def test_an_optional_text_may_be_empty_but_not_another_type(tmp_path: Path) -> None:
    f = load(tmp_path, UNITS + ENTITY + 'industry = "D"\nname_en = ""\n')
    assert f.entities[0].industry == "D" and f.entities[0].name_en == ""
    assert problems(tmp_path, UNITS + ENTITY + "industry = 4\n") == [
        ("entity[0] (x).industry", "industry must be a non-empty string, not 4", "")
    ]


# ---------------------------------------------------------------- events


def test_an_events_typed_fields_are_named_at_their_place(tmp_path: Path) -> None:
    text = UNITS + ENTITY + event(
        date="2021-01-01", kind='"split"', entity='"x"', target="1", name_zh="2", name_en="3",
        unit="4", when='"now"',
    )  # fmt: skip
    kinds = "create, rename, merge, transfer, dissolve"
    assert problems(tmp_path, text) == [
        (
            "event[0].when",
            "unknown key 'when'",
            "remove it; known keys: date, entity, kind, name_en, name_zh, note, source, target, unit",
        ),
        ("event[0] (x).kind", f"'split' is not one of: {kinds}", f"use one of: {kinds}"),
        ("event[0] (x).target", "target must be a non-empty string, not 1", ""),
        ("event[0] (x).name_zh", "name_zh must be a non-empty string, not 2", ""),
        ("event[0] (x).name_en", "name_en must be a non-empty string, not 3", ""),
        ("event[0] (x).unit", "unit must be a non-empty string, not 4", ""),
    ]


def test_an_event_date_is_a_date_a_datetime_counts_by_its_day(tmp_path: Path) -> None:
    f = load(
        tmp_path,
        UNITS + ENTITY + event(date="2021-06-30T23:59:00", kind='"dissolve"', entity='"x"'),
    )
    assert f.events[0].date == dt.date(2021, 6, 30)
    assert problems(tmp_path, UNITS + ENTITY + event(date='"2021-06-30"', kind='"dissolve"', entity='"x"')) == [
        ("event[0] (x).date", "'2021-06-30' is not a date", "write a TOML date such as 2022-12-01")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "fix"), [("merge", "set target to the absorbing entity"), ("transfer", "set target to the new parent")]
)  # fmt: skip
def test_a_merge_or_transfer_needs_a_target(tmp_path: Path, kind: str, fix: str) -> None:
    text = UNITS + ENTITY + event(date="2021-01-01", kind=f'"{kind}"', entity='"x"')
    assert problems(tmp_path, text) == [
        ("event[0] (x).target", f"a {kind} event needs a target", fix)
    ]


@pytest.mark.parametrize("kind", ["create", "merge", "transfer", "dissolve"])
def test_only_a_rename_takes_name_en_and_no_event_targets_its_own_entity(
    tmp_path: Path, kind: str
) -> None:
    text = (
        UNITS
        + ENTITY
        + event(date="2021-01-01", kind=f'"{kind}"', entity='"x"', target='"x"', name_en='"E"')
    )
    assert problems(tmp_path, text) == [
        ("event[0] (x).name_en", f"a {kind} event takes no name_en", "remove it"),
        ("event[0] (x).target", f"entity x is its own {kind} target", "set target to another entity"),
    ]  # fmt: skip


def test_a_rename_with_either_name_is_read_and_with_none_is_not(tmp_path: Path) -> None:
    for names in ({"name_zh": '"新"'}, {"name_en": '"New"'}):
        f = load(
            tmp_path,
            UNITS + ENTITY + event(date="2021-01-01", kind='"rename"', entity='"x"', **names),
        )
        assert f.events[0].kind is EventKind.RENAME
    assert problems(tmp_path, UNITS + ENTITY + event(date="2021-01-01", kind='"rename"', entity='"x"', target='"x"')) == [
        ("event[0] (x).name_zh", "a rename event needs the new name",
         "set name_zh (and name_en, for the English name)"),
        ("event[0] (x).target", "entity x is its own rename target", "set target to another entity"),
    ]  # fmt: skip


def test_an_event_with_a_bad_kind_raises_no_kind_check(tmp_path: Path) -> None:
    # without a kind there is no rename to need a name nor a merge to need a target
    text = (
        UNITS
        + ENTITY
        + event(date="2021-01-01", kind='"split"', entity='"x"', name_en='"E"', target='"x"')
    )
    got = problems(tmp_path, text)
    assert [w for w, _, _ in got] == ["event[0] (x).kind"]
    assert problems(tmp_path, UNITS + ENTITY + event(kind='"dissolve"', entity='"x"')) == [
        ("event[0] (x).date", "date is missing", "add date = 2022-12-01")
    ]
    assert problems(tmp_path, UNITS + ENTITY + event(date="2021-01-01", entity='"x"')) == [
        ("event[0] (x).kind", "kind is missing", "kind = create|rename|merge|transfer|dissolve")
    ]


def test_an_entity_without_id_or_unit_and_a_credit_code_of_another_type(tmp_path: Path) -> None:
    text = UNITS + '[[entity]]\nname_zh = "无名"\nunit = "a"\ntype = "holding"\n'
    text += '[[entity]]\nid = "x"\nname_zh = "某"\n'
    text += '[[entity]]\nid = "y"\nname_zh = "某"\nunit = 3\ncredit_code = 9135\n'
    types = "single, group, difference"
    assert problems(tmp_path, text) == [
        # without an id, the place is the entity's index alone
        ("entity[0].id", "id is missing", 'add id = "..."'),
        ("entity[0].type", f"'holding' is not one of: {types}", f"use one of: {types}"),
        ("entity[1] (x).unit", "unit is missing", 'add unit = "..."'),
        ("entity[2] (y).unit", "unit must be a non-empty string, not 3", ""),
        ("entity[2] (y).credit_code", "credit_code must be a non-empty string, not 9135", ""),
    ]


def test_a_structure_file_that_is_not_utf8_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes('[structure]\nname_zh = "柯城"\n'.encode("gbk"))
    with pytest.raises(DataFileError) as exc:
        load_structure_file(path)
    assert [(p.where, p.what, p.fix) for p in exc.value.problems] == [
        (str(path), "not UTF-8 text", "save the structure file as UTF-8")
    ]
