"""Annual budgets in the store: each load a version with its history, its content checked on
every read, as the capital operations registers are kept (:mod:`.store_operations`).

:func:`load_budget` reads and checks a budget workbook (every problem at once), checks that each
enterprise it names is one of the unit's (in the city's structure with the store's registers),
and records it as the next version of the unit's budget for its year in one transaction: a
refused load leaves the store as it was. A version keeps its file's name, SHA-256 and size,
when and by whom it was loaded, and its canonical content, whose SHA-256 is verified before it
is used. :func:`stored_budget` gives a year's budget, the latest version of each unit's.
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
from soeplan.frames import LONG_SCHEMA
from soeplan.registers.budget_workbook import BUDGET_SHEET, read_budget
from soeplan.registers.reader import RegisterError
from soeplan.submissions.store import Store
from soeplan.submissions.store_db import StoreError
from soeplan.submissions.store_operations import table_rows
from soeplan.submissions.store_registers import store_structure

__all__ = ["BudgetVersion", "budget_versions", "load_budget", "stored_budget"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS budget_versions (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL DEFAULT '',
    figures INTEGER NOT NULL,
    content TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (unit, year, version)
)
"""
_COLS = ("unit", "year", "version", "name", "sha256", "size", "loaded_at", "loaded_by",
         "figures", "content_sha256")  # fmt: skip


@attrs.frozen(kw_only=True)
class BudgetVersion:
    """One loaded version of a unit's budget for a year."""

    unit: str
    year: int
    version: int
    source: str  #: the workbook's file name
    sha256: str
    size: int
    loaded_at: str  #: UTC, ISO 8601
    loaded_by: str
    figures: int
    content_sha256: str


def _content(budget: pl.DataFrame) -> str:
    rows = sorted(budget.select("entity", "indicator", "value").iter_rows())
    return json.dumps([list(r) for r in rows], ensure_ascii=False)


def load_budget(store: Store | Path | str, path: Path | str, *, by: str = "") -> BudgetVersion:
    """Check the budget workbook at ``path`` and record it as the next version of its unit's
    budget for its year in ``store``; refused (nothing written) with every problem at once."""
    st = store if isinstance(store, Store) else Store(Path(store))
    path = Path(path)
    budget = read_budget(path)
    if budget.is_empty():
        raise RegisterError(path, [Problem(BUDGET_SHEET, "the budget holds no figure",
                                           "fill in the year's budget, then load it")])  # fmt: skip
    unit, year = str(budget["unit"][0]), int(budget["year"][0])
    check_entities(st, budget, path)
    raw = path.read_bytes()
    content = _content(budget)
    digest = hashlib.sha256(content.encode()).hexdigest()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with st._write() as con:
        con.execute(_SCHEMA)
        (last,) = con.execute(
            "SELECT COALESCE(MAX(version), 0) FROM budget_versions WHERE unit = ? AND year = ?",
            (unit, year),
        ).fetchone()
        values = (unit, year, last + 1, path.name, hashlib.sha256(raw).hexdigest(), len(raw),
                  now, by, budget.height, digest)  # fmt: skip
        con.execute(
            f"INSERT INTO budget_versions ({', '.join(_COLS)}, content) VALUES "
            f"({', '.join('?' * (len(_COLS) + 1))})",
            (*values, content),
        )
    return _version(values)


def check_entities(store: Store | Path | str | None, budget: pl.DataFrame, path: Path) -> None:
    """The budget's unit is the city's, and each enterprise (or group) it names is one of the
    unit's (in the city's structure with the store's registers); raises with every one that is
    not."""
    structure = store_structure(store)
    unit = str(budget["unit"][0])
    if unit not in structure.units:
        raise RegisterError(path, [Problem("_soeplan!B3", f"unknown unit {unit!r}",
                                           "start from soeplan budget template --unit UNIT")])  # fmt: skip
    known = {e.id for e in structure.entities.values() if e.unit == unit}
    problems = [
        Problem(f"{BUDGET_SHEET} ({entity})", f"enterprise {entity!r} is not one of {unit}'s",
                "use the enterprise's ID from the unit's register (soeplan register show), or "
                "load the register that lists it first")
        for entity in sorted(set(budget["entity"]) - known)
    ]  # fmt: skip
    if problems:
        raise RegisterError(path, problems)


def _version(row: tuple[Any, ...]) -> BudgetVersion:
    f = dict(zip(_COLS, row, strict=True))
    return BudgetVersion(
        unit=f["unit"], year=f["year"], version=f["version"], source=f["name"],
        sha256=f["sha256"], size=f["size"], loaded_at=f["loaded_at"], loaded_by=f["loaded_by"],
        figures=f["figures"], content_sha256=f["content_sha256"],
    )  # fmt: skip


def _select(st: Store, where: str = "", args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return table_rows(st, "budget_versions", (*_COLS, "content"), where, args,
                      "unit, year, version")  # fmt: skip


def budget_versions(store: Store | Path | str, unit: str | None = None) -> list[BudgetVersion]:
    """Every loaded version (of ``unit``'s budgets, or of every unit's), oldest first."""
    st = store if isinstance(store, Store) else Store(Path(store))
    rows = _select(st, "WHERE unit = ?", (unit,)) if unit else _select(st)
    return [_version(r[:-1]) for r in rows]


def stored_budget(store: Store | Path | str, year: int) -> pl.DataFrame:
    """``year``'s budget (``unit, entity, year, indicator, value``): the latest version of each
    unit's; empty when none was loaded. A version whose content changed after it was loaded is
    refused."""
    st = store if isinstance(store, Store) else Store(Path(store))
    latest: dict[str, tuple[Any, ...]] = {}
    for row in _select(st, "WHERE year = ?", (year,)):
        latest[row[0]] = row  # ordered by version: the last is the latest
    out = []
    for row in latest.values():
        v = _version(row[:-1])
        if hashlib.sha256(row[-1].encode()).hexdigest() != v.content_sha256:
            raise StoreError(
                f"{st.db_path}: the budget of {v.unit} for {v.year} version {v.version} was "
                "changed after it was loaded (its SHA-256 no longer matches)\n"
                "  fix: restore soeplan.sqlite from a backup, or load the workbook again"
            )
        out += [(v.unit, e, v.year, i, float(x)) for e, i, x in json.loads(row[-1])]
    return pl.DataFrame(out, schema=LONG_SCHEMA, orient="row").sort("unit", "entity", "indicator")
