"""The store's database: one SQLite file, its schema, and how its failures are said.

Every connection runs with ``PRAGMA foreign_keys=ON``, WAL journalling and a busy timeout, and
is checked with ``PRAGMA quick_check`` when opened. A failure of the environment (a read-only
directory or file, a full disk, a database another writer holds too long, a file that is not a
database) becomes a :class:`StoreError` naming the cause (exit code 2), never an internal error.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from soeplan.errors import SoeplanError

#: The database file inside a store directory.
DB_NAME = "soeplan.sqlite"
#: Version 2 keys submissions by period: ``month`` 0 is the whole year, 1–12 a month's 快报
#: (a version 1 store is brought to version 2 when it is opened: :data:`MIGRATIONS`).
SCHEMA_VERSION = 2
#: How long a writer waits for another one to finish, in seconds (``SOEPLAN_STORE_BUSY_TIMEOUT``).
BUSY_TIMEOUT_S = 30.0
BUSY_ENV = "SOEPLAN_STORE_BUSY_TIMEOUT"

SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE units (id TEXT PRIMARY KEY);
CREATE TABLE periods (year INTEGER PRIMARY KEY);
CREATE TABLE received (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL REFERENCES periods(year),
    month INTEGER NOT NULL DEFAULT 0 CHECK (month BETWEEN 0 AND 12),
    version INTEGER NOT NULL CHECK (version >= 1),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL DEFAULT '',
    synthetic INTEGER NOT NULL DEFAULT 0,
    warnings_explained INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    blocking INTEGER NOT NULL DEFAULT 0,
    has_figures INTEGER NOT NULL DEFAULT 0,
    rows INTEGER NOT NULL DEFAULT 0,
    figures_sha256 TEXT NOT NULL DEFAULT '',
    UNIQUE (unit, year, month, version)
);
CREATE TABLE figures (
    received_id INTEGER NOT NULL REFERENCES received(id),
    seq INTEGER NOT NULL,
    unit TEXT NOT NULL,
    entity TEXT,
    year INTEGER,
    indicator TEXT,
    value REAL,
    explanation TEXT,
    PRIMARY KEY (received_id, seq)
);
CREATE TABLE findings (
    received_id INTEGER NOT NULL REFERENCES received(id),
    seq INTEGER NOT NULL,
    severity TEXT NOT NULL,
    rule TEXT NOT NULL,
    entity TEXT,
    indicator TEXT,
    message_zh TEXT,
    message_en TEXT,
    explained INTEGER NOT NULL DEFAULT 0,
    blocks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (received_id, seq)
);
CREATE TABLE states (
    unit TEXT NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL REFERENCES periods(year),
    month INTEGER NOT NULL DEFAULT 0 CHECK (month BETWEEN 0 AND 12),
    state TEXT NOT NULL CHECK (state IN ('submitted', 'resubmitted', 'returned', 'accepted')),
    received_id INTEGER NOT NULL REFERENCES received(id),
    accepted_id INTEGER REFERENCES received(id),
    reason TEXT NOT NULL DEFAULT '',
    changed_at TEXT NOT NULL,
    PRIMARY KEY (unit, year, month)
);
CREATE TABLE state_changes (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL REFERENCES periods(year),
    month INTEGER NOT NULL DEFAULT 0,
    received_id INTEGER NOT NULL REFERENCES received(id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT ''
);
"""

#: The registers' tables (企业名录): each load is a version of its unit's register. Created with
#: a new store, and on the first load into a store written before registers existed.
REGISTER_SCHEMA = """
CREATE TABLE IF NOT EXISTS register_versions (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL REFERENCES units(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    as_of TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL DEFAULT '',
    entries INTEGER NOT NULL,
    changes INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (unit, version)
);
CREATE TABLE IF NOT EXISTS register_entries (
    version_id INTEGER NOT NULL REFERENCES register_versions(id),
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    credit_code TEXT,
    parent TEXT,
    node_type TEXT NOT NULL,
    functional_class TEXT,
    industry TEXT,
    sector TEXT,
    state_share REAL CHECK (state_share IS NULL OR (state_share >= 0 AND state_share <= 1)),
    listed INTEGER NOT NULL,
    exchange TEXT NOT NULL,
    stock_code TEXT NOT NULL,
    rating TEXT,
    rating_agency TEXT NOT NULL,
    rating_date TEXT,
    since TEXT,
    note TEXT NOT NULL,
    PRIMARY KEY (version_id, seq),
    UNIQUE (version_id, id)
);
CREATE TABLE IF NOT EXISTS register_changes (
    version_id INTEGER NOT NULL REFERENCES register_versions(id),
    seq INTEGER NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    target TEXT,
    name_zh TEXT,
    name_en TEXT,
    unit TEXT,
    note TEXT NOT NULL,
    PRIMARY KEY (version_id, seq)
);
"""


class StoreError(SoeplanError):
    """The store is unreadable or unwritable, or what was asked of it does not exist."""

    exit_code = 2


class StoreBusyError(StoreError):
    """Another writer held the store longer than the busy timeout."""


def _cause(exc: sqlite3.Error) -> tuple[str, str]:
    """What an sqlite3 error means for the user, and the fix."""
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return (
            "the store is busy: another soeplan command is writing to it",
            "wait for it to finish and run the command again",
        )
    if "readonly" in msg or "read-only" in msg:
        return (
            "the store is read-only (its file or directory cannot be written)",
            "run the command as a user who may write the store directory, or copy the store",
        )
    if "disk is full" in msg or "disk full" in msg:
        return ("the disk holding the store is full", "free space on that disk and run again")
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return (
            "the store's database file is damaged or is not a soeplan database",
            "restore soeplan.sqlite from a backup (docs: explanation/store)",
        )
    if "unable to open" in msg:
        return (
            "the store's database file cannot be opened (missing directory or no permission)",
            "check the --store path and its permissions",
        )
    if "disk i/o" in msg:
        return ("the disk reported an input/output error", "check the disk and run again")
    return (f"the store's database refused the operation ({exc})", "restore it from a backup")


def store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    what, fix = _cause(exc)
    cls = StoreBusyError if what.startswith("the store is busy") else StoreError
    return cls(f"{path}: {what}\n  fix: {fix}")


@contextlib.contextmanager
def translated(path: Path) -> Iterator[None]:
    """Turn sqlite3 and OS errors inside the block into a :class:`StoreError` naming the cause."""
    try:
        yield
    except sqlite3.Error as exc:
        raise store_error(path, exc) from None
    except OSError as exc:
        what = exc.strerror or str(exc)
        raise StoreError(
            f"{path}: the store cannot be used ({what})\n"
            "  fix: check the --store path, its permissions and the free disk space"
        ) from None


def _busy_timeout() -> float:
    try:
        return float(os.environ.get(BUSY_ENV, "") or BUSY_TIMEOUT_S)
    except ValueError:
        return BUSY_TIMEOUT_S


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """Open (or with ``create``, create) the database at ``path``, checked and configured.

    Long: opening, configuring, creating the schema and checking it belong to one step."""
    existed = path.exists()
    if not existed and not create:
        raise StoreError(f"{path}: no store database here\n  fix: check the --store path")
    con = sqlite3.connect(path, timeout=_busy_timeout(), isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute(f"PRAGMA busy_timeout={int(_busy_timeout() * 1000)}")
        ok = con.execute("PRAGMA quick_check").fetchone()
        if ok is None or ok[0] != "ok":
            raise StoreError(
                f"{path}: the store's database failed its integrity check ({ok and ok[0]})\n"
                "  fix: restore soeplan.sqlite from a backup (docs: explanation/store)"
            )
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("BEGIN IMMEDIATE")
            # a second creator may have won the race while we waited for the lock
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone():
                for stmt in (SCHEMA + REGISTER_SCHEMA).split(";"):
                    if stmt.strip():
                        con.execute(stmt)
                con.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            con.execute("COMMIT")
        else:
            _check_version(path, con, tables)
    except BaseException:
        con.close()
        raise
    return con


def _check_version(path: Path, con: sqlite3.Connection, tables: set[str]) -> None:
    if "schema_version" not in tables:
        raise StoreError(
            f"{path}: an SQLite database, but not a soeplan store (no schema_version table)\n"
            "  fix: point --store at a directory written by `soeplan ingest`"
        )
    row = con.execute("SELECT version FROM schema_version").fetchone()
    if row is not None and row[0] in MIGRATIONS:
        _migrate(con)
        row = con.execute("SELECT version FROM schema_version").fetchone()
    if row is None or row[0] != SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {row and row[0]} is not {SCHEMA_VERSION}, the one "
            "this soeplan reads\n  fix: use the soeplan version that wrote this store"
        )


def _table_sql(name: str) -> str:
    """The ``CREATE TABLE`` statement of ``name`` in :data:`SCHEMA`."""
    start = SCHEMA.index(f"CREATE TABLE {name} (")
    return SCHEMA[start : SCHEMA.index(");", start) + 2]


def _rebuilt(con: sqlite3.Connection, name: str) -> None:
    """Rebuild table ``name`` in the current schema, its rows copied with ``month`` 0."""
    old = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
    cols = ", ".join(old)
    con.execute(_table_sql(name).replace(f"CREATE TABLE {name} (", f"CREATE TABLE {name}_v2 ("))
    con.execute(f"INSERT INTO {name}_v2 ({cols}, month) SELECT {cols}, 0 FROM {name}")
    con.execute(f"DROP TABLE {name}")
    con.execute(f"ALTER TABLE {name}_v2 RENAME TO {name}")


def _to_v2(con: sqlite3.Connection) -> None:
    """Version 1 → 2: submissions keyed by period. Every stored submission was for a whole
    year, so each gets ``month`` 0 and keeps its versions, states and history as they were."""
    _rebuilt(con, "received")
    _rebuilt(con, "states")
    con.execute("ALTER TABLE state_changes ADD COLUMN month INTEGER NOT NULL DEFAULT 0")


#: What brings a store of an older schema version to the next one, in one transaction.
MIGRATIONS = {1: _to_v2}


def _migrate(con: sqlite3.Connection) -> None:
    """Bring the store from its version to :data:`SCHEMA_VERSION` in one transaction (the
    tables are rebuilt with foreign keys off, as SQLite's ALTER TABLE procedure says, and the
    foreign keys checked before the commit): a failed migration leaves the store as it was."""
    con.execute("PRAGMA foreign_keys=OFF")
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            row = con.execute("SELECT version FROM schema_version").fetchone()
            while row is not None and row[0] in MIGRATIONS:  # another writer may have done it
                MIGRATIONS[row[0]](con)
                con.execute("UPDATE schema_version SET version = ?", (row[0] + 1,))
                row = con.execute("SELECT version FROM schema_version").fetchone()
            bad = con.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise sqlite3.DatabaseError(f"foreign keys broken by the migration: {bad[:3]}")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    finally:
        con.execute("PRAGMA foreign_keys=ON")
