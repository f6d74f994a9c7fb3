"""A stored register as rows to show (``soeplan register show``), as loaded or as it stands on a
date, and every unit's register attributes on a date as one frame (:func:`register_frame`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from soeplan.errors import UnknownNameError
from soeplan.registers.layout import NODE_LABELS
from soeplan.registers.records import Register, RegisterEntry
from soeplan.submissions.store import Store
from soeplan.submissions.store_registers import (
    RegisterVersion,
    in_force,
    read_version,
    register_versions,
    store_structure,
    stored_register,
)

__all__ = ["REGISTER_FRAME_SCHEMA", "frame_row", "register_frame", "register_rows"]

#: The columns of :func:`register_frame`.
REGISTER_FRAME_SCHEMA: dict[str, Any] = {
    "unit": pl.String,
    "entity": pl.String,
    "name_zh": pl.String,
    "node_type": pl.String,
    "functional_class": pl.String,
    "industry": pl.String,
    "sector": pl.String,
    "state_share": pl.Float64,
    "listed": pl.Boolean,
    "exchange": pl.String,
    "stock_code": pl.String,
    "rating": pl.String,
    "rating_agency": pl.String,
    "rating_date": pl.Date,
    "as_of": pl.Date,
    "version": pl.Int64,
}


def _entry_cells(e: RegisterEntry, name_zh: str, name_en: str, parent: str | None) -> list[Any]:
    rating = f"{e.rating} ({e.rating_agency}, {e.rating_date})" if e.rating else ""
    share = "" if e.state_share is None else f"{e.state_share * 100:.2f}%"
    listed = (
        ("是 " + " ".join(x for x in (e.exchange, e.stock_code) if x)).strip() if e.listed else "否"
    )
    return [
        e.id,
        name_zh,
        name_en,
        parent or "",
        NODE_LABELS[e.node_type],
        e.functional_class.zh if e.functional_class else "",
        e.industry or "",
        e.sector.zh if e.sector else "",
        share,
        listed,
        rating,
        e.credit_code or "",
    ]


def register_rows(
    store: Store | Path | str,
    unit: str,
    *,
    at: dt.date | None = None,
    version: int | None = None,
) -> list[list[Any]]:
    """One row per entity of ``unit``'s stored register (see ``soeplan register show``).

    With ``at``: the version stated for that date, each entity's name and parent as they stand
    on it (after the changes up to then), merged and dissolved entities left out."""
    st = store if isinstance(store, Store) else Store(Path(store))
    versions = register_versions(st, unit)
    if not versions:
        raise UnknownNameError(
            f"the store {st.root} holds no register of {unit}\n"
            f"  fix: soeplan register load FILE --store {st.root}"
        )
    register = stored_register(st, unit, version=version, at=at if version is None else None)
    assert register is not None  # there are versions
    if at is None:
        return [_entry_cells(e, e.name_zh, e.name_en, e.parent) for e in register.entries]
    states = store_structure(st, replace=register).state_on(at)
    return [
        _entry_cells(e, s.name_zh, s.name_en, s.parent)
        for e in register.entries
        if (s := states.get(e.id)) is not None
    ]


def register_frame(store: Store | Path | str, at: dt.date | None = None) -> pl.DataFrame:
    """Every unit's register attributes as stated for ``at`` (each unit's version with the latest
    as-of date on or before it, else its earliest), one row per entity, with the version and
    as-of date it comes from (:data:`REGISTER_FRAME_SCHEMA`): what a figure by sector,
    functional class or rating starts from. Without ``at``: every loaded version's rows (the
    registers' whole history, as ``soeplan store export`` writes it)."""
    st = store if isinstance(store, Store) else Store(Path(store))
    chosen = []
    for unit in sorted({v.unit for v in register_versions(st)}):
        versions = register_versions(st, unit)
        if at is None:
            chosen += versions
        elif (v := in_force(versions, at)) is not None:
            chosen.append(v)
    rows = [frame_row(v, e) for v in chosen for e in read_version(st, v).entries]
    return pl.DataFrame(rows, schema=REGISTER_FRAME_SCHEMA, orient="row")


def frame_row(v: RegisterVersion | Register, e: RegisterEntry) -> tuple[Any, ...]:
    """One row of :data:`REGISTER_FRAME_SCHEMA`: an entry of a stored version (or of a register
    built in code, version 0)."""
    version = v.version if isinstance(v, RegisterVersion) else 0
    return (
        v.unit, e.id, e.name_zh, e.node_type.value,
        e.functional_class.value if e.functional_class else None, e.industry,
        e.sector.value if e.sector else None, e.state_share, e.listed, e.exchange, e.stock_code,
        e.rating, e.rating_agency, e.rating_date, v.as_of, version,
    )  # fmt: skip
