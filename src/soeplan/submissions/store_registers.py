"""Registers in the store: each load a version, with its history, checked on every read.

:func:`load_register` reads and checks a register workbook (every problem at once), checks that
the unit's merged structure fits the city's (:func:`store_structure`), and records it as the next
version of its unit's register in one transaction: a refused load leaves the store as it was.
Each version keeps its file's name, SHA-256 and size, when and by whom it was loaded, its as-of
date, and the SHA-256 of its canonical content, which is verified before the register is used.

:func:`store_structure` is the city's structure with each stored register (its latest version)
merged with the unit's plugin structure by the rule of :mod:`soeplan.registers.merge`: what the
template, validation, ingest, the rollup and the report use when given a store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from soeplan.context import current
from soeplan.errors import Problem
from soeplan.registers.merge import MergeFinding, merge_register
from soeplan.registers.reader import RegisterError, read_register
from soeplan.registers.records import Register, RegisterChange, RegisterEntry, StrategicSector
from soeplan.structure.records import EventKind, FunctionalClass, NodeType, UnitStructure
from soeplan.submissions.store import Store
from soeplan.submissions.store_db import REGISTER_SCHEMA, StoreError

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry
    from soeplan.structure.dated import Structure

__all__ = [
    "RegisterLoad",
    "RegisterVersion",
    "load_register",
    "register_versions",
    "store_structure",
    "stored_register",
]

_ENTRY_COLS = (
    "id", "name_zh", "name_en", "credit_code", "parent", "node_type", "functional_class",
    "industry", "sector", "state_share", "listed", "exchange", "stock_code", "rating",
    "rating_agency", "rating_date", "since", "note",
)  # fmt: skip
_CHANGE_COLS = ("date", "kind", "entity", "target", "name_zh", "name_en", "unit", "note")
_VERSION_COLS = (
    "unit", "version", "as_of", "name", "sha256", "size", "loaded_at", "loaded_by", "entries",
    "changes", "content_sha256",
)  # fmt: skip


@attrs.frozen(kw_only=True)
class RegisterVersion:
    """One loaded version of a unit's register."""

    unit: str
    version: int
    as_of: dt.date
    source: str  #: the workbook's file name
    sha256: str  #: of the workbook file
    size: int
    loaded_at: str  #: UTC, ISO 8601
    loaded_by: str
    entries: int
    changes: int
    content_sha256: str  #: of the canonical rows (verified on every read)


@attrs.frozen
class RegisterLoad:
    """What :func:`load_register` recorded, and how the register merged with the plugin's."""

    version: RegisterVersion
    findings: tuple[MergeFinding, ...]


def _db(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return getattr(value, "value", value)


def _entry_row(e: RegisterEntry) -> tuple[Any, ...]:
    return tuple(_db(getattr(e, c)) for c in _ENTRY_COLS)


def _change_row(c: RegisterChange) -> tuple[Any, ...]:
    return tuple(_db(getattr(c, k)) for k in _CHANGE_COLS)


def content_digest(register: Register) -> str:
    """The SHA-256 of a register's canonical content: unit, as-of date, rows in order."""
    h = hashlib.sha256(json.dumps([register.unit, register.as_of.isoformat()]).encode())
    for row in map(_entry_row, register.entries):
        h.update(b"\ne" + json.dumps(row, ensure_ascii=False).encode())
    for row in map(_change_row, register.changes):
        h.update(b"\nc" + json.dumps(row, ensure_ascii=False).encode())
    return h.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _has_tables(con: sqlite3.Connection) -> bool:
    row = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='register_versions'"
    ).fetchone()
    return row is not None


def load_register(
    store: Store | Path | str,
    path: Path | str,
    *,
    by: str = "",
    registry: Registry | None = None,
) -> RegisterLoad:
    """Check the register workbook at ``path`` and record it as the next version of its unit's
    register in ``store``. Refused (nothing written) when the workbook has a problem
    (:class:`~soeplan.registers.reader.RegisterError`, every problem at once) or the unit's
    merged structure does not fit the city's."""
    st = store if isinstance(store, Store) else Store(Path(store))
    path = Path(path)
    register = read_register(path)
    raw = path.read_bytes()
    reg = current(registry)
    _, findings = _merged(register, reg)
    _check_fits(st, register, reg, path)
    digest = content_digest(register)
    with st._write() as con:
        for stmt in REGISTER_SCHEMA.split(";"):
            if stmt.strip():
                con.execute(stmt)
        con.execute("INSERT OR IGNORE INTO units (id) VALUES (?)", (register.unit,))
        (last,) = con.execute(
            "SELECT COALESCE(MAX(version), 0) FROM register_versions WHERE unit = ?",
            (register.unit,),
        ).fetchone()
        values = (
            register.unit, last + 1, register.as_of.isoformat(), path.name,
            hashlib.sha256(raw).hexdigest(), len(raw), _now(), by, len(register.entries),
            len(register.changes), digest,
        )  # fmt: skip
        cur = con.execute(
            f"INSERT INTO register_versions ({', '.join(_VERSION_COLS)}) VALUES "
            f"({', '.join('?' * len(_VERSION_COLS))})",
            values,
        )
        vid = cur.lastrowid
        con.executemany(
            f"INSERT INTO register_entries (version_id, seq, {', '.join(_ENTRY_COLS)}) VALUES "
            f"({', '.join('?' * (len(_ENTRY_COLS) + 2))})",
            [(vid, i, *_entry_row(e)) for i, e in enumerate(register.entries)],
        )
        con.executemany(
            f"INSERT INTO register_changes (version_id, seq, {', '.join(_CHANGE_COLS)}) VALUES "
            f"({', '.join('?' * (len(_CHANGE_COLS) + 2))})",
            [(vid, i, *_change_row(c)) for i, c in enumerate(register.changes)],
        )
    return RegisterLoad(_version_of(values), findings)


def _check_fits(st: Store, register: Register, reg: Registry, path: Path) -> None:
    """The unit is one of the city's, and the city's structure with this register composes."""
    from soeplan.structure.city import city_file
    from soeplan.structure.compose import StructureError

    units = {u.id for u in city_file().units}
    if register.unit not in units:
        raise RegisterError(
            path,
            [
                Problem(
                    "_soeplan!B3",
                    f"unknown unit {register.unit!r}",
                    f"write the register of one of: {', '.join(sorted(units))} "
                    "(start from soeplan register template --unit UNIT)",
                )
            ],
        )
    try:
        store_structure(st, registry=reg, replace=register)
    except StructureError as exc:
        raise RegisterError(
            path,
            [Problem(f"{register.unit}: {p.where}", p.what, p.fix) for p in exc.problems],
        ) from None


def _version_of(row: Sequence[Any]) -> RegisterVersion:
    fields = dict(zip(_VERSION_COLS, row, strict=True))
    return RegisterVersion(
        unit=fields["unit"],
        version=fields["version"],
        as_of=dt.date.fromisoformat(fields["as_of"]),
        source=fields["name"],
        sha256=fields["sha256"],
        size=fields["size"],
        loaded_at=fields["loaded_at"],
        loaded_by=fields["loaded_by"],
        entries=fields["entries"],
        changes=fields["changes"],
        content_sha256=fields["content_sha256"],
    )


def _rows(st: Store, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if st._missing_db():
        return []
    with st._read() as con:
        if not _has_tables(con):
            return []
        return list(con.execute(sql, args))


def register_versions(store: Store | Path | str, unit: str | None = None) -> list[RegisterVersion]:
    """Every loaded version (of ``unit``'s register, or of every unit's), oldest first."""
    st = store if isinstance(store, Store) else Store(Path(store))
    where, args = ("WHERE unit = ?", (unit,)) if unit is not None else ("", ())
    sql = f"SELECT {', '.join(_VERSION_COLS)} FROM register_versions {where} ORDER BY unit, version"
    return [_version_of(r) for r in _rows(st, sql, args)]


def in_force(versions: Sequence[RegisterVersion], at: dt.date | None) -> RegisterVersion | None:
    """The latest version, or the one stated for ``at``: the latest as-of on or before it (else
    the earliest: a register's changes date its structure back before its as-of date)."""
    if not versions:
        return None
    if at is None:
        return versions[-1]
    dated = [v for v in versions if v.as_of <= at]
    if not dated:
        return min(versions, key=lambda v: (v.as_of, v.version))
    return max(dated, key=lambda v: (v.as_of, v.version))


def stored_register(
    store: Store | Path | str,
    unit: str,
    *,
    version: int | None = None,
    at: dt.date | None = None,
) -> Register | None:
    """A unit's register from the store: ``version``, or the one stated for ``at`` (the latest
    as-of date on or before it, else the earliest), or the latest; None when there is none. Its content is
    checked against the SHA-256 recorded when it was loaded."""
    st = store if isinstance(store, Store) else Store(Path(store))
    versions = register_versions(st, unit)
    if version is not None:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            known = ", ".join(str(v.version) for v in versions) or "none"
            raise StoreError(
                f"{st.root}: {unit}'s register has no version {version} (versions: {known})\n"
                "  fix: pick one soeplan register history shows"
            )
    else:
        chosen = in_force(versions, at)
    if chosen is None:
        return None
    return read_version(st, chosen)


def read_version(st: Store, v: RegisterVersion) -> Register:
    base = "FROM {t} r JOIN register_versions v ON v.id = r.version_id WHERE v.unit = ? AND v.version = ? ORDER BY r.seq"
    args = (v.unit, v.version)
    entry_rows = _rows(
        st,
        f"SELECT {', '.join('r.' + c for c in _ENTRY_COLS)} " + base.format(t="register_entries"),
        args,
    )
    change_rows = _rows(
        st,
        f"SELECT {', '.join('r.' + c for c in _CHANGE_COLS)} " + base.format(t="register_changes"),
        args,
    )
    register = Register(
        unit=v.unit,
        as_of=v.as_of,
        entries=tuple(_entry(v.unit, r) for r in entry_rows),
        changes=tuple(_change(r) for r in change_rows),
        source=f"register {v.unit} v{v.version} ({v.source})",
    )
    if content_digest(register) != v.content_sha256 or len(register.entries) != v.entries:
        raise StoreError(
            f"{st.db_path}: the register of {v.unit} version {v.version} was changed after it "
            "was loaded (its SHA-256 no longer matches)",
            problems=[
                Problem(
                    f"register {v.unit} v{v.version}",
                    "the stored rows differ from what was loaded",
                    "restore soeplan.sqlite from a backup, or load the register workbook again",
                )
            ],
        )
    return register


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _entry(unit: str, row: Sequence[Any]) -> RegisterEntry:
    f = dict(zip(_ENTRY_COLS, row, strict=True))
    plain = ("id", "name_zh", "name_en", "credit_code", "parent", "industry", "state_share",
             "exchange", "stock_code", "rating", "rating_agency", "note")  # fmt: skip
    return RegisterEntry(
        **{k: f[k] for k in plain},
        unit=unit,
        node_type=NodeType(f["node_type"]),
        functional_class=FunctionalClass(f["functional_class"]) if f["functional_class"] else None,
        sector=StrategicSector(f["sector"]) if f["sector"] else None,
        listed=bool(f["listed"]),
        rating_date=_date(f["rating_date"]),
        since=_date(f["since"]),
    )


def _change(row: Sequence[Any]) -> RegisterChange:
    f = dict(zip(_CHANGE_COLS, row, strict=True))
    return RegisterChange(
        **{**f, "date": dt.date.fromisoformat(f["date"]), "kind": EventKind(f["kind"])}
    )


def stored_registers(store: Store | Path | str) -> dict[str, Register]:
    """Each unit's latest register in the store, by unit."""
    st = store if isinstance(store, Store) else Store(Path(store))
    latest: dict[str, RegisterVersion] = {}
    for v in register_versions(st):
        latest[v.unit] = v
    return {u: read_version(st, v) for u, v in sorted(latest.items())}


def _merged(register: Register, reg: Registry) -> tuple[UnitStructure, tuple[MergeFinding, ...]]:
    return merge_register(register, reg.structures.get(register.unit))


def register_structures(
    store: Store | Path | str | None, registry: Registry | None = None
) -> list[tuple[str, UnitStructure]]:
    """The store's registers, each merged with its unit's plugin structure, as
    ``(origin, UnitStructure)`` pairs for :func:`~soeplan.structure.city.city_structure`."""
    if store is None:
        return []
    reg = current(registry)
    return [
        (register.source, _merged(register, reg)[0])
        for register in stored_registers(store).values()
    ]


def store_structure(
    store: Store | Path | str | None,
    *,
    sample: bool = False,
    registry: Registry | None = None,
    fallback_files: Sequence[Path | str] = (),
    replace: Register | None = None,
) -> Structure:
    """The city's structure with the store's registers merged in (each replacing its unit's
    plugin structure, merged by :func:`~soeplan.registers.merge.merge_register`);
    ``replace`` stands in for its unit's stored register (a load checks it fits)."""
    from soeplan.structure.city import city_structure

    reg = current(registry)
    pairs = [
        (origin, us)
        for origin, us in register_structures(store, reg)
        if replace is None or us.unit != replace.unit
    ]
    if replace is not None:
        pairs.append((replace.source or "register", _merged(replace, reg)[0]))
    return city_structure(
        sample=sample, registry=reg, fallback_files=fallback_files, registers=pairs
    )


def has_register(store: Store | Path | str | None, unit: str) -> bool:
    """Whether ``store`` holds a register of ``unit``."""
    if store is None:
        return False
    st = store if isinstance(store, Store) else Store(Path(store))
    if not st.exists():
        return False
    return bool(register_versions(st, unit))
