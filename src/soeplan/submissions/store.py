"""The store of accepted submissions: Parquet files plus a JSON manifest, keyed by unit and year.

Layout of a store directory::

    manifest.json                                  what the store holds (the only index)
    data/<unit>/<year>/v0001-<sha256[:12]>.parquet one file per accepted version

A resubmission for the same unit and year becomes the next version: the manifest's latest
version of a (unit, year) is the current one, and every earlier version stays readable with the
time it was ingested. An ingest writes the new data file and the new manifest *outside* the store
first (a sibling staging directory, flushed to disk), then moves the data file in and switches the
manifest with ``os.replace``, which is atomic: a reader sees the old manifest or the new one,
never half of either. An ingest that fails, or is killed before the switch, leaves the store's
files exactly as they were. See ``docs/explanation/store.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from soeplan.errors import Problem, SoeplanError, UnknownNameError
from soeplan.frames import STORE_SCHEMA

MANIFEST = "manifest.json"
STORE_FORMAT = 1
#: Fault injection for tests: ``sleep:SECONDS`` or ``raise`` between writing the staged data and
#: switching the manifest.
FAULT_ENV = "SOEPLAN_STORE_FAULT"


class StoreError(SoeplanError):
    """The store directory is unreadable, or what was asked of it does not exist."""

    exit_code = 2


@attrs.frozen(kw_only=True)
class StoreEntry:
    """One accepted version of one unit's submission for one year."""

    unit: str
    year: int
    version: int
    path: str  #: relative to the store directory
    sha256: str  #: of the data file
    rows: int
    ingested_at: str  #: UTC, ISO 8601
    source: str = ""  #: the submitted file's name
    source_sha256: str = ""
    synthetic: bool = False
    warnings_explained: int = 0

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_file(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One writer at a time: an advisory lock on a file beside the store (not inside it, so
    that the store's own files never change outside a commit)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: single writer by convention
        yield
        return
    with lock_path.open("a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _fault_point() -> None:
    fault = os.environ.get(FAULT_ENV, "").strip()
    if not fault:
        return
    if fault == "raise":
        raise OSError(f"fault injected by {FAULT_ENV}")
    if fault.startswith("sleep:"):
        time.sleep(float(fault.split(":", 1)[1]))


@attrs.frozen
class Store:
    """A store directory. Creating the object touches nothing; :meth:`put` writes."""

    root: Path = attrs.field(converter=Path)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def entries(self) -> tuple[StoreEntry, ...]:
        """Every version of every submission, by unit, year and version."""
        raw = self._manifest()
        out = []
        for i, e in enumerate(raw.get("submissions", [])):
            try:
                out.append(StoreEntry(**e))
            except TypeError as exc:
                raise StoreError(
                    f"{self.manifest_path}: entry {i} is malformed ({exc})",
                    problems=[
                        Problem(
                            str(self.manifest_path),
                            "the manifest was edited by hand?",
                            "restore it from a backup",
                        )
                    ],
                ) from None
        return tuple(sorted(out, key=lambda e: (e.unit, e.year, e.version)))

    def _manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {"format": STORE_FORMAT, "kind": "soeplan-store", "submissions": []}
        try:
            raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{self.manifest_path}: cannot read the store's manifest ({exc})\n"
                "  fix: point --store at a soeplan store directory, or restore manifest.json"
            ) from None
        if not isinstance(raw, dict) or raw.get("kind") != "soeplan-store":
            raise StoreError(
                f"{self.manifest_path}: not a soeplan store manifest\n"
                "  fix: point --store at a directory written by `soeplan ingest`"
            )
        return raw

    def current(self) -> tuple[StoreEntry, ...]:
        """The latest version of each (unit, year)."""
        latest: dict[tuple[str, int], StoreEntry] = {}
        for e in self.entries():
            latest[(e.unit, e.year)] = e
        return tuple(latest.values())

    def entry(self, unit: str, year: int, version: int | None = None) -> StoreEntry:
        versions = [e for e in self.entries() if e.unit == unit and e.year == year]
        if not versions:
            have = ", ".join(f"{e.unit} {e.year}" for e in self.current()) or "nothing yet"
            raise UnknownNameError(
                f"the store {self.root} has no submission of {unit} for {year} (it holds: {have})\n"
                "  fix: check --unit and --year, or ingest the submission first"
            )
        if version is None:
            return versions[-1]
        for e in versions:
            if e.version == version:
                return e
        known = ", ".join(str(e.version) for e in versions)
        raise UnknownNameError(
            f"{unit} {year} has no version {version} in {self.root} (versions: {known})\n"
            "  fix: pick one of the versions `soeplan store list` shows"
        )

    def read(self, unit: str, year: int, version: int | None = None) -> pl.DataFrame:
        """The observations of one version (default: the current one)."""
        e = self.entry(unit, year, version)
        return self._read_entry(e)

    def _read_entry(self, e: StoreEntry) -> pl.DataFrame:
        path = self.root / e.path
        try:
            frame = pl.read_parquet(path)
        except Exception as exc:
            raise StoreError(
                f"{path}: the data of {e.unit} {e.year} version {e.version} cannot be read "
                f"({type(exc).__name__})\n  fix: restore the store directory from a backup"
            ) from None
        return frame.select([pl.col(c).cast(t) for c, t in STORE_SCHEMA.items()])

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
    ) -> StoreEntry:
        """Add ``frame`` as the next version of (unit, year), atomically."""
        data = frame.select(
            [
                (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
                for c, t in STORE_SCHEMA.items()
            ]
        ).sort(["entity", "indicator"])
        self.root.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.root.parent / f".{self.root.name}.lock"):
            return self._put_locked(
                data,
                unit=unit,
                year=year,
                source=source,
                source_sha256=source_sha256,
                synthetic=synthetic,
                warnings_explained=warnings_explained,
            )

    def _put_locked(
        self,
        data: pl.DataFrame,
        *,
        unit: str,
        year: int,
        source: str,
        source_sha256: str,
        synthetic: bool,
        warnings_explained: int,
    ) -> StoreEntry:
        manifest = self._manifest()
        versions = [
            s["version"]
            for s in manifest.get("submissions", [])
            if s["unit"] == unit and s["year"] == year
        ]
        version = max(versions, default=0) + 1
        staging = Path(tempfile.mkdtemp(prefix=f".{self.root.name}.ingest-", dir=self.root.parent))
        try:
            staged = staging / "data.parquet"
            data.write_parquet(staged)
            _fsync_file(staged)
            digest = _sha256(staged)
            rel = f"data/{unit}/{year}/v{version:04d}-{digest[:12]}.parquet"
            entry = StoreEntry(
                unit=unit,
                year=year,
                version=version,
                path=rel,
                sha256=digest,
                rows=data.height,
                ingested_at=_now(),
                source=source,
                source_sha256=source_sha256,
                synthetic=synthetic,
                warnings_explained=warnings_explained,
            )
            new_manifest = {
                "format": STORE_FORMAT,
                "kind": "soeplan-store",
                "submissions": [*manifest.get("submissions", []), entry.to_json()],
            }
            staged_manifest = staging / MANIFEST
            staged_manifest.write_text(
                json.dumps(new_manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                encoding="utf-8",
            )
            _fsync_file(staged_manifest)
            _fault_point()
            # Commit: move the data in, then switch the manifest (the atomic step).
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            _fsync_dir(target.parent)
            os.replace(staged_manifest, self.manifest_path)
            _fsync_dir(self.root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return entry


def read_store(
    root: Path | str, year: int | None = None, *, units: Iterable[str] | None = None
) -> pl.DataFrame:
    """The current accepted observations in a store: ``unit, entity, year, indicator, value``.

    ``year`` and ``units`` narrow it down. An empty or missing store gives an empty frame. This is
    what the rollup reads.
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
    """Every version in the store, with a ``current`` flag, for listing."""
    store = Store(Path(root))
    current = {(e.unit, e.year, e.version) for e in store.current()}
    return [
        {**e.to_json(), "current": (e.unit, e.year, e.version) in current} for e in store.entries()
    ]
