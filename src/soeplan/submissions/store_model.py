"""The store's records: a stored version (:class:`StoreEntry`), a unit's state for a period
(:class:`UnitState`), and the states' names."""

from __future__ import annotations

from typing import Any

import attrs

from soeplan.periods import Period
from soeplan.submissions.store_db import DB_NAME

#: The states of a unit's submission for a period, with their names in Chinese.
STATES: dict[str, str] = {
    "expected": "待上报",
    "submitted": "已上报",
    "returned": "退回",
    "resubmitted": "修改后重报",
    "accepted": "已接收",
}


@attrs.frozen(kw_only=True)
class StoreEntry:
    """One version of one unit's submission for one period whose figures passed validation."""

    unit: str
    year: int
    version: int
    path: str  #: where it lives: ``soeplan.sqlite#<unit>/<period>/v<version>``
    sha256: str  #: of the canonical figures (verified on every read)
    rows: int
    ingested_at: str  #: UTC, ISO 8601
    source: str = ""  #: the submitted file's name
    source_sha256: str = ""
    synthetic: bool = False
    warnings_explained: int = 0
    month: int | None = None  #: the month of a 快报; None for the whole year

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class UnitState:
    """Where one unit's submission for one period stands."""

    unit: str
    year: int
    state: str  #: a key of :data:`STATES`
    version: int | None = None  #: the latest received version (None: nothing received)
    accepted_version: int | None = None  #: the version in force (counted in totals)
    received_at: str = ""
    source: str = ""
    errors: int = 0
    warnings: int = 0
    reason: str = ""
    month: int | None = None  #: the month of a 快报; None for the whole year

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{STATES[self.state]} {self.state}"


ENTRY_SQL = (
    "SELECT unit, year, version, rows, figures_sha256, received_at, name, sha256, synthetic, "
    "warnings_explained, month FROM received"
)


def entry_of(row: tuple[Any, ...]) -> StoreEntry:
    unit, year, version, rows, digest, at, name, sha, synthetic, explained, month = row
    return StoreEntry(
        unit=unit,
        year=year,
        month=month or None,
        version=version,
        path=f"{DB_NAME}#{unit}/{Period(year, month or None)}/v{version}",
        sha256=digest,
        rows=rows,
        ingested_at=at,
        source=name,
        source_sha256=sha,
        synthetic=bool(synthetic),
        warnings_explained=explained,
    )


def month_key(month: int | None) -> int:
    """The store's ``month`` column for a period: 0 for the whole year, else the month."""
    return 0 if month is None else month
