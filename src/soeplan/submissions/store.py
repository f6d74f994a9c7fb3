"""The store of submissions: one SQLite database per store directory, keyed by unit and period.

Layout of a store directory::

    soeplan.sqlite    the system of record (back it up; open it with any SQLite tool)

Every received file is recorded as the next *version* of its (unit, period), refused ones
included, with its name, SHA-256, size, time, sender, figures and findings; a period is a year
(an annual submission) or a month of it (a 快报, ``month`` given to each method; the database
keeps ``month`` 0 for the whole year). Each (unit, period) has a state (:data:`STATES`) and every change of state is kept with its reason. One ingest is one
transaction: a failed or killed ingest leaves the store as it was. Each read checks what it reads:
``PRAGMA quick_check`` when the database is opened, and the SHA-256 of a version's canonical
figures (stored when written) before the figures are used. See ``docs/explanation/store.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from soeplan.errors import Problem, UnknownNameError
from soeplan.frames import STORE_SCHEMA
from soeplan.periods import Period
from soeplan.submissions.store_db import (
    DB_NAME,
    StoreBusyError,
    StoreError,
    connect,
    translated,
)
from soeplan.submissions.store_model import (
    ENTRY_SQL,
    STATES,
    StoreEntry,
    UnitState,
    entry_of,
    month_key,
)

__all__ = [
    "DB_NAME",
    "FAULT_ENV",
    "STATES",
    "Store",
    "StoreBusyError",
    "StoreEntry",
    "StoreError",
    "UnitState",
    "read_store",
    "store_listing",
]

#: Fault injection for tests: ``sleep:SECONDS`` or ``raise`` inside an ingest's transaction,
#: after its rows are written and before the commit.
FAULT_ENV = "SOEPLAN_STORE_FAULT"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def figures_digest(unit: str, frame: pl.DataFrame) -> str:
    """The SHA-256 of a version's canonical figures: its rows in store order, as JSON lines."""
    h = hashlib.sha256(unit.encode())
    for row in frame.select(list(STORE_SCHEMA)).iter_rows():
        h.update(b"\n" + json.dumps(list(row), ensure_ascii=False).encode())
    return h.hexdigest()


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` in the store's columns, types and order."""
    return frame.select(
        [
            (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
            for c, t in STORE_SCHEMA.items()
        ]
    ).sort(["entity", "indicator", "year"], nulls_last=True)


def _fault_point() -> None:
    fault = os.environ.get(FAULT_ENV, "").strip()
    if not fault:
        return
    print("soeplan: store fault point reached", file=sys.stderr, flush=True)
    if fault == "raise":
        raise OSError(f"fault injected by {FAULT_ENV}")
    if fault.startswith("sleep:"):
        time.sleep(float(fault.split(":", 1)[1]))


#: A file written beside the database when a store is created.
MARKER = "README.txt"
_MARKER_TEXT = (
    "This directory is a soeplan store. Its database is soeplan.sqlite: back it up with\n"
    'sqlite3 soeplan.sqlite ".backup copy.sqlite" (or copy it while no soeplan command runs).\n'
    "本目录是 soeplan 数据库，数据在 soeplan.sqlite 中。\n"
)


@attrs.frozen
class Store:
    """A store directory. Creating the object touches nothing; writing methods create it."""

    root: Path = attrs.field(converter=Path)

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    def exists(self) -> bool:
        """Whether the store's database exists (an old-format store is refused, named)."""
        self._refuse_legacy()
        return self.db_path.is_file()

    def _refuse_legacy(self) -> None:
        from soeplan.submissions.store_legacy import is_legacy_store

        if not self.db_path.exists() and is_legacy_store(self.root):
            raise StoreError(
                f"{self.root}: a store in the old format (manifest.json and Parquet files)\n"
                f"  fix: soeplan store migrate {self.root} --store NEW_DIR, then use NEW_DIR"
            )

    def _missing_db(self) -> bool:
        """True when there is no database yet; refuses a directory that lost its database."""
        self._refuse_legacy()
        if self.db_path.exists():
            return False
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root}: not a directory\n  fix: pass a store directory")
        names = {p.name for p in self.root.iterdir()} if self.root.is_dir() else set()
        if DB_NAME in names:  # another writer created it since we looked
            return False
        if names:
            raise StoreError(
                f"{self.root}: has files but no {DB_NAME} (was the database deleted or moved?)\n"
                f"  fix: restore {DB_NAME} from a backup, or use an empty directory for a new store"
            )
        return True

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with translated(self.db_path):
            con = connect(self.db_path, create=False)
            try:
                yield con
            finally:
                con.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): committed whole, or not at all."""
        with translated(self.db_path):
            new = self._missing_db()
            if new:
                self.root.mkdir(parents=True, exist_ok=True)
            con = connect(self.db_path, create=True)
            try:
                if new and not (self.root / MARKER).exists():
                    # a marker, so that a deleted database is noticed instead of starting
                    # afresh; written after the database, so that a second writer creating the
                    # same new store at the same time never sees a marker without its database
                    (self.root / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:  # a full disk has rolled it back already
                        con.execute("ROLLBACK")
                    raise
            finally:
                con.close()

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self._missing_db():
            return []
        with self._read() as con:
            return list(con.execute(sql, args))

    # -- reading -------------------------------------------------------------------------------

    def entries(self) -> tuple[StoreEntry, ...]:
        """Every version that passed validation (or that the office accepted), by unit, year,
        month (the whole year first) and version: annual submissions and 快报 alike."""
        rows = self._rows(
            ENTRY_SQL + " WHERE errors = 0 AND (blocking = 0 OR id IN (SELECT received_id FROM "
            "state_changes WHERE to_state = 'accepted')) ORDER BY 1, 2, 11, 3"
        )
        return tuple(entry_of(r) for r in rows)

    def accepted(self, year: int, month: int | None = None) -> dict[str, StoreEntry]:
        """The accepted version of each unit's submission for ``year`` (or its ``month``'s 快报),
        by unit: the version in force. A later refused or held file does not withdraw it; the
        office's return does."""
        cols = ", ".join(f"r.{c}" for c in ENTRY_SQL[7 : ENTRY_SQL.index(" FROM")].split(", "))
        sql = (
            f"SELECT {cols} FROM received r JOIN states s ON s.accepted_id = r.id "
            "WHERE r.year = ? AND r.month = ? ORDER BY 1"
        )
        return {e.unit: e for e in map(entry_of, self._rows(sql, (year, month_key(month))))}

    def current(self) -> tuple[StoreEntry, ...]:
        """The accepted version of each (unit, year), every year: annual submissions only
        (the months' 快报 are :meth:`current_months`)."""
        years = [r[0] for r in self._rows("SELECT year FROM periods ORDER BY 1")]
        return tuple(e for y in years for e in self.accepted(y).values())

    def current_months(self, year: int | None = None) -> tuple[StoreEntry, ...]:
        """The accepted version of each unit's 快报 for each month (of ``year``, or every year)."""
        sql = "SELECT DISTINCT year, month FROM received WHERE month > 0"
        periods = sorted((y, m) for y, m in self._rows(sql) if year is None or y == year)
        return tuple(e for y, m in periods for e in self.accepted(y, m).values())

    def states(
        self, year: int, units: Iterable[str] | None = None, *, month: int | None = None
    ) -> dict[str, UnitState]:
        """Every unit's state for ``year`` (or its ``month``'s 快报): the units given (a plan's
        scopes) and those in the store; a unit with nothing received is ``expected``."""
        sql = (
            "SELECT s.unit, s.state, r.version, a.version, r.received_at, r.name, r.errors, "
            "r.warnings, s.reason FROM states s JOIN received r ON r.id = s.received_id "
            "LEFT JOIN received a ON a.id = s.accepted_id WHERE s.year = ? AND s.month = ?"
        )
        found = {
            u: UnitState(
                unit=u,
                year=year,
                month=month,
                state=st,
                version=v,
                accepted_version=av,
                received_at=at,
                source=name,
                errors=err,
                warnings=warn,
                reason=reason,
            )
            for u, st, v, av, at, name, err, warn, reason in self._rows(
                sql, (year, month_key(month))
            )
        }
        everyone = list(dict.fromkeys(units)) if units is not None else []
        extra = sorted(set(found) - set(everyone))
        return {
            u: found.get(u) or UnitState(unit=u, year=year, month=month, state="expected")
            for u in [*everyone, *extra]
        }

    def history(self, unit: str, year: int, month: int | None = None) -> list[dict[str, Any]]:
        """Every state change of (unit, period), oldest first, with the version and reason."""
        sql = (
            "SELECT c.at, r.version, r.name, c.from_state, c.to_state, c.reason, c.by "
            "FROM state_changes c JOIN received r ON r.id = c.received_id "
            "WHERE c.unit = ? AND c.year = ? AND c.month = ? ORDER BY c.id"
        )
        keys = ("at", "version", "source", "from", "to", "reason", "by")
        rows = self._rows(sql, (unit, year, month_key(month)))
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def findings(
        self, unit: str, year: int, version: int, month: int | None = None
    ) -> pl.DataFrame:
        """The findings recorded with one received version."""
        sql = (
            "SELECT f.severity, f.rule, f.entity, f.indicator, f.message_zh, f.message_en, "
            "f.explained, f.blocks FROM findings f JOIN received r ON r.id = f.received_id "
            "WHERE r.unit = ? AND r.year = ? AND r.month = ? AND r.version = ? ORDER BY f.seq"
        )
        cols = ["severity", "rule", "entity", "indicator", "message_zh", "message_en"]
        schema: dict[str, Any] = {c: pl.String for c in cols} | {
            "explained": pl.Boolean,
            "blocks": pl.Boolean,
        }
        rows = self._rows(sql, (unit, year, month_key(month), version))
        return pl.DataFrame(rows, schema=schema, orient="row")

    def received(self) -> list[dict[str, Any]]:
        """Every received file, refused ones included, by unit, period and version (``month``
        None for an annual submission)."""
        sql = (
            "SELECT unit, year, NULLIF(month, 0), version, name, sha256, size, received_at, "
            "received_by, errors, warnings, blocking, rows FROM received "
            "ORDER BY unit, year, month, version"
        )
        keys = [
            "unit",
            "year",
            "month",
            "version",
            "source",
            "sha256",
            "size",
            "received_at",
            "received_by",
            "errors",
            "warnings",
            "blocking",
            "rows",
        ]
        return [dict(zip(keys, r, strict=True)) for r in self._rows(sql)]

    def entry(
        self, unit: str, year: int, version: int | None = None, month: int | None = None
    ) -> StoreEntry:
        """One version that passed validation (default: the accepted one, else the latest)."""
        every = self.entries()
        versions = [e for e in every if (e.unit, e.year, e.month) == (unit, year, month)]
        period = Period(year, month)
        if not versions:
            have = ", ".join(f"{e.unit} {e.period}" for e in every) or "nothing yet"
            raise UnknownNameError(
                f"the store {self.root} has no submission of {unit} for {period} that passed "
                f"validation (it holds: {have})\n"
                "  fix: check --unit and --year or --period, or ingest the submission first"
            )
        if version is None:
            acc = self.accepted(year, month).get(unit)
            return acc if acc is not None else versions[-1]
        for e in versions:
            if e.version == version:
                return e
        known = ", ".join(str(e.version) for e in versions)
        raise UnknownNameError(
            f"{unit} {period} has no version {version} that passed validation in {self.root} "
            f"(versions: {known})\n  fix: pick one of the versions `soeplan store list` shows"
        )

    def read(
        self, unit: str, year: int, version: int | None = None, month: int | None = None
    ) -> pl.DataFrame:
        """The figures of one version (default: the accepted one), after checking their hash."""
        return self._read_entry(self.entry(unit, year, version, month))

    def _read_entry(self, e: StoreEntry) -> pl.DataFrame:
        sql = (
            "SELECT f.unit, f.entity, f.year, f.indicator, f.value, f.explanation FROM figures f "
            "JOIN received r ON r.id = f.received_id "
            "WHERE r.unit = ? AND r.year = ? AND r.month = ? AND r.version = ? ORDER BY f.seq"
        )
        rows = self._rows(sql, (e.unit, e.year, month_key(e.month), e.version))
        frame = pl.DataFrame(rows, schema=STORE_SCHEMA, orient="row")
        if frame.height != e.rows or figures_digest(e.unit, frame) != e.sha256:
            raise StoreError(
                f"{self.db_path}: the figures of {e.unit} {e.period} version {e.version} were "
                "changed after they were stored (their SHA-256 no longer matches)",
                problems=[
                    Problem(
                        f"{e.unit} {e.period} v{e.version}",
                        "the stored figures differ from what was accepted",
                        "restore soeplan.sqlite from a backup, or ingest the unit's file again",
                    )
                ],
            )
        return frame

    # -- writing -------------------------------------------------------------------------------

    def put(
        self,
        frame: pl.DataFrame,
        *,
        unit: str,
        year: int,
        source: str = "",
        source_sha256: str = "",
        synthetic: bool = False,
        warnings_explained: int = 0,
        size: int = 0,
        received_by: str = "",
        findings: pl.DataFrame | None = None,
        hold: bool = False,
        refused: bool = False,
        received_at: str = "",
        reason: str = "",
        month: int | None = None,
    ) -> StoreEntry:
        """Record ``frame`` as the next version of (unit, year) (or of its ``month``'s 快报), in
        one transaction.

        By default the version is accepted. ``hold``: it waits for the office (``submitted``, or
        ``resubmitted`` after a return). ``refused``: validation refused it; it is recorded
        and ``returned`` with its findings as the reason. ``received_at`` and ``reason`` override
        the time and the recorded reason (a migration keeps the old times)."""
        from soeplan.submissions.store_write import record

        data = canonical(frame)
        with self._write() as con:
            entry = record(
                con,
                data,
                unit=unit,
                year=year,
                meta={
                    "name": source,
                    "sha256": source_sha256,
                    "size": size,
                    "received_by": received_by,
                    "synthetic": synthetic,
                    "warnings_explained": warnings_explained,
                    "received_at": received_at,
                    "reason": reason,
                },
                digest=figures_digest(unit, data),
                findings=findings,
                state="returned" if refused else ("submitted" if hold else "accepted"),
                month=month_key(month),
            )
            _fault_point()
        return entry

    def set_state(
        self,
        unit: str,
        year: int,
        to: str,
        *,
        reason: str,
        version: int | None = None,
        by: str = "",
        month: int | None = None,
    ) -> UnitState:
        """The office accepts (``to="accepted"``) or returns (``to="returned"``) a version
        (default: the latest received one), with its reason."""
        from soeplan.submissions.store_write import change_state

        if self._missing_db():
            raise UnknownNameError(
                f"the store {self.root} holds nothing yet\n  fix: ingest the unit's file first"
            )
        with self._write() as con:
            change_state(
                con, unit, year, to, reason=reason, version=version, by=by, at=_now(),
                month=month_key(month),
            )  # fmt: skip
        return self.states(year, [unit], month=month)[unit]


def read_store(
    root: Path | str, year: int | None = None, *, units: Iterable[str] | None = None
) -> pl.DataFrame:
    """The accepted figures in a store: ``unit, entity, year, indicator, value``.

    ``year`` and ``units`` narrow it down. An empty or missing store gives an empty frame. Each
    version's figures are checked against their stored SHA-256 first. This is what the rollup
    reads.
    """
    store = Store(Path(root))
    wanted = set(units) if units is not None else None
    frames = [
        store._read_entry(e)
        for e in store.current()
        if (year is None or e.year == year) and (wanted is None or e.unit in wanted)
    ]
    cols = ["unit", "entity", "year", "indicator", "value"]
    if not frames:
        return pl.DataFrame(schema={c: STORE_SCHEMA[c] for c in cols})
    return pl.concat(frames).select(cols).sort(["unit", "entity", "year", "indicator"])


def store_listing(root: Path | str) -> list[Mapping[str, Any]]:
    """Every version that passed validation, with a ``current`` flag (the accepted one)."""
    store = Store(Path(root))
    current = {(e.unit, e.year, e.month, e.version) for e in (*store.current(),
                                                               *store.current_months())}  # fmt: skip
    return [
        {**e.to_json(), "current": (e.unit, e.year, e.month, e.version) in current}
        for e in store.entries()
    ]
