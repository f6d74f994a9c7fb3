"""Each way SQLite can refuse, named for the office: the cause and the fix, exactly.

The messages are SQLite's own (``sqlite3`` passes them through), and the spellings other
drivers and file systems use for the same cause. A mutation run found the branches for the
second spellings, and the texts of the disk and I/O causes, untested.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from soeplan.submissions.store_db import (
    BUSY_ENV,
    DB_NAME,
    StoreBusyError,
    StoreError,
    connect,
    store_error,
)

BUSY = (
    "the store is busy: another soeplan command is writing to it",
    "wait for it to finish and run the command again",
)
READ_ONLY = (
    "the store is read-only (its file or directory cannot be written)",
    "run the command as a user who may write the store directory, or copy the store",
)
FULL = ("the disk holding the store is full", "free space on that disk and run again")
DAMAGED = (
    "the store's database file is damaged or is not a soeplan database",
    "restore soeplan.sqlite from a backup (docs: explanation/store)",
)
UNOPENABLE = (
    "the store's database file cannot be opened (missing directory or no permission)",
    "check the --store path and its permissions",
)
IO = ("the disk reported an input/output error", "check the disk and run again")


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        ("database is locked", BUSY),
        ("database table is locked", BUSY),
        ("the database file is busy", BUSY),
        ("attempt to write a readonly database", READ_ONLY),
        ("the file system is read-only", READ_ONLY),
        ("database or disk is full", FULL),
        ("the disk is full", FULL),
        ("Disk Full", FULL),
        ("file is not a database", DAMAGED),
        ("database disk image is malformed", DAMAGED),
        ("the page is corrupt", DAMAGED),
        ("unable to open database file", UNOPENABLE),
        ("disk I/O error", IO),
    ],
)
def test_each_cause_is_named_with_its_fix(message: str, cause: tuple[str, str]) -> None:
    err = store_error(Path("/srv/store/soeplan.sqlite"), sqlite3.OperationalError(message))
    assert str(err) == f"/srv/store/soeplan.sqlite: {cause[0]}\n  fix: {cause[1]}"
    assert isinstance(err, StoreBusyError) is (cause is BUSY)


def test_an_unknown_refusal_quotes_sqlite_and_points_to_the_backup() -> None:
    err = store_error(Path("s.sqlite"), sqlite3.DatabaseError("constraint failed: x"))
    assert str(err) == (
        "s.sqlite: the store's database refused the operation (constraint failed: x)\n"
        "  fix: restore it from a backup"
    )
    assert type(err) is StoreError


@pytest.mark.parametrize(
    ("env", "ms"), [(None, 30000), ("2.5", 2500), ("", 30000), ("soon", 30000)]
)
def test_the_busy_timeout_comes_from_the_environment_or_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str | None, ms: int
) -> None:
    """A second writer waits this long for the first before it is told the store is busy."""
    if env is None:
        monkeypatch.delenv(BUSY_ENV, raising=False)
    else:
        monkeypatch.setenv(BUSY_ENV, env)
    con = connect(tmp_path / DB_NAME, create=True)
    try:
        assert con.execute("PRAGMA busy_timeout").fetchone()[0] == ms
        assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_a_store_of_another_schema_version_is_refused_naming_both(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    connect(path, create=True).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE schema_version SET version = 99")
    raw.close()
    with pytest.raises(
        StoreError, match=rf"^{re.escape(str(path))}: store schema version 99 is not 2"
    ):
        connect(path, create=False)


def test_an_sqlite_file_that_is_not_a_store_is_named(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE t (x)")
    raw.close()
    with pytest.raises(StoreError, match=rf"^{re.escape(str(path))}: an SQLite database, but not"):
        connect(path, create=False)
