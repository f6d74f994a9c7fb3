"""Registers in the store: each load a version with history, refused loads change nothing, the
content checked on read, the environment's failures named, and the merge with a plugin."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from _registers import CHANGSHAN, CHANGSHAN_CHANGES, register_workbook
from soeplan.cli import main
from soeplan.registers.merge import merge_register
from soeplan.registers.reader import RegisterError, read_register
from soeplan.registers.records import Register, RegisterEntry
from soeplan.structure.records import Entity, NodeType, UnitStructure
from soeplan.submissions import store_db
from soeplan.submissions.store import Store, StoreBusyError, StoreError
from soeplan.submissions.store_registers import (
    load_register,
    register_versions,
    store_structure,
    stored_register,
)


def cli(*args: object) -> int:
    return main([str(a) for a in args])


def _digest(path: Path) -> str:
    return hashlib.sha256((path / "soeplan.sqlite").read_bytes()).hexdigest()


def _dump(store: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(store / "soeplan.sqlite")
    try:
        return [
            (t, *r)
            for t in ("register_versions", "register_entries", "register_changes", "received")
            for r in con.execute(f"SELECT * FROM {t}")
        ]
    finally:
        con.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    load_register(root, register_workbook(tmp_path / "cs.xlsx"), by="Li")
    return root


@pytest.mark.usefixtures("clock_at_utc_plus_8")  # the load time is UTC, not the local time
def test_each_load_is_a_version_with_its_file_time_and_sender(store: Path, tmp_path: Path) -> None:
    later = register_workbook(
        tmp_path / "cs-2024.xlsx",
        as_of=dt.date(2024, 12, 31),
        entities=[
            *CHANGSHAN,
            {"id": "cs.new", "name_zh": "新公司", "parent": "cs.group", "since": 2024},
        ],
    )
    before = dt.datetime.now(dt.UTC)
    load_register(store, later, by="Wang")
    v1, v2 = register_versions(store, "changshan")
    assert (v1.version, v1.loaded_by, v1.source, v1.entries) == (1, "Li", "cs.xlsx", 3)
    assert (v2.version, v2.loaded_by, v2.as_of, v2.entries) == (2, "Wang", dt.date(2024, 12, 31), 4)
    assert v1.sha256 == hashlib.sha256((tmp_path / "cs.xlsx").read_bytes()).hexdigest()
    # every field of a version reads back: its file's size, the load's time, the changes it lists
    assert (v1.size, v2.size) == ((tmp_path / "cs.xlsx").stat().st_size, later.stat().st_size)
    loaded = dt.datetime.strptime(v2.loaded_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    assert v1.loaded_at <= v2.loaded_at and before <= loaded <= dt.datetime.now(dt.UTC)
    assert (v1.changes, v2.changes) == (len(CHANGSHAN_CHANGES), len(CHANGSHAN_CHANGES))
    # a stored register names the version and the file it was read from
    assert (
        stored_register(store, "changshan", version=1).source == "register changshan v1 (cs.xlsx)"
    )  # type: ignore[union-attr]
    # the register stated for a date: the latest as-of on or before it (else the earliest)
    days = (dt.date(2020, 1, 1), dt.date(2024, 6, 30), dt.date(2025, 1, 1))
    at = {d: stored_register(store, "changshan", at=d) for d in days}
    assert [len(r.entries) for r in at.values() if r] == [3, 3, 4]  # type: ignore[misc]
    assert len(stored_register(store, "changshan", version=1).entries) == 3  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="no version 9"):
        stored_register(store, "changshan", version=9)


def test_a_load_into_an_open_store_with_no_sender_named(tmp_path: Path) -> None:
    root = tmp_path / "store"
    load_register(Store(root), register_workbook(tmp_path / "cs.xlsx"))
    assert [(v.version, v.loaded_by) for v in register_versions(root)] == [(1, "")]
    # the bundled sample's enterprises fill in a structure only when asked for
    plain, with_sample = store_structure(root), store_structure(root, sample=True)
    assert set(plain.entities) < set(with_sample.entities)


def test_a_load_and_the_stores_structure_use_the_registry_given(
    store: Path, tmp_path: Path
) -> None:
    from soeplan.plugins.host import make_host
    from soeplan.plugins.registry import build_registry

    bare = build_registry(make_host(load_entry_points=False))  # the core alone: no county plugin
    assert "qj.water" in store_structure(store).entities  # the qujiang plugin's enterprise
    without = store_structure(store, registry=bare)
    assert "qj.water" not in without.entities and "cs.water" in without.entities
    # an id the qujiang plugin has already: refused with the plugins, loaded without them
    clash = register_workbook(
        tmp_path / "clash.xlsx", entities=[{"id": "qj.water", "name_zh": "重名"}], changes=[]
    )
    with pytest.raises(RegisterError, match=r"qj\.water is in two units"):
        load_register(store, clash)
    assert load_register(store, clash, registry=bare).version.version == 2


def test_a_register_must_fit_the_other_units_stored_registers(store: Path, tmp_path: Path) -> None:
    # cs.water is only in changshan's stored register: kaihua's register cannot name it too
    kaihua = register_workbook(tmp_path / "kh.xlsx", unit_id="kaihua", changes=[],
                               entities=[{"id": "cs.water", "name_zh": "重名"}])  # fmt: skip
    with pytest.raises(RegisterError, match=r"cs\.water is in two units") as exc:
        load_register(store, kaihua)
    assert exc.value.path == kaihua  # the refusal names the workbook
    assert [v.unit for v in register_versions(store)] == ["changshan"]


def test_the_stores_structure_takes_fallback_files(store: Path, tmp_path: Path) -> None:
    extra = tmp_path / "kaihua.toml"
    extra.write_text(
        'format = 1\n[[entity]]\nid = "kh.one"\nname_zh = "开化一号"\nunit = "kaihua"\n',
        encoding="utf-8",
    )
    assert "kh.one" not in store_structure(store).entities
    with_file = store_structure(store, fallback_files=[extra])
    assert with_file.entities["kh.one"].unit == "kaihua" and "cs.water" in with_file.entities


def test_a_refused_load_leaves_the_store_unchanged(store: Path, tmp_path: Path) -> None:
    before, rows = _digest(store), _dump(store)
    bad = register_workbook(
        tmp_path / "bad.xlsx", entities=[{"id": "cs.x", "name_zh": "甲", "parent": "cs.none"}]
    )
    with pytest.raises(RegisterError, match="unknown parent"):
        load_register(store, bad)
    # an id another unit's structure has already: the city's structure would not compose
    clash = register_workbook(
        tmp_path / "clash.xlsx", entities=[{"id": "mun.jiaotou", "name_zh": "重名"}], changes=[]
    )
    with pytest.raises(RegisterError, match=r"mun\.jiaotou is in two units"):
        load_register(store, clash)
    unknown = register_workbook(tmp_path / "u.xlsx", changes=[])
    import openpyxl

    wb = openpyxl.load_workbook(unknown)
    wb["_soeplan"]["B3"] = "atlantis"
    wb.save(unknown)
    with pytest.raises(RegisterError, match="unknown unit 'atlantis'"):
        load_register(store, unknown)
    assert _dump(store) == rows and _digest(store) == before
    assert [v.version for v in register_versions(store, "changshan")] == [1]


def test_a_register_changed_inside_the_database_is_detected(store: Path) -> None:
    con = sqlite3.connect(store / "soeplan.sqlite")
    with con:
        con.execute("UPDATE register_entries SET parent = NULL WHERE id = 'cs.water'")
    con.close()
    with pytest.raises(StoreError, match="register of changshan version 1 was changed"):
        stored_register(store, "changshan")
    with pytest.raises(StoreError, match="was changed after it was loaded"):
        store_structure(store)  # the rollup, the template and ingest read it through this


def test_a_read_only_or_busy_store_is_named(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register_workbook(tmp_path / "again.xlsx")
    with monkeypatch.context() as m:
        real = store_db.sqlite3.connect
        m.setattr(
            store_db.sqlite3, "connect", lambda p, **kw: real(f"file:{p}?mode=ro", uri=True, **kw)
        )
        assert cli("register", "load", path, "--store", store) == 2
        err = capsys.readouterr().err
        assert "read-only" in err and "bug" not in err
    monkeypatch.setenv(store_db.BUSY_ENV, "0.2")
    holder = sqlite3.connect(store / "soeplan.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError, match="busy"):
            load_register(store, path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [v.version for v in register_versions(store, "changshan")] == [1]


def test_a_store_written_before_registers_gets_their_tables_on_the_first_load(
    store: Path, tmp_path: Path
) -> None:
    con = sqlite3.connect(store / "soeplan.sqlite")
    with con:
        for t in ("register_changes", "register_entries", "register_versions"):
            con.execute(f"DROP TABLE {t}")
    con.close()
    assert register_versions(store) == [] and stored_register(store, "changshan") is None
    load_register(store, tmp_path / "cs.xlsx")
    assert [v.version for v in register_versions(store)] == [1]


def _entity(eid: str, **kw: object) -> Entity:
    return Entity(id=eid, name_zh=str(kw.pop("name_zh", eid)), unit="kecheng", **kw)  # type: ignore[arg-type]


def test_the_merge_rule_register_wins_and_every_disagreement_is_a_finding() -> None:
    plugin = UnitStructure(
        unit="kecheng",
        entities=(
            _entity("kc.g", node_type=NodeType.GROUP, name_en="Group", industry="L72"),
            _entity("kc.a", parent="kc.g", name_zh="甲公司", name_en="A Co", synthetic=True),
            _entity("kc.b", parent="kc.g", name_zh="乙公司"),  # only in the plugin
        ),
    )
    register = Register(
        unit="kecheng",
        as_of=dt.date(2023, 12, 31),
        entries=(
            RegisterEntry(id="kc.g", name_zh="kc.g", unit="kecheng", node_type=NodeType.GROUP),
            RegisterEntry(id="kc.a", name_zh="甲有限公司", unit="kecheng", parent=None),
            RegisterEntry(id="kc.c", name_zh="丙公司", unit="kecheng", parent="kc.g"),
        ),
    )
    merged, findings = merge_register(register, plugin)
    by_id = {e.id: e for e in merged.entities}
    assert by_id["kc.a"].name_zh == "甲有限公司" and by_id["kc.a"].parent is None  # register wins
    assert by_id["kc.a"].name_en == "A Co"  # blank in the register: the plugin's
    assert not by_id["kc.a"].synthetic  # the register lists it: real
    assert by_id["kc.g"].industry == "L72" and "kc.c" in by_id  # register-only entity added
    assert by_id["kc.b"].name_zh == "乙公司"  # plugin-only entity kept
    got = {(f.entity, f.attribute, f.register, f.plugin) for f in findings}
    assert got == {
        ("kc.a", "name_zh", "甲有限公司", "甲公司"),
        ("kc.a", "parent", "", "kc.g"),
        ("kc.b", "entity", "", "乙公司"),
    }
    assert "not in the register" in str(next(f for f in findings if f.entity == "kc.b"))
    assert merge_register(register, None) == (register.unit_structure(), ())


def test_loading_a_register_for_a_unit_with_a_plugin_lists_the_disagreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    assert (
        cli(
            "register",
            "template",
            "--unit",
            "kecheng",
            "--out",
            tmp_path / "kc.xlsx",
            "--as-of",
            "2023-12-31",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "from the structure of plugin" in out
    prefilled = read_register(tmp_path / "kc.xlsx")
    assert prefilled.entries and prefilled.as_of == dt.date(2023, 12, 31)
    first = prefilled.entries[1]
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "kc.xlsx")
    wb["企业名录 Entities"]["B5"] = first.name_zh + "（更正）"
    wb.save(tmp_path / "kc.xlsx")
    assert cli("register", "load", tmp_path / "kc.xlsx", "--store", store) == 0
    err = capsys.readouterr().err
    assert f"kecheng {first.id} name_zh: register {first.name_zh}（更正）" in err
    s = store_structure(store)
    assert s.entities[first.id].name_zh == first.name_zh + "（更正）"
    # the template from the store now starts from the stored register
    assert (
        cli(
            "register",
            "template",
            "--unit",
            "kecheng",
            "--store",
            store,
            "--out",
            tmp_path / "kc2.xlsx",
        )
        == 0
    )
    assert "the store's register version 1" in capsys.readouterr().out
    assert (
        read_register(tmp_path / "kc2.xlsx").entries == read_register(tmp_path / "kc.xlsx").entries
    )


def test_register_commands_show_history_and_refuse_with_exit_1(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        cli("register", "history", "--unit", "changshan", "--store", store, "--format", "json") == 0
    )
    (h,) = json.loads(capsys.readouterr().out)
    assert (h["version"], h["loaded_by"], h["as_of"]) == (1, "Li", "2023-12-31")
    assert (
        cli(
            "register",
            "show",
            "--unit",
            "changshan",
            "--store",
            store,
            "--at",
            "2021-12-31",
            "--format",
            "csv",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "cs.tour,常山县文旅发展有限公司" in out  # the name before its rename of 2022-06-01
    assert "51.00%" in out and "AA (中诚信国际, 2023-06-30)" in out
    assert cli("register", "show", "--unit", "changshan", "--store", store) == 0
    bad = register_workbook(
        tmp_path / "bad.xlsx", entities=[{"id": "cs.x", "name_zh": "甲", "state_share": -0.2}]
    )
    assert cli("register", "check", bad) == 1
    out, err = capsys.readouterr()
    assert "J4" in out and "not a share" in out and "Traceback" not in err
    assert cli("register", "load", bad, "--store", store) == 1
    assert cli("register", "check", tmp_path / "cs.xlsx") == 0
    assert cli("register", "show", "--unit", "kaihua", "--store", store) == 2
    assert "holds no register of kaihua" in capsys.readouterr().err
    assert cli("register", "template", "--unit", "atlantis", "--out", tmp_path / "a.xlsx") == 2


def test_a_transfer_to_another_unit_is_checked_against_the_city(tmp_path: Path) -> None:
    moved = [
        {"date": dt.date(2023, 3, 1), "kind": "资产划转", "entity": "cs.tour",
         "target": "mun.guozi", "unit": "municipal"},
    ]  # fmt: skip
    store = tmp_path / "store"
    load_register(store, register_workbook(tmp_path / "ok.xlsx", changes=moved))
    s = store_structure(store)
    assert (s.at(2022)["cs.tour"].unit, s.at(2023)["cs.tour"].unit) == ("changshan", "municipal")
    assert s.at(2023)["cs.tour"].parent == "mun.guozi"
    wrong = [dict(moved[0], unit="atlantis")]
    with pytest.raises(RegisterError, match="unknown unit 'atlantis' in 划入单位"):
        read_register(register_workbook(tmp_path / "bad.xlsx", changes=wrong))
    nowhere = [dict(moved[0], target="mun.nowhere")]
    with pytest.raises(RegisterError, match=r"unknown target 'mun\.nowhere'"):
        load_register(store, register_workbook(tmp_path / "bad2.xlsx", changes=nowhere))
    assert [v.version for v in register_versions(store)] == [1]


def test_the_registers_attributes_by_date_and_in_the_parquet_export(
    store: Path, tmp_path: Path
) -> None:
    import polars as pl

    from soeplan.submissions.register_view import register_frame

    changed = [dict(CHANGSHAN[0]), dict(CHANGSHAN[1], state_share=0.6), dict(CHANGSHAN[2])]
    later = register_workbook(tmp_path / "v2.xlsx", entities=changed, as_of=dt.date(2024, 12, 31))
    load_register(store, later)
    share = {
        d: register_frame(store, d).filter(pl.col("entity") == "cs.water")["state_share"].item()
        for d in (dt.date(2023, 12, 31), dt.date(2024, 12, 31))
    }
    assert share == {dt.date(2023, 12, 31): pytest.approx(0.51), dt.date(2024, 12, 31): 0.6}
    assert cli("store", "export", "--store", store, "--out", tmp_path / "pq") == 0
    exported = pl.read_parquet(tmp_path / "pq" / "registers.parquet")
    assert exported.group_by("version").len().sort("version").rows() == [(1, 3), (2, 3)]
    assert exported.schema["rating_date"] == pl.Date


def test_a_units_register_is_its_own_whichever_unit_loaded_last(
    store: Path, tmp_path: Path
) -> None:
    kaihua = [{"id": "kh.water", "name_zh": "开化县水务有限公司", "node_type": "单户",
               "functional_class": "公益类", "industry": "D46", "sector": "基础设施与民生保障",
               "state_share": 1}]  # fmt: skip
    load_register(store, register_workbook(tmp_path / "kh.xlsx", "kaihua", kaihua, []))
    changshan = stored_register(store, "changshan")
    assert changshan is not None and changshan.unit == "changshan"
    assert [e.id for e in changshan.entries] == ["cs.group", "cs.water", "cs.tour"]
    with pytest.raises(StoreError) as exc:
        stored_register(store, "changshan", version=2)
    assert "changshan's register has no version 2 (versions: 1)" in str(exc.value)
    with pytest.raises(StoreError) as none:
        stored_register(store, "longyou", version=1)
    assert "longyou's register has no version 1 (versions: none)" in str(none.value)
    assert stored_register(store, "longyou") is None


def test_the_register_version_in_force_at_a_date() -> None:
    from soeplan.submissions.store_registers import RegisterVersion, in_force

    def v(version: int, as_of: dt.date) -> RegisterVersion:
        return RegisterVersion(unit="changshan", version=version, as_of=as_of, source="r.xlsx",
                               sha256="", size=0, loaded_at="", loaded_by="", entries=0,
                               changes=0, content_sha256="")  # fmt: skip

    def version(versions: list[RegisterVersion], at: dt.date | None) -> int:
        chosen = in_force(versions, at)
        assert chosen is not None
        return chosen.version

    end_2023, mid_2024 = dt.date(2023, 12, 31), dt.date(2024, 6, 30)
    loaded = [v(1, end_2023), v(2, mid_2024), v(3, end_2023)]  # as loaded, oldest first
    assert in_force([], None) is None and in_force([], end_2023) is None
    assert version(loaded, None) == 3  # the last loaded
    dates = (end_2023, dt.date(2024, 1, 1), mid_2024, dt.date(2030, 1, 1), dt.date(2023, 1, 1))
    assert [version(loaded, at) for at in dates] == [3, 3, 2, 2, 1]
    # before every as-of date: the earliest as-of, and of those the first loaded
    assert version([v(1, mid_2024), v(2, end_2023), v(3, end_2023)], dt.date(2020, 1, 1)) == 2


def test_a_registers_digest_is_the_one_earlier_loads_recorded(tmp_path: Path) -> None:
    """The digest of a register's canonical rows is recorded at load and checked on every read:
    a change to how it is computed would refuse every register stored before it. The value
    pinned here is the Changshan test register's digest as this version records it; change it
    only together with a migration of the stored digests."""
    from soeplan.submissions.store_registers import content_digest

    register = read_register(register_workbook(tmp_path / "cs.xlsx"))
    assert content_digest(register) == (
        "7b913e3a7c92c3025dbb200ae1b114e8cee5cd763244f838f9868020a18380b8"
    )


def test_whether_a_store_holds_a_units_register(store: Path, tmp_path: Path) -> None:
    from soeplan.submissions.store_registers import has_register

    assert has_register(store, "changshan") and has_register(str(store), "changshan")
    assert not has_register(store, "kaihua")
    assert not has_register(None, "changshan")
    assert not has_register(tmp_path / "no-store", "changshan")
