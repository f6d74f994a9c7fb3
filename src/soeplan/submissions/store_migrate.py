"""Bringing an old-format store (manifest + Parquet) into the database, and exporting the
database to Parquet for analysts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from soeplan.submissions.store import Store, StoreError
from soeplan.submissions.store_legacy import legacy_entries, legacy_read


def migrate(old: Path, store: Store) -> int:
    """Copy every version of the old store at ``old`` into ``store`` (which must be new or
    empty), keeping versions, times, sources and checksums; the last version of each (unit,
    year) is the accepted one, as it was. Returns how many versions were copied. Every old data
    file is checked against its SHA-256 before anything is written."""
    entries = legacy_entries(old)
    frames = [legacy_read(old, e) for e in entries]  # all checked before the first write
    if store.exists() and store.received():
        raise StoreError(
            f"{store.root}: already holds submissions\n  fix: migrate into a new, empty directory"
        )
    for e, frame in zip(entries, frames, strict=True):
        entry = store.put(
            frame,
            unit=e.unit,
            year=e.year,
            source=e.source,
            source_sha256=e.source_sha256,
            synthetic=e.synthetic,
            warnings_explained=e.warnings_explained,
            received_at=e.ingested_at,
            reason=f"migrated from {old} (version {e.version}, accepted {e.ingested_at})",
        )
        if entry.version != e.version:
            raise StoreError(
                f"{old}: {e.unit} {e.year} versions are not numbered 1, 2, … "
                f"(version {e.version} became {entry.version})\n"
                "  fix: restore the old store from a backup"
            )
    return len(entries)


def export(store: Store, out: Path) -> list[Path]:
    """Write the store as Parquet files into ``out``: ``figures.parquet`` (every version that
    passed validation, with ``month`` (null for a year), ``version`` and ``in_force``), ``received.parquet`` (every received
    file), ``history.parquet`` (every state change), ``registers.parquet`` (every loaded
    version of every unit's enterprise register) and ``listings.parquet`` and ``reforms.parquet``
    (every loaded version of every unit's capital operations register)."""
    from soeplan.submissions.register_view import register_frame

    out.mkdir(parents=True, exist_ok=True)
    current = (*store.current(), *store.current_months())
    in_force = {(e.unit, e.year, e.month, e.version) for e in current}
    figures = [
        store._read_entry(e).with_columns(
            pl.lit(e.month, dtype=pl.Int8).alias("month"),
            pl.lit(e.version).alias("version"),
            pl.lit((e.unit, e.year, e.month, e.version) in in_force).alias("in_force"),
        )
        for e in store.entries()
    ]
    written = []
    if figures:
        written.append(_write(pl.concat(figures), out / "figures.parquet"))
    received = store.received()
    if received:
        written.append(_write(pl.DataFrame(received), out / "received.parquet"))
    history = [
        {"unit": r["unit"], "year": r["year"], "month": r["month"], **h}
        for r in {(x["unit"], x["year"], x["month"]): x for x in received}.values()
        for h in store.history(r["unit"], r["year"], r["month"])
    ]
    if history:
        written.append(_write(pl.DataFrame(history), out / "history.parquet"))
    registers = register_frame(store)
    if registers.height:
        written.append(_write(registers, out / "registers.parquet"))
    from soeplan.submissions.store_operations import operations_frames

    for frame, name in zip(operations_frames(store), ("listings", "reforms"), strict=True):
        if frame.height:
            written.append(_write(frame, out / f"{name}.parquet"))
    return written


def _write(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_parquet(path)
    return path
