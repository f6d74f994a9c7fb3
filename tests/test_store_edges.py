"""The store's records, exactly: versions per (unit, year), the fault-injection hook, and what
read_store narrows to. (The Parquet store's manifest and staging are gone with the SQLite store;
tests/test_store_db.py covers the database's own guarantees.)"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import polars as pl
import pytest

from soeplan import SoeplanError, Store, StoreEntry, read_store

FAULT = "SOEPLAN_STORE_FAULT"  # the store's fault-injection hook (see soeplan.submissions.store)


def frame(unit: str, year: int, value: float, rows: int = 2) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit": [unit] * rows,
            "entity": [f"{unit}.e{i:05d}" for i in range(rows)],
            "year": [year] * rows,
            "indicator": ["total_assets"] * rows,
            "value": [value + i for i in range(rows)],
            "explanation": ["资产划转"] + [None] * (rows - 1),
        }
    )


def test_versions_count_per_unit_and_year(tmp_path: Path) -> None:
    st = Store(tmp_path / "store")
    assert st.entries() == () and st.current() == ()
    made = [
        st.put(frame("b", 2023, 1.0), unit="b", year=2023),
        st.put(frame("a", 2023, 2.0), unit="a", year=2023),
        st.put(frame("a", 2022, 3.0), unit="a", year=2022),
        st.put(frame("a", 2023, 4.0), unit="a", year=2023),
    ]
    assert [(e.unit, e.year, e.version) for e in made] == [
        ("b", 2023, 1),
        ("a", 2023, 1),
        ("a", 2022, 1),  # another year of unit a, not a's next version
        ("a", 2023, 2),
    ]
    # sorted by unit, year, version
    assert [(e.unit, e.year, e.version) for e in st.entries()] == [
        ("a", 2022, 1),
        ("a", 2023, 1),
        ("a", 2023, 2),
        ("b", 2023, 1),
    ]
    assert {(e.unit, e.year, e.version) for e in st.current()} == {
        ("a", 2022, 1),
        ("a", 2023, 2),
        ("b", 2023, 1),
    }
    assert st.entry("a", 2022).version == 1 and st.entry("a", 2022).unit == "a"
    assert st.entry("b", 2023).version == 1 and st.entry("b", 2023).unit == "b"
    assert st.entry("a", 2023, 1).version == 1
    assert st.read("a", 2023)["value"].to_list() == [4.0, 5.0]
    assert st.read("a", 2023, 1)["value"].to_list() == [2.0, 3.0]


def test_an_unknown_submission_names_what_the_store_holds(tmp_path: Path) -> None:
    st = Store(tmp_path / "store")
    with pytest.raises(SoeplanError, match=r"\(it holds: nothing yet\)"):
        st.entry("a", 2023)
    st.put(frame("a", 2023, 1.0), unit="a", year=2023)
    st.put(frame("b", 2022, 1.0), unit="b", year=2022)
    with pytest.raises(SoeplanError, match=r"\(it holds: a 2023, b 2022\)"):
        st.entry("c", 2023)
    with pytest.raises(SoeplanError, match=r"has no version 3 .*\(versions: 1\)"):
        st.entry("a", 2023, 3)


def test_defaults_of_an_entry(tmp_path: Path) -> None:
    e = Store(tmp_path / "s").put(frame("a", 2023, 1.0), unit="a", year=2023)
    assert (e.source, e.source_sha256, e.synthetic, e.warnings_explained) == ("", "", False, 0)
    assert StoreEntry(
        unit="a", year=1, version=1, path="p", sha256="s", rows=0, ingested_at="t"
    ).to_json() == {
        "unit": "a",
        "year": 1,
        "version": 1,
        "path": "p",
        "sha256": "s",
        "rows": 0,
        "ingested_at": "t",
        "source": "",
        "source_sha256": "",
        "synthetic": False,
        "warnings_explained": 0,
        "month": None,
    }


def test_the_ingested_at_time_is_utc_whatever_the_local_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        e = Store(tmp_path / "s").put(frame("a", 2023, 1.0), unit="a", year=2023)
    finally:
        monkeypatch.undo()
        time.tzset()
    at = dt.datetime.strptime(e.ingested_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=5)


def test_a_frame_without_an_explanation_column_is_stored_with_nulls(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    st.put(frame("a", 2023, 1.0).drop("explanation"), unit="a", year=2023)
    got = st.read("a", 2023)
    assert got.columns == ["unit", "entity", "year", "indicator", "value", "explanation"]
    assert got["explanation"].to_list() == [None, None]


def test_read_store_narrows_by_year_and_unit(tmp_path: Path) -> None:
    root = tmp_path / "s"
    empty = read_store(root)
    assert empty.schema == pl.Schema(
        {
            "unit": pl.String,
            "entity": pl.String,
            "year": pl.Int32,
            "indicator": pl.String,
            "value": pl.Float64,
        }
    )
    st = Store(root)
    st.put(frame("a", 2023, 1.0), unit="a", year=2023)
    st.put(frame("b", 2023, 10.0), unit="b", year=2023)
    st.put(frame("a", 2022, 100.0), unit="a", year=2022)
    assert read_store(root, units=["a"])["value"].to_list() == [100.0, 1.0, 101.0, 2.0]
    assert read_store(root, 2023, units=["b"])["value"].to_list() == [10.0, 11.0]
    assert read_store(root, 2023)["unit"].to_list() == ["a", "a", "b", "b"]
    assert read_store(root).height == 6
    assert read_store(root, units=[]).height == 0


# ---------------------------------------------------------------- the fault-injection hook


def test_without_a_fault_set_a_write_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for value in (None, "", "   "):
        if value is None:
            monkeypatch.delenv(FAULT, raising=False)
        else:
            monkeypatch.setenv(FAULT, value)
        Store(tmp_path / f"s{len(value or 'x')}").put(frame("a", 2023, 1.0), unit="a", year=2023)
    assert capsys.readouterr() == ("", "")


def test_a_raising_fault_says_so_on_stderr_and_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(FAULT, " raise ")
    with pytest.raises(SoeplanError, match=f"fault injected by {FAULT}"):
        Store(tmp_path / "s").put(frame("a", 2023, 1.0), unit="a", year=2023)
    assert capsys.readouterr() == ("", "soeplan: store fault point reached\n")


def test_a_sleeping_fault_sleeps_as_long_as_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)  # the store's time module is this one
    monkeypatch.setenv(FAULT, "sleep:0.25")
    entry = Store(tmp_path / "s").put(frame("a", 2023, 1.0), unit="a", year=2023)
    assert slept == [0.25] and entry.version == 1  # then the write goes on
    assert capsys.readouterr().err == "soeplan: store fault point reached\n"


def test_nobody_named_records_an_empty_who(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    st.put(frame("a", 2023, 1.0), unit="a", year=2023)
    st.set_state("a", 2023, "returned", reason="check the figures")
    assert [r["received_by"] for r in st.received()] == [""]
    assert [(h["to"], h["by"]) for h in st.history("a", 2023)] == [
        ("accepted", ""),
        ("returned", ""),
    ]
    named = Store(tmp_path / "t")
    named.put(frame("a", 2023, 1.0), unit="a", year=2023, received_by="张三")
    named.set_state("a", 2023, "returned", reason="check the figures", by="李四")
    assert [r["received_by"] for r in named.received()] == ["张三"]
    assert [h["by"] for h in named.history("a", 2023)] == ["张三", "李四"]
