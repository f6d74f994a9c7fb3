"""Capital operations registers in the store: each load a version with its history, its content
checked on every read, as the enterprise registers are kept (:mod:`.store_registers`).

:func:`load_operations` reads and checks a capital operations workbook (every problem at once),
checks that every enterprise it names is one of the unit's (in the city's structure with the
store's registers), and records it as the next version of the unit's capital operations register
in one transaction: a refused load leaves the store as it was. A version keeps its file's name,
SHA-256 and size, when and by whom it was loaded, its as-of date, and its canonical content,
whose SHA-256 is verified before it is used. :func:`operations_frames` gives every version's
listing steps and reforms as frames (what ``soeplan store export`` writes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from soeplan.errors import Problem
from soeplan.registers.operations import ListingStage, ListingStep, Operations, Reform, ReformKind
from soeplan.registers.operations_workbook import read_operations
from soeplan.registers.reader import RegisterError
from soeplan.submissions.store import Store
from soeplan.submissions.store_db import StoreError
from soeplan.submissions.store_registers import store_structure

__all__ = [
    "LISTING_FRAME_SCHEMA",
    "REFORM_FRAME_SCHEMA",
    "OperationsVersion",
    "load_operations",
    "operations_frames",
    "operations_versions",
    "stored_operations",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS operations_versions (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    as_of TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL DEFAULT '',
    listings INTEGER NOT NULL,
    reforms INTEGER NOT NULL,
    content TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (unit, version)
)
"""
_COLS = ("unit", "version", "as_of", "name", "sha256", "size", "loaded_at", "loaded_by",
         "listings", "reforms", "content_sha256")  # fmt: skip


@attrs.frozen(kw_only=True)
class OperationsVersion:
    """One loaded version of a unit's capital operations register."""

    unit: str
    version: int
    as_of: dt.date
    source: str  #: the workbook's file name
    sha256: str
    size: int
    loaded_at: str  #: UTC, ISO 8601
    loaded_by: str
    listings: int
    reforms: int
    content_sha256: str


def _content(ops: Operations) -> str:
    """The canonical content: unit, as-of date, the rows in order (JSON)."""

    def row(x: Any) -> dict[str, Any]:
        d = attrs.asdict(x, filter=lambda a, _: a.name != "row")
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in d.items()}

    return json.dumps(
        {"unit": ops.unit, "as_of": ops.as_of.isoformat(),
         "listings": [row(s) for s in ops.listings], "reforms": [row(r) for r in ops.reforms]},
        ensure_ascii=False, sort_keys=True,
    )  # fmt: skip


def _parse(text: str, source: str) -> Operations:
    raw = json.loads(text)
    day = dt.date.fromisoformat
    return Operations(
        unit=raw["unit"],
        as_of=day(raw["as_of"]),
        listings=tuple(
            ListingStep(**{**s, "stage": ListingStage(s["stage"]), "date": day(s["date"])})
            for s in raw["listings"]
        ),
        reforms=tuple(
            Reform(
                **{
                    **r,
                    "kind": ReformKind(r["kind"]),
                    "date": day(r["date"]),
                    "event_date": day(r["event_date"]) if r.get("event_date") else None,
                }
            )
            for r in raw["reforms"]
        ),
        source=source,
    )


def load_operations(
    store: Store | Path | str, path: Path | str, *, by: str = ""
) -> OperationsVersion:
    """Check the capital operations workbook at ``path`` and record it as the next version of its
    unit's register in ``store``; refused (nothing written) with every problem at once."""
    st = store if isinstance(store, Store) else Store(Path(store))
    path = Path(path)
    ops = read_operations(path)
    _check_entities(st, ops, path)
    raw = path.read_bytes()
    content = _content(ops)
    digest = hashlib.sha256(content.encode()).hexdigest()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with st._write() as con:
        con.execute(_SCHEMA)
        (last,) = con.execute(
            "SELECT COALESCE(MAX(version), 0) FROM operations_versions WHERE unit = ?", (ops.unit,)
        ).fetchone()
        values = (ops.unit, last + 1, ops.as_of.isoformat(), path.name,
                  hashlib.sha256(raw).hexdigest(), len(raw), now, by, len(ops.listings),
                  len(ops.reforms), digest)  # fmt: skip
        con.execute(
            f"INSERT INTO operations_versions ({', '.join(_COLS)}, content) VALUES "
            f"({', '.join('?' * (len(_COLS) + 1))})",
            (*values, content),
        )
    return _version(values)


def _check_entities(st: Store, ops: Operations, path: Path) -> None:
    """The unit is the city's, and every enterprise named is one of the unit's."""
    structure = store_structure(st)
    if ops.unit not in structure.units:
        raise RegisterError(path, [Problem("_soeplan!B3", f"unknown unit {ops.unit!r}",
                                           "start from soeplan operations template --unit UNIT")])  # fmt: skip
    known = {e.id for e in structure.entities.values() if e.unit == ops.unit}
    problems = [
        Problem(f"{sheet} row {x.row}", f"enterprise {x.entity!r} is not one of {ops.unit}'s",
                "use the enterprise's ID from the unit's register (soeplan register show), or "
                "load the register that lists it first")
        for sheet, rows in (("上市梯队 Listing pipeline", ops.listings), ("改革记录 Reforms", ops.reforms))
        for x in rows
        if x.entity not in known
    ]  # fmt: skip
    if problems:
        raise RegisterError(path, problems)


def _version(row: tuple[Any, ...]) -> OperationsVersion:
    f = dict(zip(_COLS, row, strict=True))
    return OperationsVersion(
        unit=f["unit"], version=f["version"], as_of=dt.date.fromisoformat(f["as_of"]),
        source=f["name"], sha256=f["sha256"], size=f["size"], loaded_at=f["loaded_at"],
        loaded_by=f["loaded_by"], listings=f["listings"], reforms=f["reforms"],
        content_sha256=f["content_sha256"],
    )  # fmt: skip


def _select(st: Store, where: str = "", args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return table_rows(st, "operations_versions", (*_COLS, "content"), where, args,
                      "unit, version")  # fmt: skip


def table_rows(
    st: Store,
    table: str,
    columns: tuple[str, ...],
    where: str = "",
    args: tuple[Any, ...] = (),
    order: str = "",
) -> list[tuple[Any, ...]]:
    """The rows of one of the store's own tables (none when the store or the table does not
    exist yet): ``columns`` of the rows ``where`` selects, in ``order``."""
    if st._missing_db():
        return []
    with st._read() as con:
        present = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)
        ).fetchone()
        if present is None:
            return []
        sql = f"SELECT {', '.join(columns)} FROM {table} {where}"
        return list(con.execute(sql + (f" ORDER BY {order}" if order else ""), args))


def operations_versions(
    store: Store | Path | str, unit: str | None = None
) -> list[OperationsVersion]:
    """Every loaded version (of ``unit``'s, or of every unit's), oldest first."""
    st = store if isinstance(store, Store) else Store(Path(store))
    rows = _select(st, "WHERE unit = ?", (unit,)) if unit else _select(st)
    return [_version(r[:-1]) for r in rows]


def _read(st: Store, row: tuple[Any, ...]) -> Operations:
    v = _version(row[:-1])
    if hashlib.sha256(row[-1].encode()).hexdigest() != v.content_sha256:
        raise StoreError(
            f"{st.db_path}: the capital operations register of {v.unit} version {v.version} was "
            "changed after it was loaded (its SHA-256 no longer matches)\n"
            "  fix: restore soeplan.sqlite from a backup, or load the workbook again"
        )
    return _parse(row[-1], f"operations {v.unit} v{v.version} ({v.source})")


def stored_operations(store: Store | Path | str, at: dt.date | None = None) -> list[Operations]:
    """Each unit's capital operations register: the latest version, or the one stated for
    ``at`` (the latest as-of date on or before it, else the earliest)."""
    st = store if isinstance(store, Store) else Store(Path(store))
    by_unit: dict[str, list[tuple[Any, ...]]] = {}
    for row in _select(st):
        by_unit.setdefault(row[0], []).append(row)
    out = []
    for rows in by_unit.values():
        dated = [r for r in rows if at is None or dt.date.fromisoformat(r[2]) <= at]
        pick = max(dated or rows[:1], key=lambda r: (r[2], r[1]))
        out.append(_read(st, pick))
    return out


#: Columns of the listing steps frame.
LISTING_FRAME_SCHEMA: dict[str, Any] = {
    "unit": pl.String, "entity": pl.String, "stage": pl.String, "date": pl.Date,
    "exchange": pl.String, "stock_code": pl.String, "note": pl.String, "as_of": pl.Date,
    "version": pl.Int64,
}  # fmt: skip
#: Columns of the reforms frame.
REFORM_FRAME_SCHEMA: dict[str, Any] = {
    "unit": pl.String, "entity": pl.String, "date": pl.Date, "kind": pl.String,
    "share_before": pl.Float64, "share_after": pl.Float64, "investors": pl.String,
    "note": pl.String, "as_of": pl.Date, "version": pl.Int64, "amount": pl.Float64,
    "event_date": pl.Date,
}  # fmt: skip


def operations_frames(
    operations: list[Operations] | Store | Path | str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The listing steps and the reforms as frames (:data:`LISTING_FRAME_SCHEMA`,
    :data:`REFORM_FRAME_SCHEMA`): of the registers given, or of every version in a store."""
    if isinstance(operations, list):
        pairs = [(o, 0) for o in operations]
    else:
        st = operations if isinstance(operations, Store) else Store(Path(operations))
        pairs = [(_read(st, r), r[1]) for r in _select(st)]
    steps = [(o.unit, s.entity, s.stage.value, s.date, s.exchange, s.stock_code, s.note, o.as_of, v)
             for o, v in pairs for s in o.listings]  # fmt: skip
    reforms = [(o.unit, r.entity, r.date, r.kind.value, r.share_before, r.share_after,
                r.investors, r.note, o.as_of, v, r.amount, r.event_date)
               for o, v in pairs for r in o.reforms]  # fmt: skip
    return (
        pl.DataFrame(steps, schema=LISTING_FRAME_SCHEMA, orient="row"),
        pl.DataFrame(reforms, schema=REFORM_FRAME_SCHEMA, orient="row"),
    )
