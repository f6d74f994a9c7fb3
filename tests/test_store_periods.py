"""The store keyed by period: a month's 快报 beside the annual submission, each with its own
versions and state; a version 1 store (years only) is brought to version 2 when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

from soeplan.rules import findings_frame
from soeplan.submissions import store_db
from soeplan.submissions.store import Store, read_store
from soeplan.submissions.store_db import DB_NAME, SCHEMA, StoreError, connect
from soeplan.submissions.store_months import read_store_months


def frame(unit: str, year: int, value: float, entity: str = "e1") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit": [unit],
            "entity": [entity],
            "year": [year],
            "indicator": ["revenue"],
            "value": [value],
        }
    )


def test_a_month_and_the_year_are_two_periods_with_their_own_versions(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    annual = st.put(frame("a", 2023, 12.0), unit="a", year=2023)
    june = st.put(frame("a", 2023, 6.0), unit="a", year=2023, month=6)
    june2 = st.put(frame("a", 2023, 6.5), unit="a", year=2023, month=6, hold=True)
    assert (annual.version, annual.month, june.version, june2.version) == (1, None, 1, 2)
    assert june.path.endswith("#a/2023-06/v1") and annual.path.endswith("#a/2023/v1")
    assert st.accepted(2023)["a"].version == 1 and st.accepted(2023)["a"].month is None
    assert st.accepted(2023, 6)["a"].version == 1  # the held version 2 waits for the office
    assert st.states(2023, month=6)["a"].state == "submitted"
    assert st.states(2023)["a"].state == "accepted"
    assert st.states(2023, ["b"], month=5)["b"].state == "expected"
    # the annual totals never see a 快报, the months never see the annual submission
    assert read_store(tmp_path / "s")["value"].to_list() == [12.0]
    months = read_store_months(tmp_path / "s")
    assert months.columns == ["unit", "entity", "year", "month", "indicator", "value"]
    assert months.rows() == [("a", "e1", 2023, 6, "revenue", 6.0)]
    st.set_state("a", 2023, "accepted", reason="", month=6)
    assert read_store_months(tmp_path / "s")["value"].to_list() == [6.5]
    assert [h["to"] for h in st.history("a", 2023, 6)] == ["accepted", "submitted", "accepted"]
    assert [h["to"] for h in st.history("a", 2023)] == ["accepted"]
    assert st.read("a", 2023, month=6)["value"].to_list() == [6.5]
    assert [(r["month"], r["version"]) for r in st.received()] == [(None, 1), (6, 1), (6, 2)]


def test_a_missing_month_is_named_as_a_period(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    st.put(frame("a", 2023, 1.0), unit="a", year=2023, month=5)
    with pytest.raises(Exception, match=r"no submission of a for 2023-06.*a 2023-05"):
        st.entry("a", 2023, month=6)
    with pytest.raises(Exception, match="nothing received from a for 2023-06"):
        st.set_state("a", 2023, "accepted", reason="", month=6)


def test_months_of_a_year_only(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    for year, month in ((2022, 12), (2023, 1), (2023, 2)):
        st.put(frame("a", year, float(month)), unit="a", year=year, month=month)
    got = read_store_months(tmp_path / "s", [2023])
    assert got.select("year", "month").rows() == [(2023, 1), (2023, 2)]
    assert read_store_months(tmp_path / "nothing").is_empty()


_V1 = (
    SCHEMA.replace("    month INTEGER NOT NULL DEFAULT 0 CHECK (month BETWEEN 0 AND 12),\n", "")
    .replace("    month INTEGER NOT NULL DEFAULT 0,\n", "")
    .replace("UNIQUE (unit, year, month, version)", "UNIQUE (unit, year, version)")
    .replace("PRIMARY KEY (unit, year, month)", "PRIMARY KEY (unit, year)")
)


def _as_version_1(path: Path) -> None:
    """Rewrite a store holding annual submissions only as the version 1 schema had it."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("BEGIN")
    for table in ("received", "states", "state_changes"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "month"]
        start = _V1.index(f"CREATE TABLE {table} (")
        ddl = _V1[start : _V1.index(");", start) + 2]
        con.execute(ddl.replace(f"CREATE TABLE {table} (", f"CREATE TABLE v1_{table} ("))
        names = ", ".join(cols)
        con.execute(f"INSERT INTO v1_{table} ({names}) SELECT {names} FROM {table}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE v1_{table} RENAME TO {table}")
    con.execute("UPDATE schema_version SET version = 1")
    con.execute("COMMIT")
    con.close()


def _snapshot(st: Store) -> tuple[object, ...]:
    return (st.entries(), st.received(), st.states(2023), st.history("a", 2023),
            read_store(st.root).rows())  # fmt: skip


def test_a_version_1_store_is_migrated_when_opened_and_keeps_everything(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    st.put(frame("a", 2023, 1.0), unit="a", year=2023)
    st.put(frame("a", 2023, 2.0), unit="a", year=2023, hold=True)
    st.set_state("a", 2023, "returned", reason="wrong unit")
    st.put(frame("b", 2022, 3.0), unit="b", year=2022)
    before = _snapshot(st)
    _as_version_1(st.db_path)
    raw = sqlite3.connect(st.db_path)
    assert "month" not in [r[1] for r in raw.execute("PRAGMA table_info(received)")]
    raw.close()
    assert _snapshot(st) == before  # opened, migrated, the same submissions, states, history
    raw = sqlite3.connect(st.db_path)
    assert raw.execute("SELECT version FROM schema_version").fetchone() == (2,)
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert raw.execute("SELECT DISTINCT month FROM received").fetchall() == [(0,)]
    raw.close()
    st.put(frame("a", 2023, 0.5), unit="a", year=2023, month=6)  # and takes 快报 now
    assert st.accepted(2023, 6)["a"].version == 1 and st.accepted(2023)["a"].version == 1


def _one_submission_in_version_1(root: Path) -> Path:
    """A store at ``root`` holding a's 2023 submission, rewritten in schema version 1."""
    Store(root).put(frame("a", 2023, 1.0), unit="a", year=2023)
    _as_version_1(root / DB_NAME)
    return root / DB_NAME


def test_a_failed_migration_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _one_submission_in_version_1(tmp_path)

    def broken(con: sqlite3.Connection) -> None:
        con.execute("DROP TABLE states")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(store_db.MIGRATIONS, 1, broken)
    with pytest.raises(sqlite3.OperationalError):
        connect(path, create=False).close()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT version FROM schema_version").fetchone() == (1,)
    assert raw.execute("SELECT COUNT(*) FROM states").fetchone() == (1,)
    raw.close()
    monkeypatch.undo()
    assert Store(tmp_path).accepted(2023)["a"].version == 1


def test_a_migration_that_breaks_a_foreign_key_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _one_submission_in_version_1(tmp_path)

    def orphans(con: sqlite3.Connection) -> None:
        store_db._to_v2(con)
        for year in (2019, 2020, 2021, 2022):  # states of a unit that is not in the store
            con.execute(
                "INSERT INTO states (unit, year, month, state, received_id, changed_at) "
                "VALUES (?, ?, 0, 'accepted', 1, '')",
                ("nobody", year),
            )

    monkeypatch.setitem(store_db.MIGRATIONS, 1, orphans)
    with pytest.raises(sqlite3.DatabaseError) as exc:
        connect(path, create=False).close()
    message = str(exc.value)
    assert message.startswith("foreign keys broken by the migration: [('states', ")
    assert message.count("('states',") == 3  # the first three of the four named
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT version FROM schema_version").fetchone() == (1,)
    assert "month" not in [r[1] for r in raw.execute("PRAGMA table_info(states)")]
    raw.close()


def test_a_store_without_a_schema_version_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    connect(path, create=True).close()
    raw = sqlite3.connect(path)
    raw.execute("DELETE FROM schema_version")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="store schema version None is not 2"):
        connect(path, create=False)


def test_a_store_error_names_a_future_version(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    connect(path, create=True).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE schema_version SET version = 3")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="store schema version 3 is not 2"):
        connect(path, create=False)


def test_a_months_states_and_entries_say_their_month(tmp_path: Path) -> None:
    st = Store(tmp_path / "s")
    st.put(frame("a", 2023, 12.0), unit="a", year=2023)
    st.put(frame("a", 2022, 5.0), unit="a", year=2022, month=5)
    st.put(frame("a", 2023, 6.0), unit="a", year=2023, month=6)
    st.put(frame("a", 2023, 6.5), unit="a", year=2023, month=6, hold=True)
    june = st.states(2023, ["a", "b"], month=6)
    assert [(s.unit, s.month, s.state, s.version) for s in june.values()] == [
        ("a", 6, "submitted", 2),
        ("b", 6, "expected", None),
    ]
    assert st.states(2023)["a"].month is None
    moved = st.set_state("a", 2023, "accepted", reason="", month=6)
    assert (moved.unit, moved.month, moved.state, moved.version) == ("a", 6, "accepted", 2)
    assert [(e.year, e.month, e.version) for e in st.current_months(2023)] == [(2023, 6, 2)]
    assert [(e.year, e.month) for e in st.current_months()] == [(2022, 5), (2023, 6)]


def test_a_versions_findings_are_read_back_for_its_own_period(tmp_path: Path) -> None:
    def found(rule: str) -> pl.DataFrame:
        return findings_frame(
            [{"severity": "hint", "rule": rule, "message_zh": "提示", "message_en": "hint"}]
        )

    st = Store(tmp_path / "s")
    st.put(frame("a", 2023, 12.0), unit="a", year=2023, findings=found("annual.rule"))
    st.put(frame("a", 2023, 6.0), unit="a", year=2023, month=6, findings=found("june.rule"))
    assert st.findings("a", 2023, 1)["rule"].to_list() == ["annual.rule"]
    assert st.findings("a", 2023, 1, month=6)["rule"].to_list() == ["june.rule"]
    assert st.findings("a", 2023, 1, month=5).is_empty()
