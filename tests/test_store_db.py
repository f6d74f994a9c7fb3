"""The store as a database: concurrency through two spellings of one store, tampering detected on
read, damaged, deleted, read-only, full and busy databases named (exit code 2), unit names that
cannot escape the store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from _submission_helpers import sample_frame, write_sample_xlsx
from soeplan.cli import main
from soeplan.submissions import store_db
from soeplan.submissions.ingest import ingest_files
from soeplan.submissions.store import Store, StoreBusyError, StoreError, read_store

_PUT = """
import sys
import polars as pl
from soeplan.submissions.store import Store
sys.path.insert(0, sys.argv[3])
from _submission_helpers import sample_frame
frame = sample_frame().with_columns(pl.lit(float(sys.argv[2])).alias("value"))
e = Store(sys.argv[1]).put(frame, unit="qujiang", year=2023, source=sys.argv[2])
print(e.version, flush=True)
"""


def test_two_spellings_of_one_store_lose_no_ingest(tmp_path: Path) -> None:
    """8 rounds of two parallel writers, one through the path and one through a symlink."""
    real = tmp_path / "store"
    alias = tmp_path / "alias"
    Store(real).put(sample_frame(), unit="qujiang", year=2023)  # create it
    alias.symlink_to(real, target_is_directory=True)
    tests = str(Path(__file__).parent)
    reported: list[tuple[str, int]] = []
    for rnd in range(8):
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _PUT, str(where), f"{rnd}.{i}", tests],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i, where in enumerate((real, alias))
        ]
        for i, p in enumerate(procs):
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            reported.append((f"{rnd}.{i}", int(out.strip())))
    st = Store(real)
    kept = {(e.source, e.version) for e in st.entries()}
    assert set(reported) <= kept  # every writer that said "ingested" is in the store
    assert len(st.entries()) == 17
    for source, version in reported:
        assert st.read("qujiang", 2023, version)["value"][0] == float(source)


def test_threads_writing_through_two_spellings_all_land(tmp_path: Path) -> None:
    real = tmp_path / "store"
    Store(real).put(sample_frame(), unit="qujiang", year=2023)
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    errors: list[BaseException] = []

    def put(i: int) -> None:
        where = real if i % 2 else tmp_path / "alias"
        try:
            Store(where).put(sample_frame(), unit="qujiang", year=2023, source=str(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(e.version for e in Store(real).entries()) == list(range(1, 10))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    for unit in ("qujiang", "kaihua"):
        Store(root).put(
            sample_frame().with_columns(pl.lit(unit).alias("unit")), unit=unit, year=2023
        )
    return root


def _sql(root: Path, sql: str) -> None:
    con = sqlite3.connect(root / "soeplan.sqlite")
    with con:
        con.execute(sql)
    con.close()


def test_figures_changed_inside_the_database_are_detected_on_read(store: Path) -> None:
    _sql(
        store,
        "UPDATE figures SET value = value * 10 WHERE rowid = "
        "(SELECT rowid FROM figures WHERE unit = 'kaihua' AND value > 0 LIMIT 1)",
    )
    with pytest.raises(StoreError, match=r"kaihua 2023 version 1 were changed"):
        read_store(store)
    assert Store(store).read("qujiang", 2023).height > 0  # the untouched unit still reads


def test_figures_removed_or_swapped_are_detected(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(
        store,
        "UPDATE received SET figures_sha256 = (SELECT figures_sha256 FROM received "
        "WHERE unit = 'qujiang') WHERE unit = 'kaihua'",
    )
    assert main(["rollup", "--store", str(store), "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert "kaihua 2023 version 1" in err and "bug" not in err


def test_a_garbled_database_is_named(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = store / "soeplan.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    for db_extra in store.glob("soeplan.sqlite-*"):
        db_extra.unlink()
    assert main(["status", "--store", str(store), "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert "damaged or is not a soeplan database" in err and "bug" not in err


def test_a_deleted_database_is_named_not_restarted(store: Path) -> None:
    (store / "soeplan.sqlite").unlink()
    with pytest.raises(StoreError, match=r"no soeplan\.sqlite \(was the database deleted"):
        Store(store).entries()
    with pytest.raises(StoreError, match="was the database deleted"):
        Store(store).put(sample_frame(), unit="qujiang", year=2023)


def test_another_sqlite_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    _sql(tmp_path / "s", "CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a soeplan store"):
        Store(tmp_path / "s").entries()


@pytest.fixture
def patched_connect(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Run an extra statement on every connection the store opens (to make it read-only/full)."""
    extra: list[str] = []
    real = store_db.sqlite3.connect

    def connect(path: object, **kw: object) -> sqlite3.Connection:
        if extra and extra[0] == "ro":
            con = real(f"file:{path}?mode=ro", uri=True, **kw)  # type: ignore[arg-type]
        else:
            con = real(path, **kw)  # type: ignore[arg-type]
            for stmt in extra:
                con.execute(stmt)
        return con

    monkeypatch.setattr(store_db.sqlite3, "connect", connect)
    yield extra


def test_a_read_only_store_is_named(
    store: Path, patched_connect: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patched_connect.append("ro")
    before = read_store(store).rows()  # reading a read-only store works
    path = write_sample_xlsx(tmp_path / "q.xlsx")
    assert main(["ingest", str(path), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and "bug" not in err
    patched_connect.clear()
    assert read_store(store).rows() == before


def test_a_full_disk_is_named(
    store: Path, patched_connect: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = read_store(store).rows()
    (pages,) = sqlite3.connect(store / "soeplan.sqlite").execute("PRAGMA page_count").fetchone()
    patched_connect.append(f"PRAGMA max_page_count = {pages}")
    path = write_sample_xlsx(tmp_path / "q.xlsx")
    assert main(["ingest", str(path), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "disk holding the store is full" in err and "bug" not in err
    patched_connect.clear()
    assert read_store(store).rows() == before


def test_a_second_writer_waits_then_says_busy(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store_db.BUSY_ENV, "0.2")
    holder = sqlite3.connect(store / "soeplan.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError, match="busy: another soeplan command"):
            Store(store).put(sample_frame(), unit="qujiang", year=2023)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [e.version for e in Store(store).entries() if e.unit == "qujiang"] == [1]


@pytest.mark.parametrize("unit", ["../../escaped", "/etc/x", "a/../../b"])
def test_unit_names_never_become_paths(tmp_path: Path, unit: str) -> None:
    root = tmp_path / "deep" / "store"
    Store(root).put(sample_frame(), unit=unit, year=2023)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert all(str(f).startswith("deep/store/") for f in files), files
    assert Store(root).accepted(2023)[unit].version == 1


def test_a_unit_id_with_control_characters_is_refused(tmp_path: Path) -> None:
    from soeplan.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="not a unit id"):
        Store(tmp_path / "s").put(sample_frame(), unit="a\nb", year=2023)
    assert Store(tmp_path / "s").received() == []


def test_ingest_records_name_hash_size_and_sender(tmp_path: Path) -> None:
    import hashlib

    path = write_sample_xlsx(tmp_path / "q.xlsx")
    ingest_files([path], tmp_path / "s", received_by="Wang Li")
    [rec] = Store(tmp_path / "s").received()
    data = path.read_bytes()
    assert rec["source"] == "q.xlsx" and rec["size"] == len(data)
    assert rec["sha256"] == hashlib.sha256(data).hexdigest() and rec["received_by"] == "Wang Li"


def test_two_parallel_cli_ingests_through_a_symlink_both_land(tmp_path: Path) -> None:
    import re

    real, alias = tmp_path / "store", tmp_path / "alias"
    real.mkdir()
    alias.symlink_to(real, target_is_directory=True)
    files = [write_sample_xlsx(tmp_path / f"q{i}.xlsx") for i in range(2)]
    code = "import sys; from soeplan.cli import main; sys.exit(main(sys.argv[1:]))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, "ingest", str(f), "--store", str(where)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f, where in zip(files, (real, alias), strict=True)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    reported = sorted(int(re.findall(r"version (\d+)", out)[0]) for out, _ in outs)
    assert reported == [1, 2]
    assert sorted(e.source for e in Store(real).entries()) == ["q0.xlsx", "q1.xlsx"]
