"""The reader of the old store format (format 1: a JSON manifest plus Parquet files), kept only
for ``soeplan store migrate``.

Layout of an old store directory::

    manifest.json                                  the index: every version of every submission
    data/<unit>/<year>/v0001-<sha256[:12]>.parquet one file per accepted version

Everything read is checked: the manifest's kind, format and entry types, that every data path
stays inside the directory, that no (unit, year, version) appears twice, and that each data
file's SHA-256 matches the manifest. See ``docs/explanation/store.md``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from soeplan.errors import SoeplanError
from soeplan.frames import STORE_SCHEMA

MANIFEST = "manifest.json"
LEGACY_FORMAT = 1


class LegacyStoreError(SoeplanError):
    """An old-format store cannot be read as it is."""

    exit_code = 2


@attrs.frozen(kw_only=True)
class LegacyEntry:
    """One version of one unit's submission for one year, as the old manifest lists it."""

    unit: str
    year: int
    version: int
    path: str
    sha256: str
    rows: int
    ingested_at: str
    source: str = ""
    source_sha256: str = ""
    synthetic: bool = False
    warnings_explained: int = 0


_TYPES: dict[str, type | tuple[type, ...]] = {
    "unit": str,
    "year": int,
    "version": int,
    "path": str,
    "sha256": str,
    "rows": int,
    "ingested_at": str,
    "source": str,
    "source_sha256": str,
    "synthetic": bool,
    "warnings_explained": int,
}


def is_legacy_store(root: Path) -> bool:
    """Whether ``root`` looks like an old-format store (it has a ``manifest.json``)."""
    return (root / MANIFEST).is_file()


def _bad(root: Path, what: str) -> LegacyStoreError:
    return LegacyStoreError(
        f"{root / MANIFEST}: {what}\n  fix: restore the old store directory from a backup"
    )


def _entry(root: Path, i: int, raw: Any) -> LegacyEntry:
    if not isinstance(raw, dict):
        raise _bad(root, f"entry {i} is not an object")
    for key, typ in _TYPES.items():
        if key in raw and not isinstance(raw[key], typ):
            raise _bad(root, f"entry {i}: {key} has the wrong type ({type(raw[key]).__name__})")
    try:
        e = LegacyEntry(**raw)
    except TypeError as exc:
        raise _bad(root, f"entry {i} is malformed ({exc})") from None
    target = (root / e.path).resolve()
    if not target.is_relative_to(root.resolve()):
        raise _bad(root, f"entry {i}: its path {e.path!r} leads outside the store")
    return e


def legacy_entries(root: Path) -> tuple[LegacyEntry, ...]:
    """Every version listed by an old store's manifest, checked, by unit, year and version."""
    try:
        raw = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _bad(root, f"cannot read the manifest ({exc})") from None
    if not isinstance(raw, dict) or raw.get("kind") != "soeplan-store":
        raise _bad(root, "not a soeplan store manifest")
    if raw.get("format") != LEGACY_FORMAT:
        raise _bad(root, f"format {raw.get('format')!r} is not the old format {LEGACY_FORMAT}")
    subs = raw.get("submissions", [])
    if not isinstance(subs, list):
        raise _bad(root, "submissions is not a list")
    out = [_entry(root, i, e) for i, e in enumerate(subs)]
    keys = [(e.unit, e.year, e.version) for e in out]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise _bad(root, "listed twice: " + ", ".join(f"{u} {y} v{v}" for u, y, v in dupes))
    return tuple(sorted(out, key=lambda e: (e.unit, e.year, e.version)))


def legacy_read(root: Path, e: LegacyEntry) -> pl.DataFrame:
    """The figures of one old version, after checking the data file's SHA-256."""
    path = root / e.path
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LegacyStoreError(
            f"{path}: the data of {e.unit} {e.year} version {e.version} cannot be read "
            f"({exc.strerror or exc})\n  fix: restore the old store directory from a backup"
        ) from None
    if hashlib.sha256(data).hexdigest() != e.sha256:
        raise LegacyStoreError(
            f"{path}: the data of {e.unit} {e.year} version {e.version} was changed after it "
            "was stored (its SHA-256 differs from the manifest's)\n"
            "  fix: restore the old store directory from a backup"
        )
    frame = pl.read_parquet(path)
    return frame.select([pl.col(c).cast(t) for c, t in STORE_SCHEMA.items()])
