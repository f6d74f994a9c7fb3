"""The capital operations register (资本运作台账): its workbook round-trips, every problem is
listed at once with its place and fix, a load is a version with history (a refused one writes
nothing), tampering is detected, and the store exports it."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from _registers import register_workbook, unit
from soeplan import (
    ListingStage,
    ListingStep,
    Operations,
    Reform,
    ReformKind,
    Store,
    check_operations,
    load_operations,
    operations_frames,
    operations_versions,
    read_operations,
    sample_operations,
    store_inputs,
    stored_operations,
    write_operations_template,
)
from soeplan.cli import main
from soeplan.registers.operations import LISTING_SHEET, REFORM_SHEET
from soeplan.registers.reader import RegisterError
from soeplan.submissions.store_db import StoreError

OPS = Operations(
    unit="changshan",
    as_of=dt.date(2023, 12, 31),
    listings=(
        ListingStep(entity="cs.tour", stage=ListingStage.SCREENING, date=dt.date(2022, 3, 1)),
        ListingStep(entity="cs.tour", stage=ListingStage.IDENTIFIED, date=dt.date(2023, 2, 1),
                    note="=not a formula"),
    ),
    reforms=(
        Reform(entity="cs.water", date=dt.date(2023, 5, 1), kind=ReformKind.STRATEGIC_INVESTOR,
               share_before=1.0, share_after=0.51, investors="@某水务投资（示例）"),
    ),
)  # fmt: skip


def _write(path: Path, ops: Operations = OPS) -> Path:
    return write_operations_template(path, unit=unit("changshan"), operations=ops)


def test_the_workbook_round_trips_and_text_stays_text(tmp_path: Path) -> None:
    again = read_operations(_write(tmp_path / "ops.xlsx"))
    assert (again.listings, again.reforms, again.as_of) == (OPS.listings, OPS.reforms, OPS.as_of)
    ws = load_workbook(tmp_path / "ops.xlsx")[LISTING_SHEET]
    assert ws["F5"].data_type == "s" and ws["F5"].value == "=not a formula"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(ReformKind)),
            st.dates(dt.date(2015, 1, 1), dt.date(2023, 12, 31)),
            st.one_of(st.none(), st.integers(0, 10_000).map(lambda x: x / 10_000)),
            st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S")), max_size=20),
        ),
        max_size=6,
    )
)
def test_any_reforms_round_trip(
    tmp_path: Path, rows: list[tuple[ReformKind, dt.date, float | None, str]]
) -> None:
    reforms = tuple(
        Reform(entity="cs.water", date=d, kind=k, share_before=s, share_after=s,
               investors=text.strip())
        for k, d, s, text in rows
    )  # fmt: skip
    ops = Operations(unit="changshan", as_of=dt.date(2023, 12, 31), reforms=reforms)
    again = read_operations(_write(tmp_path / "h.xlsx", ops))
    assert again.reforms == reforms


def test_every_problem_at_once_with_its_place(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.xlsx")
    wb = load_workbook(path)
    ls, rs = wb[LISTING_SHEET], wb[REFORM_SHEET]
    ls["B4"] = "上会"  # not a stage
    ls["A6"], ls["B6"], ls["C6"] = "cs.tour", "认定", dt.date(2021, 1, 1)  # twice, and earlier
    rs["D4"] = "150%"
    rs["B5"], rs["C5"], rs["A5"] = dt.date(2024, 3, 1), "混改", "cs.water"  # after the as-of date
    rs["A6"], rs["C6"] = "cs.water", "改制"  # no date, unknown kind
    wb.save(path)
    found = check_operations(path)
    assert found.operations is None
    text = "\n".join(str(p) for p in found.problems)
    assert (
        f"{LISTING_SHEET}!B4 (阶段 Stage): '上会' is not one of: 摸排, 认定, 辅导, 报会, 上市"
        in text
    )
    assert "stage 认定 is listed twice (rows 5 and 6)" in text
    assert f"{REFORM_SHEET}!D4 (改革前国有股权比例 State share before): '150%'" in text
    assert "dated 2024-03-01, after the register's as-of date 2023-12-31" in text
    assert f"{REFORM_SHEET}!B6 (日期 Date): 日期 is missing" in text
    assert f"{REFORM_SHEET}!C6 (改革类型 Kind of reform): '改制' is not one of" in text
    with pytest.raises(RegisterError):
        read_operations(path)


def test_a_later_stage_dated_before_an_earlier_one_is_a_problem(tmp_path: Path) -> None:
    ops = Operations(unit="changshan", as_of=dt.date(2023, 12, 31), listings=(
        ListingStep(entity="cs.tour", stage=ListingStage.TUTORING, date=dt.date(2021, 1, 1)),
        ListingStep(entity="cs.tour", stage=ListingStage.SCREENING, date=dt.date(2022, 1, 1)),
    ))  # fmt: skip
    found = check_operations(_write(tmp_path / "o.xlsx", ops))
    assert [p.what for p in found.problems] == ["辅导 on 2021-01-01 is before 摸排 on 2022-01-01"]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    from soeplan.submissions.store_registers import load_register

    root = tmp_path / "store"
    load_register(root, register_workbook(tmp_path / "cs.xlsx"))
    return root


def _digest(store: Path) -> str:
    return hashlib.sha256((store / "soeplan.sqlite").read_bytes()).hexdigest()


def _change_a_stored_share(store: Path) -> None:
    """Edit a stored version's content behind the store's back (0.51 → 0.50)."""
    con = sqlite3.connect(store / "soeplan.sqlite")
    con.execute("UPDATE operations_versions SET content = replace(content, '0.51', '0.50')")
    con.commit()
    con.close()


def test_loads_are_versions_a_refused_load_writes_nothing_and_tampering_is_found(
    store: Path, tmp_path: Path
) -> None:
    v1 = load_operations(store, _write(tmp_path / "a.xlsx"), by="Li")
    later = Operations(unit="changshan", as_of=dt.date(2024, 6, 30), listings=OPS.listings)
    v2 = load_operations(Store(store), _write(tmp_path / "b.xlsx", later))  # an open store
    assert [(v.version, v.listings, v.reforms, v.loaded_by) for v in operations_versions(store)] == [
        (1, 2, 1, "Li"), (2, 2, 0, ""),
    ]  # fmt: skip
    assert (v1.version, v2.version) == (1, 2)
    assert operations_versions(Store(store)) == operations_versions(store)  # an open store
    assert stored_operations(store, dt.date(2023, 12, 31))[0].reforms == OPS.reforms
    assert stored_operations(store)[0].reforms == ()
    before = _digest(store)
    stranger = Operations(unit="changshan", as_of=dt.date(2023, 12, 31), reforms=(
        Reform(entity="kh.water", date=dt.date(2023, 1, 1), kind=ReformKind.MIXED),), listings=(
        ListingStep(entity="kh.tour", stage=ListingStage.SCREENING, date=dt.date(2022, 3, 1)),))  # fmt: skip
    with pytest.raises(RegisterError) as exc:
        load_operations(store, _write(tmp_path / "c.xlsx", stranger))
    assert "enterprise 'kh.water' is not one of changshan's" in str(exc.value.render())
    # the refusal names the file, and each problem its sheet and row
    assert exc.value.path == tmp_path / "c.xlsx"
    assert [(p.where, p.what) for p in exc.value.problems] == [
        ("上市梯队 Listing pipeline row 4", "enterprise 'kh.tour' is not one of changshan's"),
        ("改革记录 Reforms row 4", "enterprise 'kh.water' is not one of changshan's"),
    ]
    assert _digest(store) == before
    _change_a_stored_share(store)
    with pytest.raises(StoreError, match="changed after it was loaded"):
        stored_operations(store, dt.date(2023, 12, 31))


def test_the_store_exports_and_feeds_the_capital_figures(store: Path, tmp_path: Path) -> None:
    load_operations(store, _write(tmp_path / "a.xlsx"))
    assert main(["store", "export", "--store", str(store), "--out", str(tmp_path / "pq")]) == 0
    listings = pl.read_parquet(tmp_path / "pq" / "listings.parquet")
    reforms = pl.read_parquet(tmp_path / "pq" / "reforms.parquet")
    assert listings.select("entity", "stage", "version").rows() == [
        ("cs.tour", "screening", 1), ("cs.tour", "identified", 1),
    ]  # fmt: skip
    assert reforms.select("share_before", "share_after").rows() == [(1.0, 0.51)]
    inputs = store_inputs(store, [2023], plugins=False)  # the store's alone, no plugin's
    assert inputs.attributes.height == 3 and inputs.reforms["investors"].to_list() == [
        "@某水务投资（示例）"
    ]


def test_the_commands_check_load_and_show_history(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert main(["operations", "template", "--unit", "changshan", "--out", str(path)]) == 0
    wb = load_workbook(path)
    wb[REFORM_SHEET]["A4"], wb[REFORM_SHEET]["B4"] = "cs.water", dt.date(2023, 1, 1)
    wb[REFORM_SHEET]["C4"] = "兼并重组"
    wb.save(path)
    assert main(["operations", "check", str(path)]) == 0
    assert main(["operations", "load", str(path), "--store", str(store), "--by", "Wang"]) == 0
    assert main(["operations", "history", "--unit", "changshan", "--store", str(store)]) == 0
    wb[REFORM_SHEET]["D4"] = "=1/2"
    wb.save(path)
    assert main(["operations", "check", str(path)]) == 1
    assert main(["operations", "check", str(tmp_path / "missing.xlsx")]) == 2
    filled = tmp_path / "again.xlsx"
    assert main(["operations", "template", "--unit", "changshan", "--store", str(store),
                 "--out", str(filled)]) == 0  # fmt: skip
    assert read_operations(filled).reforms[0].kind is ReformKind.INTEGRATION


def test_the_frames_of_registers_given_or_of_every_version_in_a_store(
    store: Path, tmp_path: Path
) -> None:
    listings, reforms = operations_frames([OPS])  # registers given: version 0
    assert (listings["version"].to_list(), reforms["version"].to_list()) == ([0, 0], [0])
    load_operations(store, _write(tmp_path / "a.xlsx"))
    for where in (store, str(store), Store(store)):
        listings, reforms = operations_frames(where)
        assert (listings["version"].to_list(), reforms["version"].to_list()) == ([1, 1], [1])
        assert listings["entity"].to_list() == ["cs.tour", "cs.tour"]
    _change_a_stored_share(store)
    with pytest.raises(StoreError, match=r"soeplan\.sqlite: the capital operations register"):
        operations_frames(store)


def test_the_sample_operations_are_synthetic_and_name_sample_enterprises() -> None:
    listings, reforms = operations_frames(sample_operations())
    assert set(listings["note"]) == {"示例（合成）"} and set(reforms["note"]) == {"示例（合成）"}
    assert listings.filter(stage="listed")["entity"].to_list() == ["mun.guozi.capital"]


@pytest.mark.usefixtures("clock_at_utc_plus_8")  # the load time is UTC, not the local time
def test_a_stored_version_reads_back_as_loaded_field_for_field(store: Path, tmp_path: Path) -> None:
    dated = Operations(
        unit="changshan",
        as_of=dt.date(2023, 12, 31),
        listings=OPS.listings,
        reforms=(
            *OPS.reforms,
            Reform(entity="cs.water", date=dt.date(2023, 8, 1), kind=ReformKind.MIXED,
                   event_date=dt.date(2023, 9, 30), note="改制（示例）"),
        ),
    )  # fmt: skip
    path = _write(tmp_path / "dated.xlsx", dated)
    before = dt.datetime.now(dt.UTC)
    v = load_operations(store, path, by="Li")
    raw = path.read_bytes()
    loaded = dt.datetime.strptime(v.loaded_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    assert before <= loaded <= dt.datetime.now(dt.UTC)
    assert (v.unit, v.version, v.as_of, v.source, v.size, v.listings, v.reforms) == (
        "changshan",
        1,
        dt.date(2023, 12, 31),
        "dated.xlsx",
        len(raw),
        2,
        2,
    )
    assert v.sha256 == hashlib.sha256(raw).hexdigest()
    assert operations_versions(store) == [v] == operations_versions(store, "changshan")
    assert operations_versions(store, "kaihua") == []
    (back,) = stored_operations(store)
    assert (back.unit, back.as_of, back.listings, back.reforms) == (
        dated.unit,
        dated.as_of,
        dated.listings,
        dated.reforms,
    )
    assert (
        back.reforms[1].event_date == dt.date(2023, 9, 30)
        and back.source == "operations changshan v1 (dated.xlsx)"
    )


def test_the_version_stated_for_a_date_for_each_unit(store: Path, tmp_path: Path) -> None:
    from soeplan.submissions.store_registers import load_register

    kaihua = [{"id": "kh.water", "name_zh": "开化县水务有限公司", "node_type": "单户",
               "functional_class": "公益类", "industry": "D46", "sector": "基础设施与民生保障",
               "state_share": 1}]  # fmt: skip
    load_register(store, register_workbook(tmp_path / "kh.xlsx", "kaihua", kaihua, []))
    step = OPS.listings[0]
    for name, as_of in (("v1", dt.date(2023, 12, 31)), ("v2", dt.date(2024, 6, 30)),
                        ("v3", dt.date(2023, 12, 31))):  # fmt: skip
        ops = Operations(unit="changshan", as_of=as_of, listings=(step,))
        load_operations(store, _write(tmp_path / f"{name}.xlsx", ops))
    kh = Operations(unit="kaihua", as_of=dt.date(2023, 12, 31), reforms=(
        Reform(entity="kh.water", date=dt.date(2023, 3, 1), kind=ReformKind.MIXED),))  # fmt: skip
    write_operations_template(tmp_path / "kh-ops.xlsx", unit=unit("kaihua"), operations=kh)
    load_operations(store, tmp_path / "kh-ops.xlsx")

    def picked(at: dt.date | None) -> list[tuple[str, str]]:
        return [(o.unit, o.source) for o in stored_operations(store, at)]

    def cs(v: str) -> tuple[str, str]:
        return ("changshan", f"operations changshan {v} ({v}.xlsx)")

    kh_v1 = ("kaihua", "operations kaihua v1 (kh-ops.xlsx)")
    assert picked(None) == [cs("v2"), kh_v1]  # the latest as-of date
    assert picked(dt.date(2024, 6, 30)) == [cs("v2"), kh_v1]
    assert picked(dt.date(2023, 12, 31)) == [cs("v3"), kh_v1]  # on the date: the later load
    assert picked(dt.date(2024, 1, 1)) == [cs("v3"), kh_v1]
    assert picked(dt.date(2023, 6, 30)) == [cs("v1"), kh_v1]  # before every as-of: the earliest


def test_a_versions_content_digest_is_the_one_this_version_records(
    store: Path, tmp_path: Path
) -> None:
    """Each read checks the stored content against the digest recorded at load: a change to
    the canonical content (its keys' order, its escaping) would refuse every stored version.
    Change the value pinned here only together with a migration of the stored digests."""
    v = load_operations(store, _write(tmp_path / "a.xlsx"))
    assert v.content_sha256 == "5d379740eafd1b4c94959da2af0247ca832e2447b87f39dd3840a62bd75b5023"
