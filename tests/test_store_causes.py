"""Each way SQLite can refuse, named for the office: the cause and the fix, exactly.

The messages are SQLite's own (``sqlite3`` passes them through), and the spellings other
drivers and file systems use for the same cause. A mutation run found the branches for the
second spellings, and the texts of the disk and I/O causes, untested.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from soeplan.submissions.store_db import StoreBusyError, StoreError, store_error

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
